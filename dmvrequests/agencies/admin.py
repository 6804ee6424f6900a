from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from dmvrequests.admin_widgets import ADMIN_DATETIME, HistoryAdmin
from dmvrequests.agencies.blocklist import blocklist_states
from dmvrequests.agencies.certifications import status_of
from dmvrequests.agencies.models import (
    Agency,
    BlocklistVersion,
    Certification,
    Officer,
    OriBlock,
    Requester,
    other_state,
    other_state_message,
    other_state_reason,
    parse_ori_list,
)
from dmvrequests.agencies.signals import directory_changed
from dmvrequests.timewords import moment_words


class DirectoryChangeAdmin(HistoryAdmin):
    """Saving or deleting a row whose `directory_fields` changed sends `directory_changed`
    naming the ORIs and patterns concerned before and after, in the same transaction: the switch
    journal then works out again the attribution and block flags of their past messages
    (docs/network-queries.md, "Which agency")."""

    directory_fields: frozenset[str] = frozenset()
    formfield_overrides = ADMIN_DATETIME  # one labelled input a date and time

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


# What the admin page of a blocked agency with no ORI says (AgencyAdmin.block_list, save_model).
NO_ORI_TO_BLOCK = (
    "Blocked, but the agency has no ORI or pattern on file, so it cannot be blocked at the "
    "switch: the switch blocks by ORI and answers its queries until its ORIs are added (ORI, "
    "ORIs) and the block list is handed over again."
)
VERSION_HAS_NO_HISTORY = (
    "A version of the block list is never changed: it is recorded once, when it is handed over "
    "to the switch (on the Block list page of Network queries, or by export_ori_blocklist), "
    "and who handed it over and when are on its page."
)
OTHER_STATE_CONFIRM = "Yes, this agency's out-of-state ORIs are right"
OTHER_STATE = "other_state_confirmed"


class AgencyAdminForm(forms.ModelForm):
    """The agency, with the tick box that an ORI of another state (DC, a territory) given to a
    state or local agency of this state needs (models.other_state; the same rule as the Unknown
    ORIs page, worded for this page). The page shows the box once the agency form was sent
    (AgencyAdmin.get_fields). `confirmed` lists what the tick confirmed, (value, state) pairs,
    for the history (AgencyAdmin.save_model); empty when nothing needed it."""

    other_state_confirmed = forms.BooleanField(
        required=False,
        label=OTHER_STATE_CONFIRM,
        help_text="Tick only when the page asks: for an ORI starting with the code of another "
        "state, DC or a territory, given to a state or local agency of this state.",
    )

    class Meta:
        model = Agency
        fields = [
            "name",
            "slug",
            "kind",
            "ori",
            "jurisdiction",
            "email_domains",
            "published_phone",
            "oris",
            "blocked",
            "blocked_reason",
            "blocked_since",
        ]
        help_texts = {
            "blocked_since": "When the block took effect, in the state's time zone. Left empty "
            "when the agency is first blocked: the time it is saved. Empty on a block already "
            "saved without it: older than the record of it (in force for every past query)."
        }

    def clean(self):
        super().clean()
        self.confirmed: list[tuple[str, str]] = []
        data = self.cleaned_data
        already = bool(self.instance.pk and self.instance.blocked)
        if data.get("blocked") and not data.get("blocked_since") and not already:
            # A new block takes effect when it is saved, as import_agencies does: empty would
            # mean in force for all past time, and make every past answer a leak.
            data["blocked_since"] = timezone.now().replace(microsecond=0)
        kind = data.get("kind")
        if not kind:
            return data
        main = (data.get("ori") or "").upper()
        try:
            values = parse_ori_list(f"{main} {data.get('oris') or ''}")
        except ValidationError:
            return data  # the model's own check says which value is wrong
        stored = self.instance.ori_list if self.instance.pk else []
        for value in values:
            if value in stored:
                continue  # only what is added is questioned
            state = other_state(
                value, kind=kind, jurisdiction=data.get("jurisdiction"), held=stored
            )
            if state and data.get(OTHER_STATE):
                self.confirmed.append((value, state))
            elif state:
                message = other_state_message(
                    value,
                    state,
                    agency_name=data.get("name") or "this agency",
                    kind=kind,
                    check="this agency's kind and jurisdiction",
                    confirm_label=OTHER_STATE_CONFIRM,
                )
                self.add_error("ori" if value == main else "oris", message)
        return data


@admin.register(Agency)
class AgencyAdmin(DirectoryChangeAdmin):
    form = AgencyAdminForm
    list_display = [
        "name",
        "kind",
        "ori",
        "jurisdiction",
        "blocked",
        "blocked_from",
        "certification",
    ]
    list_filter = ["kind", "blocked"]
    search_fields = ["name", "ori", "oris", "email_domains"]
    prepopulated_fields = {"slug": ["name"]}
    directory_fields = frozenset({"ori", "oris", "kind", "blocked", "blocked_since"})

    def concerned(self, obj):
        return obj.ori_list

    def save_model(self, request, obj, form, change):
        """Saved as DirectoryChangeAdmin saves; ORIs of other states confirmed by the tick box
        are the history's reason for this version ("Confirmed VA0290000, an ORI of VA
        (Virginia), for ..."), next to who saved it and when."""
        if getattr(form, "confirmed", None):
            obj._change_reason = other_state_reason(form.confirmed, agency_name=obj.name)
        super().save_model(request, obj, form, change)
        if obj.blocked and not obj.ori_list:
            self.message_user(request, NO_ORI_TO_BLOCK, messages.WARNING)

    def get_fields(self, request, obj=None):
        """The form's fields; the tick box for an ORI of another state once the form was sent
        (it asks for it then), right after the ORIs."""
        fields = [name for name in super().get_fields(request, obj) if name != OTHER_STATE]
        if request.method == "POST":
            fields.insert(fields.index("oris") + 1, OTHER_STATE)
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(["block_list"] if obj else [])]

    @admin.display(description="On the block list now")
    def block_list(self, agency):
        """The agency's ORIs on the block list and their state at the switch, in the block
        list's words (agencies.blocklist.blocklist_states), with a link to it. As the list
        stands now, on a past version's page of the History too ("now" says so)."""
        states = [state for state in blocklist_states() if state.agency == agency]
        link = format_html(
            '<a href="{}">The block list</a> (Network queries) records each hand-over to the '
            "switch.",
            reverse("network:blocklist"),
        )
        if agency.blocked and not agency.ori_list:
            return format_html("<strong>{}</strong> {}", NO_ORI_TO_BLOCK, link)
        if not states:
            return format_html("None of the agency's ORIs is on the block list. {}", link)
        rows = format_html_join(
            "", "<li>{}: {}</li>", ((state.row.ori, state.words) for state in states)
        )
        return format_html('<ul class="block-list-states">{}</ul><p>{}</p>', rows, link)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("certifications")

    @admin.display(description="Blocked since", ordering="blocked_since")
    def blocked_from(self, agency):
        return local_time(agency.blocked_since)

    @admin.display(description="Certification on file")
    def certification(self, agency):
        return status_of(list(agency.certifications.all()), timezone.localdate()).words


@admin.register(Certification)
class CertificationAdmin(HistoryAdmin):
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
class RequesterAdmin(HistoryAdmin):
    list_display = ["name", "title", "agency", "email", "phone"]
    search_fields = ["name", "email", "badge"]
    autocomplete_fields = ["agency"]


@admin.register(Officer)
class OfficerAdmin(HistoryAdmin):
    list_display = ["name", "agency", "email", "approval", "is_portal_admin", "active"]
    list_filter = ["approval", "is_portal_admin", "active"]
    search_fields = ["name", "email", "badge"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["user", "requester", "approved_by", "deactivated_by"]
    formfield_overrides = ADMIN_DATETIME  # one labelled input a date and time


def local_time(moment):
    """An aware datetime as a `<time>` element in the state's time zone with its abbreviation
    ("Mar 15, 2026 00:30 EDT", timewords.moment_words), as the application's pages
    show one; "-" (the admin's empty value) for none. Django's admin shows a date and time
    with no zone, and a model's name as it formats it."""
    if moment is None:
        return "-"
    local = timezone.localtime(moment)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), moment_words(local))


@admin.register(OriBlock)
class OriBlockAdmin(DirectoryChangeAdmin):
    list_display = ["ori", "reason", "in_effect_from", "lifted"]
    search_fields = ["ori", "reason"]
    directory_fields = frozenset({"ori", "effective_at", "lifted_at"})

    def concerned(self, obj):
        return [obj.ori.upper()]

    @admin.display(description="In effect from", ordering="effective_at")
    def in_effect_from(self, block):
        return local_time(block.effective_at)

    @admin.display(description="Lifted at", ordering="lifted_at")
    def lifted(self, block):
        return local_time(block.lifted_at)


@admin.register(BlocklistVersion)
class BlocklistVersionAdmin(admin.ModelAdmin):
    """Read-only: the versions handed over (blocklist.blocklist_hand_over records them), the
    time in the state's time zone with its abbreviation (`local_time`)."""

    list_display = ["handed_over", "handed_over_by", "ori_values"]
    fields = ["handed_over", "handed_over_by", "ori_values", "content"]
    readonly_fields = ["content", "ori_values", "handed_over_by", "handed_over"]

    @admin.display(description="Handed over at", ordering="handed_over_at")
    def handed_over(self, version):
        return local_time(version.handed_over_at)

    @admin.display(description="ORIs")
    def ori_values(self, version):
        return version.oris or "None"

    def history_view(self, request, object_id, extra_context=None):
        """A version has no history to show (Django's page would say it "probably wasn't
        added via this admin site"): back to the version, saying why."""
        self.message_user(request, VERSION_HAS_NO_HISTORY, messages.INFO)
        return redirect("admin:agencies_blocklistversion_change", object_id)
