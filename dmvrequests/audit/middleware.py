"""Turns AuditUnavailable into a 503 page: the read was refused, nothing was shown; and
records a refused look at any URL of a case the user may not see."""

from django.shortcuts import render

from dmvrequests.audit.services import AuditUnavailable, record_case_refusal
from dmvrequests.cases.selectors import CaseNotVisible

RETRY_AFTER_SECONDS = 60


class AuditUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AuditUnavailable):
            return None
        response = render(request, "audit/unavailable.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "private, no-store"
        return response


class CaseRefusalAuditMiddleware:
    """A 404 for a case the user may not see (selectors.CaseNotVisible), on any URL that
    names the case (/cases/<number>/release/, …/documents/3/download/), is recorded in the
    access log as denied, as the case page's own refusal is (docs/audit.md): probing the
    sub-URLs of other offices' cases leaves the same trace. Listed after
    AuditUnavailableMiddleware, so that it runs first and a record that cannot be written
    still gives the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CaseNotVisible) or request.resolver_match is None:
            return None
        number = request.resolver_match.kwargs.get("number")
        if number is None:
            return None
        try:
            record_case_refusal(request, number, request.resolver_match.view_name)
        except AuditUnavailable as unavailable:
            return AuditUnavailableMiddleware(self.get_response).process_exception(
                request, unavailable
            )
        return None  # Django answers 404 as usual
