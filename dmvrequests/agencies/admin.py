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
from dmvrequests.agencies.signals import directory_changed


class DirectoryChangeAdmin(SimpleHistoryAdmin):
    """Saving or deleting a row whose `directory_fields` changed sends `directory_changed`
    naming the ORIs and patterns concerned before and after, in the same transaction: the switch
    journal then works out again the attribution and block flags of their past messages
    (docs/network-queries.md, "Which agency")."""

    directory_fields: frozenset[str] = frozenset()

    def concerned(self, obj) -> list[str]:
        raise NotImplementedError

    def _stored(self, obj) -> list[str]:
        if obj.pk is None:
            return []
        stored = type(obj).objects.filter(pk=obj.pk).first()
        return self.concerned(stored) if stored is not None else []

    def save_model(self, request, obj, form, change):
        before = self._stored(obj) if change else []
        super().save_model(request, obj, form, change)
        if not change or self.directory_fields.intersection(form.changed_data):
            directory_changed.send(sender=type(obj), oris=[*before, *self.concerned(obj)])

    def delete_model(self, request, obj):
        values = self.concerned(obj)
        super().delete_model(request, obj)
        directory_changed.send(sender=type(obj), oris=values)

    def delete_queryset(self, request, queryset):
        values = [value for obj in queryset for value in self.concerned(obj)]
        super().delete_queryset(request, queryset)
        directory_changed.send(sender=queryset.model, oris=values)


@admin.register(Agency)
class AgencyAdmin(DirectoryChangeAdmin):
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
    directory_fields = frozenset({"ori", "oris", "kind", "blocked", "blocked_since"})

    def concerned(self, obj):
        return obj.ori_list

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
class OriBlockAdmin(DirectoryChangeAdmin):
    list_display = ["ori", "reason", "effective_at", "lifted_at"]
    search_fields = ["ori", "reason"]
    directory_fields = frozenset({"ori", "effective_at", "lifted_at"})

    def concerned(self, obj):
        return [obj.ori.upper()]


@admin.register(BlocklistVersion)
class BlocklistVersionAdmin(admin.ModelAdmin):
    list_display = ["handed_over_at", "handed_over_by", "oris"]
    readonly_fields = ["content", "oris", "handed_over_by", "handed_over_at"]
