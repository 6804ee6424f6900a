"""Error pages in the house layout: say what happened and what to do next."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    """The refusal's own sentence when the code that refused wrote one for people (a
    PermissionDenied("Only the agency's portal administrator ...")), and who to ask: an
    agency officer asks their portal administrator, staff ask an administrator."""
    reason = str(exception) if exception is not None and exception.args else ""
    if "access table" in reason:  # a page missing from dmvrequests.access: not for users
        reason = ""
    user = getattr(request, "user", None)
    officer = bool(user and user.is_authenticated and _is_officer(user))
    return render(request, "errors/403.html", {"reason": reason, "officer": officer}, status=403)


def _is_officer(user) -> bool:
    try:
        return user.officer is not None
    except Exception:  # noqa: BLE001 - no officer record (RelatedObjectDoesNotExist), or none at all
        return False


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: the failure may be in one of them.
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({}))


def csrf_failure(request, reason=""):
    """A form whose security token no longer matches (settings.CSRF_FAILURE_VIEW): it was
    opened before a sign-in, in another tab, or long ago. Nothing was recorded."""
    return render(request, "errors/403_csrf.html", status=403)
