"""Records a refused look at any URL of a case the user may not see (cases know the audit
app; the audit app knows no case: docs/decisions/0006-app-boundaries.md)."""

from django.core.exceptions import PermissionDenied

from dmvrequests.audit.middleware import AuditUnavailableMiddleware
from dmvrequests.audit.services import (
    AuditUnavailable,
    record_case_refusal,
    record_page_refusal,
)
from dmvrequests.cases.selectors import CaseNotVisible


class CaseRefusalAuditMiddleware:
    """A 404 for a case the user may not see (selectors.CaseNotVisible), on any URL that
    names the case (/cases/<number>/release/, …/documents/3/download/), is recorded in the
    access log as denied, as the case page's own refusal is (docs/audit.md): probing the
    sub-URLs of other offices' cases leaves the same trace. Listed after
    AuditUnavailableMiddleware, so that it runs first and a record that cannot be written
    still gives the 503 page.

    A 403 on such a URL (the access table refuses the role, or the view refuses a user
    without the capability, e.g. a read-only share) is recorded the same way: the access
    table and the views mark the request `permission_refused` (a CSRF failure, also a
    403, is no refusal of the case and is not recorded). A 403 so marked on a page that
    names no case (the staff-email queue, the reports, user administration) is recorded as
    a denied `open_page` with the page's URL name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and getattr(request, "permission_refused", False):
            # The access table refuses in process_view: no process_exception sees it.
            refused = self.record(request)
            if refused is not None:
                return refused
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            request.permission_refused = True  # recorded in __call__ once answered 403
            return None
        if not isinstance(exception, CaseNotVisible):
            return None
        return self.record(request)  # None: Django answers 404 as usual

    def record(self, request):
        """Record the refusal of the case the URL names; a response only if the record
        cannot be written (the 503 page)."""
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated:
            return None
        number = match.kwargs.get("number")
        try:
            if number is not None:
                record_case_refusal(request, number, match.view_name)
            elif getattr(request, "permission_refused", False):
                record_page_refusal(request, match.view_name)
        except AuditUnavailable as unavailable:
            return AuditUnavailableMiddleware(self.get_response).process_exception(
                request, unavailable
            )
        return None
