"""System checks of the switch journal's settings (`manage.py check`, run at every start)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register()
def future_allowance(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS must be a whole number of seconds, 0 or more: a
    negative allowance would refuse messages dated before the import, up to now
    (docs/operations.md, "Switch journal: messages dated in the future")."""
    value = getattr(settings, "SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS", 300)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return [
            checks.Error(
                f"SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS must be a whole number of seconds, 0 or "
                f"more, not {value!r}.",
                hint="Set it to how far the switch's clock may run ahead of this server "
                "(300: five minutes).",
                id="switchjournal.E001",
            )
        ]
    return []
