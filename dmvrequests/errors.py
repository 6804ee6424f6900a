"""Error pages in the house layout: say what happened and what to do next."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


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
