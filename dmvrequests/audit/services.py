"""Writing the audit trail: `audit_record` appends one event to the chain.

Reads of case data fail closed. `access_log` raises AuditUnavailable when the
record cannot be written, and the view must let it propagate before it shows
anything: AuditUnavailableMiddleware turns it into a 503 page without the
data. A read that cannot be recorded does not happen (docs/audit.md).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from dmvrequests.audit import chainwrite
from dmvrequests.audit.chain import GENESIS_HASH, normalise_detail, record_hash
from dmvrequests.audit.models import (
    Action,
    AuditChainHead,
    AuditRecord,
    Kind,
    Outcome,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model
    from django.http import HttpRequest

    from accounts.models import User
    from dmvrequests.cases.models import DisclosureRequest

logger = logging.getLogger(__name__)

CASE_OBJECT_TYPE = "cases.disclosurerequest"


class AuditUnavailable(Exception):
    """The audit record could not be written, so the action that needed it was refused."""


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw.

    AUDIT_TRUSTED_PROXY_COUNT is how many proxies (load balancer, nginx) sit in
    front of the application; each appends to X-Forwarded-For, so the client is
    that many entries from the right. Anything further left is client-supplied
    and may be forged, so it is never used.
    """
    proxies = getattr(settings, "AUDIT_TRUSTED_PROXY_COUNT", 0)
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def _actor(user, request):
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


def _lock_head():
    # Lock the head row: without it, two processes could both chain a record
    # onto the same predecessor. The row is created on first use, from the
    # last record if there is one, so an emptied test database starts over.
    head = chainwrite.lock_head()
    if head is not None:
        return head
    last = AuditRecord.objects.order_by("-seq").first()
    start = AuditChainHead(pk=1, seq=0, hash=GENESIS_HASH)
    if last is not None:
        start.seq, start.hash = last.seq, last.hash
    AuditChainHead.objects.bulk_create([start], ignore_conflicts=True)
    return chainwrite.lock_head()


def _append(batch):
    """Chain each dict of fields in `batch` onto the head, in order, in one transaction:
    three statements however many records (audit/chainwrite.py). Returns the rows written:
    each dict of `batch` with its `seq`, `prev_hash` and `hash` added (no model instance is
    made: fifty of them cost a queue page more CPU than hashing and writing the records)."""
    with transaction.atomic():
        seq, prev_hash = _lock_head()
        rows = []
        for fields in batch:
            seq += 1
            row = {**fields, "seq": seq, "prev_hash": prev_hash}
            row["hash"] = prev_hash = record_hash(row)
            rows.append(row)
        chainwrite.insert_rows(rows)
        chainwrite.move_head(seq, prev_hash)
    return rows


# The words of the chain's vocabulary, as sets: Django's `Choices.values` makes a new list of
# every value on each use, and every record (every page) is checked against three of them.
_KINDS = frozenset(Kind.values)
_ACTIONS = frozenset(Action.values)
_OUTCOMES = frozenset(Outcome.values)


def _check_vocabulary(kind, action, outcome):
    # A typo here would put a word in the chain that no screen knows; refuse it.
    if kind not in _KINDS:
        raise ValueError(f"Unknown audit kind {kind!r}; add it to audit.models.Kind.")
    if action not in _ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}; add it to audit.models.Action.")
    if outcome not in _OUTCOMES:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")


def audit_record(
    *,
    kind: str,
    action: str,
    outcome: str = Outcome.SUCCESS,
    user: User | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    case_number: str = "",
    object_type: str = "",
    object_id: object = "",
    detail: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditRecord:
    """Append one event; the user, office and address come from `request` when given.

    `username` is only for events without a user (a failed sign-in names the
    account that was tried). Raises AuditUnavailable if the record could not
    be written.
    """
    _check_vocabulary(kind, action, outcome)
    who = _who_fields(_actor(user, request), request, username)
    what = _what_fields(kind, action, outcome, case_number, object_type, object_id, detail)
    (row,) = _write([{**who, **what}], kind, action)
    return chainwrite.stored_record(row)


def _who_fields(actor, request, username):
    return {
        "user_id": actor.pk if actor else None,
        "username": (actor.get_username() if actor else username)[:150],
        "office": (actor.office.code if actor and actor.office_id else "")[:20],
        "ip_address": client_ip(request) if request is not None else "",
    }


def _what_fields(kind, action, outcome, case_number, object_type, object_id, detail):
    return {
        "occurred_at": timezone.now(),
        "kind": str(kind),
        "action": str(action),
        "outcome": str(outcome),
        "object_type": object_type[:100],
        "object_id": str(object_id)[:64],
        "case_number": case_number[:16],
        "detail": normalise_detail(detail),
    }


def _write(batch, kind, action):
    try:
        return _append(batch)
    except DatabaseError as exc:
        logger.exception("Could not write the audit record %s/%s", kind, action)
        raise AuditUnavailable(f"The audit record {kind}/{action} could not be written.") from exc


def access_log(
    *,
    request: HttpRequest | None,
    action: str,
    case: DisclosureRequest | None = None,
    obj: Model | None = None,
    outcome: str = Outcome.SUCCESS,
    detail: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Record a read of case data; call it before the response shows anything.

    `obj` names what was read when it is not the case itself (a document, a
    letter); `case` gives the case number the timeline and searches use.
    """
    target = obj if obj is not None else case
    return audit_record(
        kind=Kind.ACCESS,
        action=action,
        outcome=outcome,
        request=request,
        case_number=case.number if case is not None else "",
        object_type=target._meta.label_lower if target is not None else "",
        object_id=target.pk if target is not None else "",
        detail=detail,
    )


def access_log_cases(
    *,
    request: HttpRequest | None,
    action: str,
    cases: Iterable[DisclosureRequest],
    detail: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Record a read of each case in `cases` (a page of a list that shows subject
    identifiers: search results, a queue), once per case, in the order shown. Returns the
    rows written, as access_log_many."""
    targets = {case.pk: (case.number, CASE_OBJECT_TYPE, case.pk) for case in cases}
    return access_log_many(request=request, action=action, targets=targets.values(), detail=detail)


def access_log_many(
    *,
    request: HttpRequest | None,
    action: str,
    targets: Iterable[tuple[str | None, str, object]],
    detail: Mapping[str, Any] | None = None,
    user: User | AnonymousUser | None = None,
) -> list[dict[str, Any]]:
    """Record one read per (case_number, object_type, object_id) in `targets`.

    For list pages: every record is chained in one transaction (one lock of the
    chain head, one INSERT of all the rows), so a page of fifty cases costs three
    queries, and each case's timeline and the access log by case number find it.
    Raises AuditUnavailable, before anything is shown, if they cannot be written.
    Returns the rows written: a dict per record of its columns (AuditRecord's field
    names, `user_id` for the user), in the order of `targets`. `user` names the reader
    where there is no request (a worker).
    """
    _check_vocabulary(Kind.ACCESS, action, Outcome.SUCCESS)
    # What every record of the page shares (who, when, the detail), made once: the same time
    # for every read of one page, which the chain's order (seq) keeps apart.
    shared = {
        **_who_fields(_actor(user, request), request, ""),
        **_what_fields(Kind.ACCESS, action, Outcome.SUCCESS, "", "", "", detail),
    }
    batch = [
        {
            **shared,
            "case_number": (number or "")[:16],
            "object_type": object_type[:100],
            "object_id": str(object_id)[:64],
        }
        for number, object_type, object_id in targets
    ]
    return _write(batch, Kind.ACCESS, action) if batch else []


def access_log_denied(
    *,
    request: HttpRequest | None,
    action: str,
    number: object,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Record a refused look at case `number` (the user was answered 404 or 403)."""
    if request is not None:
        # Recorded here: the refusal middleware must not record the same 404 again.
        request.case_refusal_recorded = True  # type: ignore[attr-defined]  # our own flag
    audit_record(
        kind=Kind.ACCESS,
        action=action,
        outcome=Outcome.DENIED,
        request=request,
        case_number=str(number)[:16],
        object_type=CASE_OBJECT_TYPE,
        detail=detail,
    )


def record_page_refusal(request: HttpRequest, view_name: str) -> None:
    """A page that names no case was refused to the signed-in user with 403 (the access table
    refuses the role, or the view the capability): recorded as a denied OPEN_PAGE with the
    page's URL name, so that the access log shows who tried to open, say, the staff-email
    queue without the role (docs/audit.md)."""
    audit_record(
        kind=Kind.ACCESS,
        action=Action.OPEN_PAGE,
        outcome=Outcome.DENIED,
        request=request,
        detail={"page": view_name},
    )


def record_case_refusal(request: HttpRequest, number: object, view_name: str) -> None:
    """A case lookup under /cases/<number>/… (an action, a document, a form's address) was
    refused with 404: recorded as the case page's refusal is, with the page named, unless
    the view recorded it already. A document's download counts as a download."""
    if getattr(request, "case_refusal_recorded", False):
        return
    action = Action.DOWNLOAD_DOCUMENT if view_name.endswith("download") else Action.VIEW_CASE
    access_log_denied(request=request, action=action, number=number, detail={"page": view_name})
