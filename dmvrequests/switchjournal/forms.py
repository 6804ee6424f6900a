"""The forms of the Network queries pages (docs/network-queries.md, "The Network queries
section"): the figures' filters, attributing an ORI, recording a hand-over, uploading a journal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from dmvrequests.agencies.models import (
    ORI_FORMAT,
    ORI_RE,
    Agency,
    other_state,
    other_state_message,
    parse_one_ori,
)
from dmvrequests.agencies.services import ori_held_by
from dmvrequests.formfields import PlausibleDateField
from dmvrequests.forms import DateInput, USWDSFormMixin
from dmvrequests.switchjournal.figures import FIGURES, Filters
from dmvrequests.switchjournal.models import UNKNOWN_KIND
from dmvrequests.vocabulary import AgencyKind

DEFAULT_DAYS = 90  # the period shown when none is given: the last 90 days, today included
MAX_DAYS = 3660  # about ten years: longer than any retention of the journal


def kind_choices() -> list[tuple[str, str]]:
    return [
        ("", "Any kind"),
        *((k.value, k.label) for k in AgencyKind),
        (UNKNOWN_KIND, "Unknown ORI (no agency)"),
    ]


class FilterForm(USWDSFormMixin, forms.Form):
    """The filters every figure and its entries take: a period of days in the state's time
    zone (both days included; default the last DEFAULT_DAYS), an agency kind, an agency."""

    summary_heading = "Fix the filter"  # a filter saves nothing

    date_from = PlausibleDateField(required=False, label="From", widget=DateInput())
    date_to = PlausibleDateField(required=False, label="To", widget=DateInput())
    agency_kind = forms.ChoiceField(required=False, label="Agency kind", choices=kind_choices)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Agency",
        empty_label="Any agency",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            # On the "To" field: the summary links to it and the field is marked.
            self.add_error("date_to", "The end date is before the start date; swap them.")
            return data
        if start and end and (end - start).days > MAX_DAYS:
            # At the start, as the end before the start is at the end: the summary links to it.
            self.add_error(
                "date_from", "The period is longer than ten years; choose a later start."
            )
        return data

    def filters(self) -> Filters:
        """The filters chosen (the defaults for what is empty or, the form being invalid,
        for everything)."""
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        end: date = data.get("date_to") or today
        start: date = data.get("date_from") or min(end, today) - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            start = end
        return Filters(
            date_from=start,
            date_to=end,
            agency_kind=data.get("agency_kind") or "",
            agency=data.get("agency"),
        )


class EntriesForm(FilterForm):
    """The entries behind a figure: the filters, which figure, and an ORI."""

    figure = forms.ChoiceField(
        required=False,
        label="Entries",
        choices=[("", "Every message"), *((f.slug, f.entries_label) for f in FIGURES)],
    )
    ori = forms.CharField(
        required=False,
        max_length=9,
        label="ORI",
        help_text="9 letters or digits; the messages it sent or received.",
        error_messages={"max_length": ORI_FORMAT},
    )

    def clean_ori(self) -> str:
        """The ORI in capitals; ValidationError unless it is 9 ASCII letters or digits
        (agencies.models.ORI_RE: "ÄBCDEFGHI" or full-width digits are letters and digits to
        Python's str methods, not to an NCIC ORI)."""
        value = self.cleaned_data["ori"].strip().upper()
        if value and not ORI_RE.fullmatch(value):
            raise ValidationError(ORI_FORMAT)
        return value


OTHER_STATE_CONFIRM = "Yes, attribute this out-of-state ORI to the agency"


class AttributeForm(USWDSFormMixin, forms.Form):
    """Give an unknown ORI (or an ORI pattern) to an agency of the directory. An ORI of another
    state, DC or a territory given to a state or local agency of this state
    (agencies.models.other_state) needs the tick box `other_state_confirmed`, which the page
    shows only then (`other_state`); the view hands the tick to agency_add_ori, which records
    the confirmation in the agency's history."""

    other_state = False  # set by clean() when the ORI needs the tick box

    ori = forms.CharField(
        max_length=9,
        label="ORI or ORI pattern",
        help_text="An ORI (9 letters or digits, e.g. NY0010000) or a prefix ending in * "
        "(e.g. DCICE*, every ORI starting DCICE).",
        error_messages={"required": "Enter the ORI or ORI pattern to attribute."},
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        label="Agency",
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency the ORI belongs to."},
    )
    other_state_confirmed = forms.BooleanField(
        required=False,
        label=OTHER_STATE_CONFIRM,
        help_text="Needed only for an ORI starting with the code of another state, DC or a "
        "territory, given to a state or local agency of this state.",
    )

    def clean_ori(self) -> str:
        """The ORI or pattern, upper case, checked here as agency_add_ori checks it, so that
        a wrong ORI is reported with a missing agency, not after it."""
        return parse_one_ori(self.cleaned_data["ori"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value, agency = data.get("ori"), data.get("agency")
        if not value or agency is None:
            return data
        held = ori_held_by(value, agency)  # refused whatever the tick: said first
        if held is not None:
            self.add_error("ori", held)
            return data
        if data.get("other_state_confirmed"):
            return data
        state = other_state(
            value, kind=agency.kind, jurisdiction=agency.jurisdiction, held=agency.ori_list
        )
        if state:
            self.other_state = True  # the page then offers the tick box
            # At the ORI, as a received time too old is at its field: marked, and linked.
            message = other_state_message(
                value,
                state,
                agency_name=agency.name,
                kind=agency.kind,
                check="the agency chosen",
                confirm_label=OTHER_STATE_CONFIRM,
            )
            self.add_error("ori", message)
        return data


class HandOverForm(USWDSFormMixin, forms.Form):
    """Confirm that the block list as shown was handed to the switch's administrator."""

    confirm = forms.BooleanField(
        label="I gave this block list to the switch's administrator",
        error_messages={
            "required": "Tick the box to confirm the list was handed over; nothing was recorded."
        },
    )


UPLOAD_MAX_BYTES = 2 * 1024**3  # default of SWITCH_LOG_UPLOAD_MAX_BYTES: 2 GiB


class UploadForm(USWDSFormMixin, forms.Form):
    """A journal file exported by the switch: text or CSV, plain or gzip."""

    journal = forms.FileField(
        label="Journal file",
        help_text="The switch's journal as it exported it: text or CSV, plain or gzip (.gz).",
        error_messages={
            "required": "Choose the journal file to upload.",
            "empty": "The file is empty; choose the journal file the switch exported.",
        },
    )

    def clean_journal(self) -> Any:
        upload = self.cleaned_data["journal"]
        limit = getattr(settings, "SWITCH_LOG_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES)
        if upload.size > limit:
            raise ValidationError(
                f"The file is larger than {limit // 1024**2:,} MiB; gzip it, or import it with "
                "`manage.py import_switch_log` or the drop folder."
            )
        return upload
