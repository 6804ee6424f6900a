"""Requests refused before any view reads them."""

from django.shortcuts import render


class RefuseNulInQueryMiddleware:
    """A NUL character in a query string is never a filter anyone meant; PostgreSQL
    cannot even compare text with one (a 500 in the Django admin's filters and
    searches). Refused with a 400 page, whatever the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return render(request, "errors/400.html", status=400)
        return self.get_response(request)
