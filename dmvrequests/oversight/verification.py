"""Walking the chain: recompute every hash, check every link, report the first break.

Used by `manage.py verify_audit`, the nightly task and the auditors' "Verify
now" button. The walk streams rows in seq order, so memory does not grow with
the log.
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.core.mail import send_mail
from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import Role
from dmvrequests.audit.chain import GENESIS_HASH, HASHED_FIELDS, record_hash
from dmvrequests.audit.models import Action, AuditChainHead, AuditRecord, Kind, Outcome
from dmvrequests.audit.protection import protection_problems
from dmvrequests.cases.models import Decision

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    count: int
    last_seq: int
    last_hash: str
    broken_seq: int | None = None
    broken_at: datetime | None = None
    problem: str = ""
    # Tables the database no longer protects, decisions changed outside the application.
    unprotected: tuple = ()
    altered_decisions: tuple = ()

    @property
    def message(self):
        if self.intact:
            return f"Audit chain intact: {self.count} records, last hash {self.last_hash}"
        if self.broken_seq is None:
            return f"Audit chain records intact ({self.count}), but {self.problem}"
        when = timezone.localtime(self.broken_at).strftime("%Y-%m-%d %H:%M:%S %Z")
        return f"Audit chain broken at record #{self.broken_seq} ({when}): {self.problem}"

    def as_detail(self):
        return {
            "intact": self.intact,
            "records": self.count,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "broken_seq": self.broken_seq,
            "problem": self.problem,
            "unprotected": list(self.unprotected),
            "altered_decisions": list(self.altered_decisions),
        }


# A decision's own columns that its latest history row repeats; a difference means the
# row was changed outside the application (with its trigger dropped, then restored).
DECISION_FIELDS = ("decided_by_id", "outcome", "reason", "rationale", "decided_at")


def decision_history_mismatches(limit=20):
    """Ids of decisions whose row no longer matches their own latest history row."""
    latest = Decision.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    annotations: dict[str, Any] = {
        f"h_{name}": Subquery(latest.values(name)[:1]) for name in DECISION_FIELDS
    }
    annotations["h_second"] = Coalesce(
        Subquery(latest.values("second_approved_by_id")[:1]),
        Value(0),
        output_field=BigIntegerField(),
    )
    differs = Q()
    for name in DECISION_FIELDS:
        differs |= ~Q(**{name: F(f"h_{name}")})
    differs |= ~Q(
        h_second=Coalesce(F("second_approved_by_id"), Value(0), output_field=BigIntegerField())
    )
    rows = (
        Decision.objects.annotate(**annotations)
        .filter(Q(h_decided_by_id__isnull=False))  # an annotation: Q, which the stubs do not check
        .filter(differs)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(rows[:limit])


def _row_problem(row, expected_seq, prev_hash):
    if row["seq"] != expected_seq:
        return f"the records before it, from #{expected_seq} to #{row['seq'] - 1}, are missing"
    if row["prev_hash"] != prev_hash:
        return (
            f"it does not link to record #{expected_seq - 1} before it "
            "(that record was replaced, or records were reordered)"
        )
    if record_hash(row) != row["hash"]:
        return "its hash does not match its contents"
    return ""


def chain_verify(*, chunk_size=CHUNK_SIZE):
    """Walk the whole chain, then check what protects the history around it.

    Returns a ChainReport naming the first broken record; or, with the records
    intact, the tables whose append-only trigger is missing or disabled, and the
    decisions that no longer match their own history (changed in the database).
    """
    report = _walk_chain(chunk_size)
    if not report.intact:
        return report
    unprotected = tuple(protection_problems())
    altered = tuple(decision_history_mismatches())
    if not unprotected and not altered:
        return report
    problems = []
    if unprotected:
        problems.append(
            "the database no longer refuses changes to "
            + ", ".join(unprotected)
            + " (its append-only trigger is missing or disabled)"
        )
    if altered:
        problems.append(
            "decisions "
            + ", ".join(f"#{pk}" for pk in altered)
            + " no longer match their history (changed in the database)"
        )
    return replace(
        report,
        intact=False,
        problem="; ".join(problems) + ".",
        unprotected=unprotected,
        altered_decisions=altered,
    )


def _walk_chain(chunk_size):
    expected_seq, prev_hash, last = 1, GENESIS_HASH, None
    rows = AuditRecord.objects.order_by("seq").values(*HASHED_FIELDS, "hash")
    for row in rows.iterator(chunk_size=chunk_size):
        problem = _row_problem(row, expected_seq, prev_hash)
        if problem:
            return ChainReport(
                intact=False,
                count=expected_seq - 1,
                last_seq=expected_seq - 1,
                last_hash=prev_hash,
                broken_seq=row["seq"],
                broken_at=row["occurred_at"],
                problem=problem,
            )
        expected_seq, prev_hash, last = expected_seq + 1, row["hash"], row
    return _check_head(last, prev_hash)


def _check_head(last, last_hash):
    """Catch records cut off the end: the head row remembers the last one appended."""
    last_seq = last["seq"] if last else 0
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) == (last_seq, last_hash):
        return ChainReport(intact=True, count=last_seq, last_seq=last_seq, last_hash=last_hash)
    if head is None:
        problem = "the chain head row is missing, so records removed from the end would go unseen"
    elif head_seq > last_seq:
        problem = f"it should be followed by records up to #{head_seq}, which are missing"
    else:
        problem = (
            f"it does not match the chain head (#{head_seq}): the end of the chain was altered"
        )
    return ChainReport(
        intact=False,
        count=last_seq,
        last_seq=last_seq,
        last_hash=last_hash,
        broken_seq=last_seq,
        broken_at=last["occurred_at"] if last else timezone.now(),
        problem=problem,
    )


def _administrator_emails():
    from accounts.models import User

    emails = (
        User.objects.filter(groups__name=Role.ADMINISTRATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(set(emails))


def _alert_administrators(report):
    """Email the administrators; returns how many were sent the alert."""
    recipients = _administrator_emails()
    if not recipients:
        logger.error("Audit chain broken and no administrator has an email address: %s", report)
        return 0
    body = (
        f"{report.message}\n\n"
        "Someone may have changed or removed audit records directly in the database. "
        "Do not change the audit table; keep a copy of the database as it is now, "
        "and run `python manage.py verify_audit` to see the first broken record."
    )
    try:
        send_mail("Audit chain broken", body, None, recipients)
    except Exception:
        # The verification itself must still be recorded; the failed alert is
        # logged here and shows as 0 administrators alerted in its record.
        logger.exception("Could not email the administrators about the broken audit chain")
        return 0
    return len(recipients)


def chain_verification_run(*, actor=None):
    """Verify the chain, alert the administrators if it is broken, record the result."""
    from dmvrequests.audit.services import audit_record

    report = chain_verify()
    detail = report.as_detail()
    if report.intact:
        # Logged so the last hash also lives outside the database (an anchor).
        logger.info(report.message)
    else:
        logger.error(report.message)
        detail["administrators_alerted"] = _alert_administrators(report)
    audit_record(
        kind=Kind.VERIFICATION,
        action=Action.VERIFY_CHAIN,
        outcome=Outcome.SUCCESS if report.intact else Outcome.FAILURE,
        user=actor,
        detail=detail,
    )
    return report


def last_verification():
    return (
        AuditRecord.objects.filter(kind=Kind.VERIFICATION, action=Action.VERIFY_CHAIN)
        .select_related("user")
        .order_by("-seq")
        .first()
    )
