from django.contrib import admin

from dmvrequests.admin_widgets import HistoryAdmin
from dmvrequests.correspondence.models import Language, OfficeLetterhead


@admin.register(OfficeLetterhead)
class OfficeLetterheadAdmin(HistoryAdmin):
    """Each office's letterhead: address, telephone, email, signatory, legal-aid resources.
    Administrators add and change them; every change is in the history."""

    list_display = ("office", "phone", "email", "signatory")
    fields = ("office", "address", "phone", "email", "signatory", "legal_aid")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Language)
class LanguageAdmin(HistoryAdmin):
    """Letter languages. One added by mistake can be deleted while no letter was issued in
    it and no office wrote a text in it; after that it stays (letters keep its code)."""

    list_display = ("code", "name")
    search_fields = ("code", "name")
    actions = None

    def get_readonly_fields(self, request, obj=None):
        # Letters store the code: it never changes once the language exists.
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.in_use():
            return False
        return super().has_delete_permission(request, obj)
