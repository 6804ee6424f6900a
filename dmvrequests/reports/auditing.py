"""Exports of case data are logged in the audit trail before any row leaves.

The audit app is imported when an export is logged, not when this module is
loaded, so the reports app does not depend on the audit app's import order.
If the record cannot be written, for whatever reason, ExportNotLogged is
raised and the export is refused: an export that is not on the record does
not happen (CJIS Security Policy 5.4: reads of criminal justice information
are audited).
"""

import logging

logger = logging.getLogger(__name__)


class ExportNotLogged(Exception):
    """The audit record of an export could not be written, so the export was refused."""

    message = (
        "The export was refused because it could not be recorded in the audit log. "
        "Nothing was exported. Try again in a few minutes; if it keeps failing, tell the "
        "system administrator."
    )


def export_log(*, actor, request=None, detail):
    """Record one export (or download of an exported file) by `actor`."""
    try:
        from dmvrequests.audit.models import Action, Kind
        from dmvrequests.audit.services import audit_record
    except ImportError as exc:
        logger.error("Export refused: the audit app cannot be imported (%s).", exc)
        raise ExportNotLogged(ExportNotLogged.message) from exc
    try:
        return audit_record(
            kind=Kind.ACCESS, action=Action.EXPORT, user=actor, request=request, detail=detail
        )
    except Exception as exc:
        # Whatever went wrong (database, vocabulary, a bug), the export stops here.
        logger.exception("Export refused: its audit record could not be written.")
        raise ExportNotLogged(ExportNotLogged.message) from exc
