"""Turns AuditUnavailable into a 503 page: the read was refused, nothing was shown."""

from django.shortcuts import render

from dmvrequests.audit.services import AuditUnavailable

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
