"""Panels that other apps add to the reports dashboard, without reports importing them.

The reports app and the channels (the outbound journal among them) sit side by side in the top
layer of the apps (docs/decisions/0006-app-boundaries.md): neither may import the other. A
channel that has figures for the dashboard registers a `DashboardPanel` in its
`AppConfig.ready()`; the dashboard renders every registered panel, in the order registered,
each from its own template with the context its function returns for the dashboard's filters.
Like `dmvrequests.vocabulary`, this module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class PanelScope:
    """The dashboard's filters: received dates (inclusive), an office id (None: every
    office) and an agency kind code ("" for every kind)."""

    date_from: date
    date_to: date
    office_id: int | None = None
    agency_kind: str = ""


@dataclass(frozen=True)
class DashboardPanel:
    key: str  # unique; registering the same key again replaces the panel
    template: str  # rendered with `panel`: the dict `figures` returns
    figures: Callable[[PanelScope], dict[str, Any]]


_PANELS: dict[str, DashboardPanel] = {}


def register_dashboard_panel(panel: DashboardPanel) -> None:
    """Add `panel` to the dashboard (from an AppConfig.ready(); idempotent by key)."""
    _PANELS[panel.key] = panel


def dashboard_panels(scope: PanelScope) -> list[tuple[str, dict[str, Any]]]:
    """(template, figures) of every registered panel for `scope`, in registration order."""
    return [(panel.template, panel.figures(scope)) for panel in _PANELS.values()]
