from django.contrib import admin

from dmvrequests.notifications.models import OutboundEmail


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
    """The outbox, read-only: what was sent, what waits, and what failed and why."""

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
