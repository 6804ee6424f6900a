"""System checks of the outbound journal's settings (`manage.py check`, run at every start)."""

from __future__ import annotations

from django.core import checks

from dmvrequests.outbound.identifiers import PatternError, license_patterns


@checks.register()
def license_number_patterns(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """DMV_LICENSE_NUMBER_PATTERNS must compile: a broken pattern would make the journal scan
    fail on every message (docs/outbound.md, "Settings")."""
    try:
        license_patterns()
    except PatternError as exc:
        return [
            checks.Error(
                f"DMV_LICENSE_NUMBER_PATTERNS: {exc}",
                hint="Correct the pattern; try it on the staff-email pattern page first.",
                id="outbound.E001",
            )
        ]
    return []
