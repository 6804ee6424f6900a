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


# Per-case records of an export are chained this many at a time: one short transaction
# each (one lock of the chain head, one INSERT), so that the other pages' audit records
# are not held up while a big export is recorded (docs/audit.md, "Exports").
CASE_RECORD_BATCH = 2000


def export_cases_log(*, user, cases, request=None, detail, batch_size=CASE_RECORD_BATCH):
    """Record one `export` read per case of an export that carries subject identifiers,
    attributed to `user`, before any row leaves: `cases` yields (pk, number) pairs (a
    values_list iterator). Returns how many were recorded. Raises ExportNotLogged if a
    batch cannot be written; the export is then refused (the batches already written stay:
    they record an attempt)."""
    try:
        from dmvrequests.audit.services import CASE_OBJECT_TYPE, access_log_many
    except ImportError as exc:
        logger.error("Export refused: the audit app cannot be imported (%s).", exc)
        raise ExportNotLogged(ExportNotLogged.message) from exc
    recorded, batch = 0, []
    try:
        for pk, number in cases:
            batch.append((number, CASE_OBJECT_TYPE, pk))
            if len(batch) >= batch_size:
                recorded += _flush(access_log_many, user, request, batch, detail)
                batch = []
        if batch:
            recorded += _flush(access_log_many, user, request, batch, detail)
    except Exception as exc:
        logger.exception("Export refused: its per-case audit records could not be written.")
        raise ExportNotLogged(ExportNotLogged.message) from exc
    return recorded


def _flush(access_log_many, user, request, batch, detail):
    return len(
        access_log_many(request=request, user=user, action="export", targets=batch, detail=detail)
    )
