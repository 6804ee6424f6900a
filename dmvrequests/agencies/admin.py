from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from dmvrequests.agencies.certifications import status_of
from dmvrequests.agencies.models import (
    Agency,
    BlocklistVersion,
    Certification,
    Officer,
    OriBlock,
    Requester,
)


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "ori",
        "jurisdiction",
        "blocked",
        "blocked_since",
        "certification",
    ]
    list_filter = ["kind", "blocked"]
    search_fields = ["name", "ori", "oris", "email_domains"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("certifications")

    @admin.display(description="Certification on file")
    def certification(self, agency):
        return status_of(list(agency.certifications.all()), timezone.localdate()).words


@admin.register(Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    """Read-only here: certifications are put on file on the portal or on the staff page
    Portal certifications, which check the dates and the PDF."""

    list_display = ["agency", "kind", "signed_by_name", "signed_at", "expires_on", "attested"]
    list_filter = ["kind", "attested"]
    search_fields = ["agency__name", "signed_by_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Requester)
class RequesterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "title", "agency", "email", "phone"]
    search_fields = ["name", "email", "badge"]
    autocomplete_fields = ["agency"]


@admin.register(Officer)
class OfficerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agency", "email", "approval", "is_portal_admin", "active"]
    list_filter = ["approval", "is_portal_admin", "active"]
    search_fields = ["name", "email", "badge"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["user", "requester", "approved_by", "deactivated_by"]


@admin.register(OriBlock)
class OriBlockAdmin(SimpleHistoryAdmin):
    list_display = ["ori", "reason", "effective_at", "lifted_at"]
    search_fields = ["ori", "reason"]


@admin.register(BlocklistVersion)
class BlocklistVersionAdmin(admin.ModelAdmin):
    list_display = ["handed_over_at", "handed_over_by", "oris"]
    readonly_fields = ["content", "oris", "handed_over_by", "handed_over_at"]
