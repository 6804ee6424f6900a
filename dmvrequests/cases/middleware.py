"""Records a refused look at any URL of a case the user may not see (cases know the audit
app; the audit app knows no case: docs/decisions/0006-app-boundaries.md)."""

from dmvrequests.audit.middleware import AuditUnavailableMiddleware
from dmvrequests.audit.services import AuditUnavailable, record_case_refusal
from dmvrequests.cases.selectors import CaseNotVisible


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
