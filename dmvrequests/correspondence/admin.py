from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dmvrequests.correspondence.models import Language, OfficeLetterhead


@admin.register(OfficeLetterhead)
class OfficeLetterheadAdmin(SimpleHistoryAdmin):
    list_display = ("office", "phone", "email", "signatory")


@admin.register(Language)
class LanguageAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
