from django.contrib import admin, messages
from django.shortcuts import redirect

from dmvrequests.notifications.models import OutboundEmail

EMAIL_HAS_NO_HISTORY = (
    "An email of the outbox has no history of versions: it is written once, with the change it "
    "tells of, and only its sending changes it afterwards. Its page says when it was written, "
    "sent or given up on, after how many attempts, and the last error."
)


class FailedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("waiting", "Waiting"), ("sent", "Sent")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(sent_at=None, failed_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(sent_at=None, failed_at=None)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits, and what failed and why. An email
    keeps no history of versions (`history_view` says so)."""

    list_display = [
        "created_at",
        "kind",
        "recipient",
        "subject",
        "sent_at",
        "failed_at",
        "attempts",
    ]
    list_filter = [FailedFilter, "kind"]
    search_fields = ["recipient", "subject"]
    # The body and an attached letter's bytes carry personal data: not shown here.
    readonly_fields = [
        f.name for f in OutboundEmail._meta.fields if f.name not in ("body", "attachment")
    ]
    exclude = ["body", "attachment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_view(self, request, object_id, extra_context=None):
        """No history to show (Django's page would say it "probably wasn't added via this admin
        site"): back to the email, saying why."""
        self.message_user(request, EMAIL_HAS_NO_HISTORY, messages.INFO)
        return redirect("admin:notifications_outboundemail_change", object_id)
