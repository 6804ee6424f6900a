import datetime
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from dmvrequests.admin_widgets import EMPTY_IN_HISTORY, HistoryAdmin, json_words
from dmvrequests.policy import services
from dmvrequests.policy.engine import PolicyInputError, validate_rules
from dmvrequests.policy.models import PolicyProfile


class PrettyJSONField(forms.JSONField):
    """JSON in a textarea, indented so that counsel can read and edit the rules."""

    def prepare_value(self, value):
        if isinstance(value, str):
            return value  # the text as typed, when the form is shown again with an error
        return json.dumps(value, indent=2, ensure_ascii=False)


class PolicyProfileForm(forms.ModelForm):
    rules = PrettyJSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text="The profile's rules as JSON; the schema is described in docs/profiles.md. "
        "Saving bumps the version and is recorded in the history.",
        error_messages={
            "invalid": "The rules are not valid JSON: check quotes, commas and braces."
        },
    )

    class Meta:
        model = PolicyProfile
        fields = ["description", "rules"]

    def clean_rules(self):
        rules = self.cleaned_data["rules"]
        try:
            validate_rules(rules)
        except PolicyInputError as error:
            raise ValidationError(
                "The rules are not valid at %(field)s: %(problem)s.",
                params={"field": error.field, "problem": error.problem},
            ) from None
        return rules


def sources_words(sources):
    """A profile's sources as its pages list them, for its History: "18 U.S.C. 2721, read on
    Nov 21, 2026 (the note); N.Y. VTL 201(12)(a), read on Nov 21, 2026". A value not of that
    shape (not validated when it was saved) in JSON's words (admin_widgets.json_words)."""
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        return json_words(sources)
    words = []
    for source in sources:
        try:
            read_on = date_format(datetime.date.fromisoformat(source["read_on"]), "DATE_FORMAT")
            text = f"{source['citation']}, read on {read_on}"
        except (TypeError, KeyError, ValueError):
            return json_words(sources)
        words.append(f"{text} ({source['note']})" if source.get("note") else text)
    return "; ".join(words)


@admin.register(PolicyProfile)
class PolicyProfileAdmin(HistoryAdmin):
    form = PolicyProfileForm
    list_display = ["slug", "name", "citation", "version", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["slug", "name", "citation"]
    # Confidence and review change through "Record counsel's review" (policy:profile_review),
    # which keeps them consistent and writes the audit record.
    readonly_fields = [
        "slug",
        "name",
        "citation",
        "version",
        "is_active",
        "updated_at",
        "confidence",
        "sources_list",
        "open_questions",
        "reviewed_by",
        "reviewed_on",
        "review_note",
        "reviewed_version",
        "review_recorded_by",
    ]
    fields = [
        "slug",
        "name",
        "citation",
        "version",
        "is_active",
        "updated_at",
        "description",
        "rules",
        "confidence",
        "sources_list",
        "open_questions",
        "reviewed_by",
        "reviewed_on",
        "review_note",
        "reviewed_version",
        "review_recorded_by",
    ]
    history_list_display = ["version", "is_active", "confidence", "reviewed_version"]
    history_value_words = {"sources": sources_words}
    actions = ["make_active", "clone"]

    @admin.display(description="Sources")
    def sources_list(self, obj):
        """The sources in words, as the History and the profile's pages give them, not as
        their stored JSON."""
        return sources_words(obj.sources) if obj.sources else EMPTY_IN_HISTORY

    def has_add_permission(self, request):
        # New profiles start as a clone of a shipped one, so that the schema is always complete.
        return False

    def has_delete_permission(self, request, obj=None):
        # Decisions cite profiles by slug and version; keep every profile and its history.
        return False

    def save_model(self, request, obj, form, change):
        services.profile_update_rules(
            profile=obj,
            rules=form.cleaned_data["rules"],
            description=form.cleaned_data["description"],
            actor=request.user,
        )
        # The admin's "changed successfully" message then names the new version.
        obj.refresh_from_db()

    @admin.action(description="Make this the active profile")
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one profile to make active.", level=messages.ERROR
            )
            return
        profile = services.profile_activate(profile=queryset.get(), actor=request.user)
        self.message_user(
            request, f"{profile.name} ({profile.slug}) is now the active profile.", messages.SUCCESS
        )

    @admin.action(description="Clone")
    def clone(self, request, queryset):
        for profile in queryset:
            slug = _free_slug(f"{profile.slug}-copy")
            clone = services.profile_clone(
                profile=profile, slug=slug, name=f"{profile.name} (copy)", actor=request.user
            )
            self.message_user(
                request,
                f"Cloned {profile.slug} as {clone.slug}: edit its rules, then make it active.",
                messages.SUCCESS,
            )


def _free_slug(base):
    base = base[:32]  # room for "-NN" within the slug's 40 characters
    slug, number = base, 1
    while PolicyProfile.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
