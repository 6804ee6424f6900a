"""The API's pages, served under /portal/ (dmvrequests/urls.py) in their own namespace."""

from django.urls import path

from dmvrequests.api import pages

app_name = "portal_api"

urlpatterns = [
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke_view, name="token_revoke"),
    path("webhook/", pages.webhook, name="webhook"),
    path("webhook/rotate/", pages.webhook_rotate_view, name="webhook_rotate"),
    path(
        "webhook/calls/<int:pk>/send-again/",
        pages.webhook_send_again_view,
        name="webhook_send_again",
    ),
    path("staff/webhooks/", pages.staff_webhooks, name="staff_webhooks"),
]
