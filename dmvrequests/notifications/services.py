"""Who is told what, by email. Messages go through the outbox (models.OutboundEmail)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from dmvrequests.notifications.models import Kind, OutboundEmail, Preference
from dmvrequests.tasking import task_named

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dmvrequests.cases.models import DisclosureRequest

logger = logging.getLogger(__name__)
# The task that sends queued messages (tasks.py; queued by name, see dmvrequests/tasking.py).
SEND_OUTBOUND = "dmvrequests.notifications.tasks.send_outbound"
MAX_ATTEMPTS = 10


def _wants(user, kind):
    preference = Preference.objects.filter(user=user).first()
    return preference is None or preference.wants(kind)


@transaction.atomic
def preference_update(
    *, user: User, actor: User | None, assignment: bool, digest: bool
) -> Preference:
    """Save `user`'s notification settings (the first save creates them), recorded in
    their history as changed by `actor`. `assignment`, `digest`: bool."""
    preference = Preference.objects.select_for_update().filter(user=user).first()
    preference = preference or Preference(user=user)
    preference.assignment, preference.digest = bool(assignment), bool(digest)
    preference._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    preference.save()
    return preference


def one_line(text: str) -> str:
    """A header value on one line: line breaks and other control characters become spaces
    (a newline in an agency's name must not make the mail unsendable)."""
    import unicodedata

    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(cleaned.split())


def email_queue(
    *,
    kind: str,
    recipients: Iterable[User | str],
    subject: str,
    template: str,
    context: Mapping[str, Any],
    dedupe: str,
    case: DisclosureRequest | None = None,
    attachment: tuple[str, bytes, str] | None = None,
) -> list[int]:
    """Write one outbox row per recipient (user or address); send once committed.

    `dedupe` makes the call idempotent: the same event never emails twice. `attachment`
    is (filename, bytes, MIME type), kept on the row and sent with the message unchanged."""
    name, data, mimetype = attachment or ("", b"", "")
    created = []
    for recipient in recipients:
        if isinstance(recipient, User):
            user, address = recipient, recipient.email
        else:
            user, address = None, recipient
        if not address or (user and (not user.is_active or not _wants(user, kind))):
            continue
        body = render_to_string(
            template, {**context, "recipient": user, "DMV_NAME": settings.DMV_NAME}
        )
        row, is_new = OutboundEmail.objects.get_or_create(
            dedupe_key=f"{dedupe}:{address.lower()}"[:200],
            defaults={
                "kind": kind,
                "recipient": address,
                "user": user,
                "case": case,
                "subject": one_line(subject)[:250],
                "body": body,
                "attachment_name": name,
                "attachment_type": mimetype,
                "attachment": data,
            },
        )
        if is_new:
            created.append(row.pk)
    if created:
        transaction.on_commit(lambda: enqueue(created))
    return created


def enqueue(ids: Sequence[int]) -> None:
    """Hand the messages to Celery; with the broker down, leave them for the sweep."""
    try:
        task_named(SEND_OUTBOUND).delay(ids)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the outbox keeps the mail
        logger.warning(
            "Broker unavailable, %d email(s) left for the outbox sweep: %s", len(ids), exc
        )


def deliver(email_id: int) -> bool:
    """Send one queued message at most once: the row is locked and marked sent."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, sent_at=None)
            .first()
        )
        if email is None:
            return False
        try:
            _send(email)
        except Exception as exc:  # noqa: BLE001 - recorded; the sweep tries again
            email.attempts += 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            # A message the mail library refuses (BadHeaderError is a ValueError) never
            # goes out however often it is tried; nor does one that failed MAX_ATTEMPTS times.
            if isinstance(exc, ValueError) or email.attempts >= MAX_ATTEMPTS:
                email.failed_at = timezone.now()
                logger.error(
                    "Notification %s to %s failed for good: %s",
                    email.pk,
                    email.recipient,
                    email.last_error,
                )
            email.save(update_fields=["attempts", "last_error", "failed_at"])
            return False
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["sent_at", "attempts"])
        return True


def _send(email: OutboundEmail) -> None:
    """Send the row's message, with its attachment (the stored bytes) if it has one."""
    if not email.attachment_name:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.recipient])
        return
    message = EmailMessage(
        email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.recipient]
    )
    message.attach(email.attachment_name, bytes(email.attachment), email.attachment_type)
    message.send()


def unsent(older_than: timedelta = timedelta(minutes=1)) -> QuerySet[OutboundEmail, int]:
    cutoff = timezone.now() - older_than
    return OutboundEmail.objects.filter(
        sent_at=None, failed_at=None, attempts__lt=MAX_ATTEMPTS, created_at__lte=cutoff
    ).values_list("pk", flat=True)


def failed() -> QuerySet[OutboundEmail]:
    """Notifications given up on, newest first: what administrators are shown."""
    return OutboundEmail.objects.filter(sent_at=None, failed_at__isnull=False).order_by(
        "-failed_at"
    )


def notify_assignment(*, case: DisclosureRequest, counsel: User) -> None:
    email_queue(
        kind=Kind.ASSIGNMENT,
        recipients=[counsel],
        case=case,
        subject=f"{case.number} is assigned to you{' (emergency)' if case.emergency else ''}",
        template="notifications/assignment.txt",
        context={"case": case},
        dedupe=f"assignment:{case.pk}:{counsel.pk}:{case.history.count()}",
    )


def notify_emergency(*, case: DisclosureRequest) -> None:
    office_staff = User.objects.filter(
        office=case.office, is_active=True, groups__name__in=["Clerk", "Counsel"]
    ).distinct()
    recipients = [case.office.email] if case.office.email else list(office_staff)
    email_queue(
        kind=Kind.EMERGENCY,
        recipients=recipients,
        case=case,
        subject=f"Emergency request {case.number} from {case.agency}",
        template="notifications/emergency.txt",
        context={"case": case},
        dedupe=f"emergency:{case.pk}",
    )


def notify_role_grant(
    *,
    user: User,
    role: str,
    actor: User | None,
    previous: Iterable[str] = (),
    pending: bool = False,
    key: str = "",
) -> None:
    """Tell the other administrators and the auditors that `actor` changed `user`'s role
    from `previous` (role names; empty for a new account) to `role`, worded by direction
    (granted / changed from X to Y / removed); with `pending`, that it was asked for and
    waits for a second administrator. The person whose role changed is told too (not
    while it waits), in words for them ("You are now Clerk; no longer Counsel")."""
    from accounts.roles import Role, role_change_words

    recipients = list(
        User.objects.filter(is_active=True, groups__name__in=[Role.ADMINISTRATOR, Role.AUDITOR])
        # pk=None is "IS NULL" to Django (the stubs refuse None): nobody excluded for the system.
        .exclude(pk=getattr(actor, "pk", None))  # type: ignore[misc]
        .exclude(pk=user.pk)
        .distinct()
        .order_by("pk")
    )
    if not pending and user.is_active:
        # The person whose role changed is told too (a request still waiting changes nothing).
        recipients.append(user)
    change = role_change_words(user.get_username(), list(previous), role, pending=pending)
    lost = [r for r in previous if r != role]
    email_queue(
        kind=Kind.ROLE_GRANT,
        recipients=recipients,
        subject=f"{actor or 'The system'} {change}",
        template="notifications/role_grant.txt",
        context={
            "user": user,
            "role": role,
            "actor": actor,
            "pending": pending,
            "change": change,
            "lost": ", ".join(lost),
        },
        dedupe=f"role_grant:{user.pk}:{role}:{key or timezone.now().isoformat()}",
    )


DIGEST_HORIZON_DAYS = 2
DIGEST_LIMIT = 50


def _digest_items(user, today):
    from dmvrequests.cases.models import NoticeStatus, Status, SubjectNotice
    from dmvrequests.cases.selectors import requests_visible_to

    horizon = today + timedelta(days=DIGEST_HORIZON_DAYS)
    cases = requests_visible_to(user).open().filter(due_date__lte=horizon)
    if user.is_counsel and not user.is_clerk:
        cases = cases.filter(status=Status.IN_REVIEW)
    notices = SubjectNotice.objects.filter(
        case__in=requests_visible_to(user), status=NoticeStatus.DUE, due_date__lte=horizon
    ).select_related("case")
    return (
        list(cases.select_related("agency").order_by("due_date")[:DIGEST_LIMIT]),
        cases.count(),
        list(notices.order_by("due_date")[:DIGEST_LIMIT]),
        notices.count(),
    )


def digest_send(*, today: date | None = None) -> int:
    """Each clerk and counsel gets the cases and subject notices due within two days or
    overdue, once a day (the date is in the dedupe key)."""
    today = today or timezone.localdate()
    users = User.objects.filter(is_active=True, groups__name__in=["Clerk", "Counsel"]).distinct()
    sent = 0
    for user in users.select_related("office"):
        cases, case_count, notices, notice_count = _digest_items(user, today)
        if not case_count and not notice_count:
            continue
        context = {
            "cases": cases,
            "case_count": case_count,
            "notices": notices,
            "notice_count": notice_count,
            "today": today,
        }
        sent += len(
            email_queue(
                kind=Kind.DIGEST,
                recipients=[user],
                template="notifications/digest.txt",
                subject=f"Due soon or overdue: {case_count} case(s), {notice_count} subject notice(s)",
                context=context,
                dedupe=f"digest:{user.pk}:{today.isoformat()}",
            )
        )
    return sent


def followups_overdue_notify(*, now: datetime | None = None) -> int:
    """Emergency approvals whose follow-up legal process is late: tell the deciding
    counsel and the office, once a day per approval."""
    from dmvrequests.cases.models import Decision

    now = now or timezone.now()
    late = Decision.objects.filter(
        emergency=True, followup_received_at=None, followup_due__lt=now
    ).select_related("case__office", "case__agency", "decided_by")
    sent = 0
    for decision in late:
        case = decision.case
        recipients = [decision.decided_by] + ([case.office.email] if case.office.email else [])
        sent += len(
            email_queue(
                kind=Kind.FOLLOWUP_OVERDUE,
                recipients=recipients,
                case=case,
                subject=f"Overdue: legal process for emergency release {case.number}",
                template="notifications/followup_overdue.txt",
                context={"case": case, "decision": decision},
                dedupe=f"followup:{decision.pk}:{timezone.localdate(now).isoformat()}",
            )
        )
    return sent
