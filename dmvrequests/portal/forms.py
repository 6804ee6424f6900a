"""The portal's forms: registration, sign-in, the decisions on officers."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from accounts.forms import SignInForm
from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.formfields import PlausibleDateField, limited
from dmvrequests.forms import DateInput, USWDSFormMixin
from dmvrequests.portal.document_fields import ATTACH_IT, DOCUMENT_FORM_FIELDS, LegalDocumentFields
from dmvrequests.portal.submission import SUBJECT_FIELDS
from dmvrequests.recognition import Recognition, recognise_upload
from dmvrequests.validators import single_line
from dmvrequests.vocabulary import (
    CATEGORY_HELP,
    LegalProcessType,
    Purpose,
    RecordCategory,
)


class RegisterForm(USWDSFormMixin, forms.Form):
    email = forms.EmailField(
        label="Your email address at your agency",
        max_length=150,
        help_text="Its domain must be one the DMV's directory lists for your agency; we send a "
        "link to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label="Full name",
        max_length=200,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    title = forms.CharField(
        label="Title or rank",
        max_length=120,
        validators=[single_line],
        help_text="For example Detective, Special Agent.",
    )
    badge = forms.CharField(label="Badge or ID number", max_length=60, validators=[single_line])
    supervisor = forms.CharField(
        label="Your supervisor",
        max_length=200,
        validators=[single_line],
        help_text="Name and rank; the DMV may call your agency's published number to confirm.",
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 12 characters, not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data["password1"]:
            self.add_error("password2", "The two passwords differ; type the same one twice.")
        return data


class PortalSignInForm(SignInForm):
    """The staff sign-in form, for officers only: staff are sent to their own page; an officer
    whose address is not verified is sent a new link."""

    site = ""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            self._explain_deactivation()
            raise

    def _explain_deactivation(self):
        """A deactivated officer who gives the right password is told why, not "no match"."""
        from dmvrequests.agencies.models import Officer

        officer = (
            Officer.objects.filter(
                email__iexact=self.cleaned_data.get("username") or "", active=False
            )
            .select_related("user")
            .first()
        )
        if officer is not None and officer.user.check_password(self.cleaned_data.get("password")):
            raise ValidationError(
                f"Your portal account is deactivated: {officer.deactivation_reason} "
                "Ask your agency's portal administrator or the DMV's legal unit.",
                code="inactive",
            )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        officer = officer_for_user(user)
        if officer is None:
            raise ValidationError(
                "This sign-in is for officers of requesting agencies. DMV staff sign in on the "
                "staff sign-in page.",
                code="staff",
            )
        if not officer.email_verified:
            from dmvrequests.portal.services import verification_send

            verification_send(officer=officer, site=self.site)
            raise ValidationError(
                "Your address is not verified yet. We have sent a new link to "
                f"{officer.email}: open it, then sign in.",
                code="unverified",
            )


class OfficerDecisionForm(USWDSFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("refuse", "Refuse"), ("deactivate", "Deactivate")],
        widget=forms.RadioSelect,
    )
    portal_admin = forms.BooleanField(
        label="Make this officer the agency's portal administrator", required=False
    )
    reason = forms.CharField(
        label="Reason (for a deactivation)",
        required=False,
        max_length=500,
        help_text="The officer is told this reason when signing in.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "deactivate" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the officer is deactivated; the officer is told.")
        return data


def _choices(codes, blank):
    return [("", blank), *((c.value, c.label) for c in codes)]


class RequestForm(USWDSFormMixin, LegalDocumentFields):
    """An officer's request: exactly what the policy engine needs, and the attestation."""

    summary_heading = "Nothing was sent"
    field_order = (
        "purpose",
        "categories",
        *SUBJECT_FIELDS,
        "narrative",
        *DOCUMENT_FORM_FIELDS,
        "emergency",
        "bulk",
        "attest",
    )

    purpose = forms.ChoiceField(
        label="Purpose",
        choices=_choices(Purpose, "Choose the purpose"),
        help_text="Why your agency needs the records; the law allows some purposes only.",
    )
    categories = forms.MultipleChoiceField(
        label="Records asked for",
        choices=[(c.value, f"{c.label}: {CATEGORY_HELP[c]}") for c in RecordCategory],
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick only what you need; each one is decided on its own.",
    )
    subject_name = forms.CharField(
        label="Subject's full name", max_length=200, required=False, validators=[single_line]
    )
    subject_dob = PlausibleDateField(
        label="Subject's date of birth", required=False, widget=DateInput()
    )
    subject_license_number = forms.CharField(
        label="Driver license number", max_length=40, required=False, validators=[single_line]
    )
    subject_plate = forms.CharField(
        label="Plate", max_length=20, required=False, validators=[single_line]
    )
    subject_vin = forms.CharField(
        label="VIN", max_length=17, required=False, validators=[single_line]
    )
    narrative = limited(
        forms.CharField(
            label="What you need and why",
            max_length=5000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text="The investigation and how the records serve it (at most 5,000 characters).",
        ),
        "What you need and why",
    )
    document_type = forms.ChoiceField(
        label="Legal document",
        choices=[(c.value, c.label) for c in LegalProcessType],
        initial=LegalProcessType.NONE,
        help_text="The legal process you send with the request; a court's order or warrant "
        "unlocks more than an agency's own document.",
    )
    emergency = forms.BooleanField(
        label="Emergency: a danger of death or serious injury", required=False
    )
    bulk = forms.BooleanField(
        label="Bulk: a list by criteria (for example every vehicle at an address)", required=False
    )
    attest = forms.BooleanField(
        label="I attest under penalty of perjury that the information in this request is true "
        "and that the purpose is as stated.",
        required=False,
    )

    def __init__(self, *args, sending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        # What the attached PDF's text says it is (dmvrequests.recognition), for the page.
        self.recognition: Recognition | None = None
        self.recognition_note = ""

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in SUBJECT_FIELDS):
            self.add_error(
                None,
                "Give at least one subject identifier: a name, a date of birth, a license number, "
                "a plate or a VIN.",
            )
        self._recognise(data)
        if self.has_document_type() and not data.get("document_file") and self.sending:
            self.add_error("document_file", ATTACH_IT)
        if self.sending and not data.get("attest"):
            self.add_error(
                "attest",
                "Tick the attestation to send the request; it is made under penalty of perjury.",
            )
        return data

    def _recognise(self, data):
        """Document recognition pre-fills the type, never over the officer's choice: with a
        file attached and "No legal document" left chosen, a recognised form is pre-selected
        and the officer asked to check it (and choose the file again: browsers do not keep
        it); an unrecognised one asks for the type. A type the officer chose stays, with a
        note when the document's text names another form."""
        upload = data.get("document_file")
        if not upload:
            return
        found = self.recognition = recognise_upload(upload)
        chosen = data.get("document_type")
        if chosen in (None, "", LegalProcessType.NONE):
            if found is None:
                self.add_error(
                    "document_type",
                    "Choose the type of the document you attached, then choose the file again.",
                )
                return
            # Shown pre-selected on the page: the bound form renders from its data.
            posted = QueryDict(mutable=True)
            posted.update(self.data)  # a QueryDict's every value (the records ticked)
            posted["document_type"] = found.type
            self.data = posted
            self.add_error(
                "document_type",
                f"Recognised as {found.label} ({found.evidence}): check it. The type is now "
                "selected; change it if it is wrong, and choose the file again.",
            )
        elif found is not None:
            agrees = found.type == chosen
            self.recognition_note = (
                f"Recognised as {found.label}: check it."
                if agrees
                else f"Recognised as {found.label}, not the type you chose: check it. "
                "Your choice is kept."
            )
