from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from dmvrequests.cases import views as case_views

admin.site.site_header = "DMV disclosure requests: administration"
admin.site.site_title = "DMV disclosure requests"


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon is a static file."""
    return redirect(static("favicon.ico"), permanent=True)


urlpatterns = [
    path("", case_views.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("dmvrequests.cases.urls")),
    path("policy/", include("dmvrequests.policy.urls")),
    path("intake/", include("dmvrequests.intake.urls")),
    path("outbound/", include("dmvrequests.outbound.urls")),
    path("reports/", include("dmvrequests.reports.urls")),
    path("network/", include("dmvrequests.switchjournal.urls")),
    path("audit/", include("dmvrequests.oversight.urls")),
    path("notifications/", include("dmvrequests.notifications.urls")),
    path("letters/", include("dmvrequests.correspondence.urls")),
    # The REST API for agencies (docs/api.md): token authentication, JSON errors.
    path("api/", include("dmvrequests.api.urls")),
    path("portal/", include("dmvrequests.portal.urls")),
    # The API's own pages on the portal: tokens and webhooks (docs/api.md).
    path("portal/", include("dmvrequests.api.page_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "dmvrequests.errors.permission_denied"
handler404 = "dmvrequests.errors.page_not_found"
handler500 = "dmvrequests.errors.server_error"
