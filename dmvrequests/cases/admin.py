"""Django admin for cases: the workflow switches administrators set, and a read-only
list of cases (cases are changed only through the workflow services), each case's History in
words without its subject identifiers."""

from django.contrib import admin

from dmvrequests.admin_widgets import HistoryAdmin
from dmvrequests.cases.models import DisclosureRequest, WorkflowSettings
from dmvrequests.vocabulary import label


@admin.register(WorkflowSettings)
class WorkflowSettingsAdmin(HistoryAdmin):
    list_display = ["__str__", "two_counsel_immigration", "emergency_followup_hours"]

    def has_add_permission(self, request):
        return not WorkflowSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        WorkflowSettings.current()  # the one row exists before anyone looks for it
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


def categories_words(codes):
    """The record categories asked for, as words ("Address, Photo"), never the stored codes."""
    return label(codes, "category")


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(HistoryAdmin):
    """Read-only, and without subject identifiers or narrative: administrators configure
    the system; they do not read cases. The workflow, not the admin, changes cases. Its
    History (admin_widgets.HistoryAdmin) leaves out what `exclude` leaves out, the categories
    aside, which it gives in words; a past version's page only shows it."""

    exclude = [
        "subject_name",
        "subject_dob",
        "subject_license_number",
        "subject_plate",
        "subject_vin",
        "narrative",
        # Stored as a JSON list of codes; shown as words by categories_asked below.
        "categories",
    ]
    readonly_fields = ["categories_asked"]
    history_value_words = {"categories": categories_words}
    list_display = ["number", "status", "received_at", "agency", "office"]
    list_filter = ["status", "channel", "emergency"]
    search_fields = ["number"]
    list_select_related = ["agency", "office"]

    @admin.display(description="Categories asked for")
    def categories_asked(self, obj):
        """The record categories as words ("Address, Photo"), never the stored codes."""
        return categories_words(obj.categories) or "None yet"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
