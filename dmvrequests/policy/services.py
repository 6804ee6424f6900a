"""Writes and evaluations for policy profiles (HackSoft style: keyword-only, `<noun>_<verb>`).

Every change goes through here so that the version is bumped, the row is validated
with `full_clean()`, and the history records who made the change and why.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from dmvrequests.audit.models import Action, Kind
from dmvrequests.audit.services import audit_record
from dmvrequests.policy.engine import PolicyInputError, evaluate, validate_rules
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.prepared import PreparedQuery
from dmvrequests.vocabulary import Confidence

if TYPE_CHECKING:
    from accounts.models import User


# Every case page asks for it: compiled once (dmvrequests/prepared.py).
ACTIVE_PROFILE = PreparedQuery(
    lambda: PolicyProfile.objects.filter(is_active=True).order_by("pk")[:1], probes=[]
)


def profile_active() -> PolicyProfile:
    """The installation's active profile (the data migration installs one)."""
    profile = ACTIVE_PROFILE.first()
    if profile is None:
        raise ImproperlyConfigured(
            "No policy profile is active: an administrator must make one active "
            "(Administration, Policy profiles)."
        )
    return profile


def _save(profile: PolicyProfile, *, actor: User | None, reason: str) -> None:
    profile.full_clean()
    profile._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    profile._change_reason = reason  # type: ignore[attr-defined]
    profile.save()


@transaction.atomic
def profile_activate(*, profile: PolicyProfile, actor: User | None) -> PolicyProfile:
    """Make `profile` the only active profile. Activation is not a rules change: no version bump."""
    # Lock every profile row so that two administrators activating at once take turns.
    profiles = list(PolicyProfile.objects.select_for_update().order_by("pk"))
    for other in profiles:
        if other.is_active and other.pk != profile.pk:
            other.is_active = False
            _save(other, actor=actor, reason=f"Deactivated: {profile.slug} made active.")
    profile.refresh_from_db()
    if not profile.is_active:
        profile.is_active = True
        _save(profile, actor=actor, reason="Made the active profile.")
    return profile


def profile_clone(
    *, profile: PolicyProfile, slug: str, name: str, actor: User | None
) -> PolicyProfile:
    """A new, inactive copy of `profile` under another slug and name, at version 1."""
    rules = copy.deepcopy(profile.rules)
    rules["name"] = name
    clone = PolicyProfile(
        slug=slug,
        name=name,
        citation=profile.citation,
        description=f"Copy of {profile.slug} version {profile.version}. {profile.description}",
        rules=rules,
        version=1,
        is_active=False,
        # What the project knows of the provisions carries over; a review does not.
        confidence=profile.confidence,
        sources=copy.deepcopy(profile.sources),
        open_questions=list(profile.open_questions),
    )
    _save(clone, actor=actor, reason=f"Cloned from {profile.slug} version {profile.version}.")
    return clone


@transaction.atomic
def profile_update_rules(
    *,
    profile: PolicyProfile,
    rules: dict[str, Any],
    actor: User | None,
    description: str | None = None,
) -> PolicyProfile:
    """Replace the rules (validated first), bump the version, and record the change."""
    try:
        normalised = validate_rules(rules)
    except PolicyInputError as error:
        raise ValidationError(
            {"rules": f"The rules are not valid at {error.field}: {error.problem}."}
        ) from None
    profile = PolicyProfile.objects.select_for_update().get(pk=profile.pk)
    profile.rules = rules
    profile.name = normalised["name"]
    profile.citation = normalised["citation"]
    if description is not None:
        profile.description = description
    profile.version += 1
    _save(profile, actor=actor, reason=f"Rules edited: version {profile.version}.")
    return profile


@transaction.atomic
def profile_record_review(
    *, profile, reviewer, reviewed_on, note, confidence, open_questions, actor, request=None
):
    """Record a state counsel's review of `profile` as it stands (this version).

    `reviewer` is the counsel's name and title (they need not use this system),
    `reviewed_on` the date of their review (not in the future), `note` what they
    checked. Counsel's answers may settle open questions: `open_questions` is what
    remains, and `confidence` must agree with it (confirmed = none left). The rules
    are not changed, so the version is not bumped; a later edit of the rules bumps it
    and the profile reads "not yet reviewed" again. Recorded in the profile's history
    and in the audit trail (kind `policy`, action `profile_review`). Raises
    ValidationError naming the field for anything that does not fit.
    """
    questions = [q.strip() for q in open_questions if q.strip()]
    errors = {}
    if not reviewer.strip():
        errors["reviewer"] = "Enter the name and title of the counsel who reviewed the profile."
    if not note.strip():
        errors["note"] = "Say what counsel checked and concluded."
    if problem := profile.review_date_problem(reviewed_on):
        errors["reviewed_on"] = problem
    if confidence == Confidence.CONFIRMED and questions:
        errors["open_questions"] = (
            "A confirmed profile has no open questions: remove the questions counsel answered, "
            "or keep the profile partly confirmed."
        )
    if confidence == Confidence.PARTLY_CONFIRMED and not questions:
        errors["open_questions"] = (
            "Say what remains open for a partly confirmed profile, or mark it confirmed."
        )
    if errors:
        raise ValidationError(errors)
    profile = PolicyProfile.objects.select_for_update().get(pk=profile.pk)
    profile.reviewed_by = reviewer.strip()
    profile.reviewed_on = reviewed_on
    profile.review_note = note.strip()
    profile.reviewed_version = profile.version
    profile.review_recorded_by = actor
    profile.confidence = confidence
    profile.open_questions = questions
    _save(profile, actor=actor, reason=f"Counsel's review recorded (version {profile.version}).")
    audit_record(
        kind=Kind.POLICY,
        action=Action.PROFILE_REVIEW,
        user=actor,
        request=request,
        object_type=PolicyProfile._meta.label_lower,
        object_id=profile.pk,
        detail={
            "profile": profile.slug,
            "version": profile.version,
            "reviewed_by": profile.reviewed_by,
            "reviewed_on": reviewed_on.isoformat(),
            "confidence": profile.confidence,
            "open_questions": len(questions),
        },
    )
    return profile


def evaluate_with_profile(*, disclosure_request, profile=None):
    """Validate and evaluate `disclosure_request` (the engine's request object,
    docs/policy-check.md) under `profile` (default: the active one).

    Raises PolicyInputError for an invalid request. The result also names the
    profile version, so a stored evaluation says exactly which rules gave it.
    """
    profile = profile or profile_active()
    result = evaluate(disclosure_request, profile.rules, profile=profile.slug)
    result["profile_version"] = profile.version
    return result
