from django.urls import path, re_path

from dmvrequests.api.api import api
from dmvrequests.api.errors import error_response


def not_found(request):
    """Any other address under /api/: the error shape, not the staff site's 404 page."""
    return error_response(404)


urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^.*$", not_found, name="api_not_found"),
]
