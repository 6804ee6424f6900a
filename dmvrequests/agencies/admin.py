from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dmvrequests.agencies.models import Agency, BlocklistVersion, Officer, OriBlock, Requester


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "ori", "jurisdiction", "blocked", "blocked_since"]
    list_filter = ["kind", "blocked"]
    search_fields = ["name", "ori", "oris", "email_domains"]
    prepopulated_fields = {"slug": ["name"]}


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
