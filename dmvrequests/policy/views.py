import contextlib

from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils import timezone

from dmvrequests.policy import services
from dmvrequests.policy.engine import PolicyInputError
from dmvrequests.policy.forms import LegalDocumentFormSet, TryRequestForm


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
                request=form.as_policy_request(documents), profile=profile
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
    initial = {"received": timezone.localdate()}
    # With no active profile the select starts on the first one.
    with contextlib.suppress(ImproperlyConfigured):
        initial["profile"] = services.profile_active()
    return initial
