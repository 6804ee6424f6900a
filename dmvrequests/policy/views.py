import contextlib

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from dmvrequests.policy import services
from dmvrequests.policy.engine import PolicyInputError
from dmvrequests.policy.forms import LegalDocumentFormSet, ProfileReviewForm, TryRequestForm
from dmvrequests.policy.models import PolicyProfile


def try_request(request):
    """A hypothetical request under any profile, with the policy panel. Nothing is saved.

    Who may open it is decided by the access table (Counsel and Administrator).
    """
    data = request.POST if request.method == "POST" else None
    form = TryRequestForm(data, initial=_initial())
    documents = LegalDocumentFormSet(data, prefix="documents")
    evaluation = profile = None
    # Validate both so that every mistake is reported at once.
    if data is not None and all([form.is_valid(), documents.is_valid()]):
        profile = form.cleaned_data["profile"]
        try:
            evaluation = services.evaluate_with_profile(
                disclosure_request=form.as_policy_request(documents), profile=profile
            )
        except PolicyInputError as error:
            form.add_error(None, f"This request could not be evaluated: {error}.")
    context = {
        "form": form,
        "documents": documents,
        "evaluation": evaluation,
        "profile": profile,
        "nav": "try",
    }
    return render(request, "policy/try.html", context)


def _initial():
    initial: dict[str, object] = {"received": timezone.localdate()}
    # With no active profile the select starts on the first one.
    with contextlib.suppress(ImproperlyConfigured):
        initial["profile"] = services.profile_active()
    return initial


def profile_list(request):
    """Every profile with its confidence, open questions and counsel's review.

    Counsel and administrators (the access table); administrators record reviews.
    """
    profiles = PolicyProfile.objects.select_related("review_recorded_by").order_by("name")
    return render(request, "policy/profiles.html", {"profiles": profiles, "nav": "profiles"})


def profile_review(request, slug):
    """An administrator records a state counsel's review of one profile (docs/profiles.md)."""
    profile = get_object_or_404(PolicyProfile, slug=slug)
    form = ProfileReviewForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_record_review(
                profile=profile, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_review_errors(form, error)
        else:
            messages.success(
                request,
                f"Counsel's review of {profile.name} (version {profile.version}) is recorded.",
            )
            return redirect("policy:profiles")
    status = 400 if form.is_bound else 200
    context = {"profile": profile, "form": form, "nav": "profiles"}
    return render(request, "policy/profile_review.html", context, status=status)


# The model's names for the form's fields, for an error that full_clean() finds.
REVIEW_FIELDS = {"reviewed_by": "reviewer", "reviewed_on": "reviewed_on", "review_note": "note"}


def _add_review_errors(form, error):
    """Put each error of the service beside its field on the form, the rest above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        name = REVIEW_FIELDS.get(field, field)
        form.add_error(name if name in form.fields else None, messages_)
