from typing import cast

from django import forms

from dmvrequests.correspondence.models import (
    TEMPLATE_BODY_MAX,
    Language,
    LetterKind,
    OfficeLetterhead,
)
from dmvrequests.correspondence.placeholders import PLACEHOLDERS, unknown_placeholders
from dmvrequests.correspondence.services import NOTICE_NEEDS_ADDRESS
from dmvrequests.forms import DateInput, USWDSFormMixin


class IssueForm(USWDSFormMixin, forms.Form):
    """Which letter to issue: the kinds the case can have now, in a language with text."""

    prefix = "issue"
    kind = forms.ChoiceField(label="Letter", widget=forms.RadioSelect)
    language = forms.ChoiceField(label="Language")

    subject_address = forms.CharField(
        label="Subject's mailing address (needed for the subject notice)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "The case holds no postal address for the person: enter the address the notice "
            "will be mailed to, one line per line, without the person's name (the letter adds "
            "the name from the case). It is printed in the letter's address block. A notice "
            "issued without it, or with a wrong one, and not mailed yet is issued again by "
            "counsel with the address: the new letter replaces it."
        ),
        error_messages={
            "max_length": "The mailing address can be at most %(limit_value)s characters; "
            "this one has %(show_value)s. Shorten it."
        },
    )

    def __init__(self, *args, kinds, languages, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (k, LetterKind(k).label) for k in kinds
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = languages
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]  # the only letter the case can have now
        if LetterKind.SUBJECT_NOTICE not in kinds:
            del self.fields["subject_address"]

        if "subject_address" in self.fields:
            # The limit is stated by the message above, not by the browser cutting the text.
            self.fields["subject_address"].widget.attrs.pop("maxlength", None)

    def clean_subject_address(self):
        lines = [" ".join(x.split()) for x in self.cleaned_data["subject_address"].splitlines()]
        return "\n".join(x for x in lines if x)

    def clean(self):
        data = super().clean()
        if "subject_address" not in self.fields or "subject_address" in self.errors:
            return data
        notice = data.get("kind") == LetterKind.SUBJECT_NOTICE
        if notice and not data.get("subject_address"):
            self.add_error("subject_address", NOTICE_NEEDS_ADDRESS)
        elif data.get("kind") and not notice and data.get("subject_address"):
            # Never dropped without a word: the address is printed on the notice only.
            label = LetterKind(data["kind"]).label.lower()
            self.add_error(
                "subject_address",
                f"The mailing address is printed on the subject notice only, not on the "
                f"{label}: clear it to issue the {label}, or choose the notice.",
            )
        return data


class MailedForm(USWDSFormMixin, forms.Form):
    prefix = "mailed"
    mailed_on = forms.DateField(
        label="Mailed on", widget=DateInput(), help_text="The day it went in the mail."
    )


class BatchForm(USWDSFormMixin, forms.Form):
    prefix = "batch"
    language = forms.ChoiceField(
        label="Language of the notices",
        help_text="Every notice of the batch is printed in this language.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            (x.code, x.name) for x in Language.objects.all()
        ]


class TemplateForm(USWDSFormMixin, forms.Form):
    prefix = "template"
    subject = forms.CharField(max_length=200, label="Subject line")
    body = forms.CharField(
        label="Text of the letter",
        max_length=TEMPLATE_BODY_MAX,
        error_messages={
            "max_length": (
                "The text of the letter is %(show_value)s characters long; a letter template "
                "may have at most %(limit_value)s. Shorten it (a letter is read on paper: a "
                "few pages at most)."
            )
        },
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=(
            "Plain text. A blank line starts a paragraph; a placeholder in braces, such as "
            "{case_number}, is replaced by the case's value; a placeholder alone on its line "
            "that is a list prints one line per item. At most "
            f"{TEMPLATE_BODY_MAX:,} characters."
        ),
    )
    preview_case = forms.CharField(
        max_length=16,
        required=False,
        label="Preview on case",
        help_text="A case number of this office, e.g. DR-2026-000012 (the preview is logged).",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        unknown = unknown_placeholders(data.get("subject", ""), data.get("body", ""))
        if unknown:
            listed = ", ".join("{" + name + "}" for name in unknown)
            self.add_error(
                "body",
                f"Unknown placeholder{'s' if len(unknown) > 1 else ''} {listed}. Use only "
                f"these, in braces: {', '.join(sorted(PLACEHOLDERS))}.",
            )
        return data


class LanguageForm(USWDSFormMixin, forms.Form):
    prefix = "language"
    code = forms.RegexField(
        regex=r"^\s*[A-Za-z]{2,3}\s*$",
        max_length=12,
        label="Code",
        help_text="Two or three letters (ISO 639), e.g. zh or vi.",
        error_messages={
            "invalid": (
                "Enter the language's two or three letter ISO 639 code, such as vi for "
                "Tiếng Việt or zh for 中文 (not its name)."
            )
        },
    )
    name = forms.CharField(max_length=60, label="Name", help_text="As its readers write it.")


class LetterheadForm(USWDSFormMixin, forms.ModelForm):
    prefix = "letterhead"

    class Meta:
        model = OfficeLetterhead
        fields = ["address", "phone", "email", "signatory", "legal_aid"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 4}),
            "legal_aid": forms.Textarea(attrs={"rows": 4}),
        }
