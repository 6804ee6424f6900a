"""What every case service shares: errors users can read, the row lock, the capability
and move checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.cases.signals import case_status_changed
from dmvrequests.cases.workflow import TRANSITIONS, CaseAction
from dmvrequests.timewords import moment_words

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=models.Model)

# Moves that are counsel's decision (or, for asking the agency, part of it).
DECISIONS = (CaseAction.APPROVE, CaseAction.DENY, CaseAction.CONFIRM, CaseAction.REQUEST_INFO)


# A time typed for something that happened may run this far ahead of the server's clock.
CLOCK_TOLERANCE = timedelta(minutes=5)


class WorkflowError(ValidationError):
    """A move the rules refuse; the message tells the user what to do instead."""


class CaseChanged(WorkflowError):
    """Someone else changed the case between the user's page load and their action."""


def save(instance: M, actor: User | None, reason: str | None = None) -> M:
    """Validate, then save with the actor (and a reason) recorded in the history."""
    instance._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.full_clean()
    old_status = _stored_status(instance)
    instance.save()
    if (
        old_status is not None
        and isinstance(instance, DisclosureRequest)
        and old_status != instance.status
    ):
        case_status_changed.send(
            sender=DisclosureRequest,
            case=instance,
            old_status=old_status,
            new_status=instance.status,
        )
    return instance


def _stored_status(instance: models.Model) -> str | None:
    """The status a saved case has in the database before this save; None otherwise."""
    if not isinstance(instance, DisclosureRequest) or instance.pk is None:
        return None
    return DisclosureRequest.objects.filter(pk=instance.pk).values_list("status", flat=True).first()


def lock(case: DisclosureRequest, expected_status: str | None = None) -> DisclosureRequest:
    """Lock the case row for this transaction. With `expected_status`, refuse if someone
    moved the case since the user loaded the page: two counsel acting at once produce
    exactly one decision, and the other is told plainly."""
    locked = DisclosureRequest.objects.select_for_update().get(pk=case.pk)
    if expected_status and locked.status != expected_status:
        raise CaseChanged(
            f"{locked.number} changed while you were looking at it: it is now "
            f"“{locked.get_status_display()}”. Review the case again before acting."
        )
    return locked


def require(case: DisclosureRequest, actor: User | None, capability: str) -> None:
    """Refuse unless the capability model lets `actor` do `capability` with `case`.

    `actor` None is the system itself (email intake files what arrives); no user
    request reaches a service that way.
    """
    if actor is None:
        return
    capabilities = capabilities_for(actor, case)
    if not getattr(capabilities, capability):
        raise WorkflowError(capabilities.refusal(capability))


def check_move(case: DisclosureRequest, action: str, actor: User) -> str:
    """The capability model says whether the actor works on this case at all; the table
    whether the move exists and which roles may make it."""
    require(case, actor, "act")
    entry = TRANSITIONS.get((case.status, action))
    if entry is None:
        raise WorkflowError(
            f"A case that is “{case.get_status_display()}” cannot be "
            f"“{CaseAction(action).label.lower()}”."
        )
    new_status, roles = entry
    if not actor.has_role(*roles):
        raise WorkflowError(f"Your role cannot {CaseAction(action).label.lower()} a case.")
    if action in DECISIONS:
        require(case, actor, "decide")
    return new_status


def time_refusal(
    moment: datetime,
    *,
    what: str,
    since: Iterable[tuple[datetime | None, str]],
    enter: str,
    future: str,
) -> str:
    """Why `moment`, the time a person gives for something that happened (`what`: "A
    release"), cannot be right, or "" when it can: it is in the future (`future` says so),
    or before the latest of `since`, each a moment and the event it was ("the request was
    received"); `enter` says what to give instead ("Enter when the records were sent").

    The earliest time allowed is cut to the minute, as a form's time is typed: the form's
    default, now to the minute, is never refused for the seconds of a decision made just
    before. It is named in the state's time zone with its abbreviation."""
    if moment > timezone.now() + CLOCK_TOLERANCE:
        return future
    bounds = [(_to_the_minute(at), event) for at, event in since if at is not None]
    if not bounds:
        return ""
    # The latest bound; of two in the same minute, the first given (the later event).
    earliest, event = max(bounds, key=lambda bound: bound[0])
    if moment >= earliest:
        return ""
    when = moment_words(earliest)
    return f"{what} cannot be dated before {event} ({when}). {enter}: {when} or later."


def _to_the_minute(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(second=0, microsecond=0)
