"""The legal document forms: "Add a legal document" on the case page, the new-request
form's optional documents (a formset), and "Describe this document". A file is judged
at the form by its first bytes and its size, in the service's words
(`services.documents.file_refusal`, which the API gives too): the file input takes any
file, so that a wrong type is refused by the server with what is accepted, not dropped
by the browser. A file that went missing (not sent again after a refusal) stops the
document from being added without it unless the clerk says so (docs/security.md, Limits)."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from dmvrequests import files
from dmvrequests.cases.services.documents import file_refusal, issue_date_refusal
from dmvrequests.formfields import PlausibleDateField
from dmvrequests.forms import DateInput, USWDSFormMixin
from dmvrequests.vocabulary import STATE_CODES, STATE_NAMES, Issuer, LegalProcessType

# Said at the file field when the page comes back with an error (a browser keeps no file).
FILE_NOT_KEPT = (
    "Choose the file again: browsers do not keep a chosen file when the page shows an error."
)
COURT_STATE_WORDS = "Give the court's state as its two-letter code, such as NY, or its name."


def _state_key(text: str) -> str:
    """A state's code or name as compared: "N.Y." and "ny" alike, "The District of
    Columbia" and "district of columbia" alike."""
    words = re.sub(r"\s+", " ", text.replace(".", "").casefold()).strip()
    return words.removeprefix("the ")


# A state's (DC's, a territory's) code by its code or its name (codes.STATE_NAMES).
STATES_BY_KEY = {
    **{_state_key(name): code for code, name in STATE_NAMES.items()},
    **{_state_key(code): code for code in STATE_CODES},
}


# The case page's form has its own prefix, on the class so that the page renders it and
# the view reads it the same way.
class DocumentForm(USWDSFormMixin, forms.Form):
    data: Any  # once bound, a copy of the QueryDict that clean_file may mark (see __init__)
    prefix = "newdoc"
    type = forms.ChoiceField(
        label="Document type",
        choices=[("", "Choose the type")] + LegalProcessType.choices,
        help_text="An ICE I-200 or I-205 is an administrative warrant, not a judicial warrant.",
        error_messages={"required": "Choose the document's type."},
    )
    issuer = forms.ChoiceField(
        label="Signed or issued by", choices=Issuer.choices, initial=Issuer.NONE
    )
    signer_name = forms.CharField(max_length=200, required=False, label="Signer's name")
    signer_title = forms.CharField(max_length=200, required=False, label="Signer's title")
    court = forms.CharField(max_length=200, required=False)
    # No maxlength: the browser would cut "New York" to "Ne" without a word.
    court_state = forms.CharField(
        required=False,
        label="Court's state",
        help_text="Its two-letter code or its name, e.g. MD or Maryland.",
    )
    docket_number = forms.CharField(max_length=80, required=False)
    issued_on = PlausibleDateField(required=False, label="Issued", widget=DateInput())
    expires_on = PlausibleDateField(required=False, label="Expires", widget=DateInput())
    file = forms.FileField(
        required=False,
        label="Scanned document",
        # No `accept` list: the USWDS file input would drop a file of another type, which
        # then never reaches the server to be refused with what is accepted.
        widget=forms.ClearableFileInput(),
    )
    # "1" once a file was chosen (static/js/file-choice.js sets it as the file is picked,
    # before the browser's file input may refuse and drop it) or once this form refused a
    # file: the document is then not added without its file unless the clerk says so.
    file_chosen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    without_file = forms.BooleanField(
        required=False,
        label="Add the document without its scan (the scan can be added later as a new document)",
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()  # clean_file marks a refused file in it
        if "file" in self.fields:
            limit = settings.LEGAL_DOCUMENT_MAX_BYTES / 1048576
            self.fields[
                "file"
            ].help_text = f"{files.ACCEPTED_DESCRIPTION}, at most {limit:.0f} MB. Optional."
            self.fields["file"].widget.attrs["aria-describedby"] = f"{self.add_prefix('file')}-hint"

    def clean_file(self):
        """The file's type by its first bytes and its size, refused at the field with what to
        do (docs/intake.md); the service checks the same before storing anything."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        name = files.safe_filename(upload.name)
        head = upload.read(16)
        upload.seek(0)
        problem = file_refusal(name, head, upload.size or 0, settings.LEGAL_DOCUMENT_MAX_BYTES)
        if problem:
            # The page comes back without the file (a browser never keeps one): pressing the
            # button again must not add the document without it.
            self.data[self.add_prefix("file_chosen")] = "1"
            raise ValidationError(problem)
        return upload

    def clean_issued_on(self):
        """Not a day still to come in the state's time zone (documents.issue_date_refusal)."""
        issued = self.cleaned_data.get("issued_on")
        refusal = issue_date_refusal(issued)
        if refusal:
            raise ValidationError(refusal)
        return issued

    def clean_court_state(self):
        """The state's two-letter code, from its code or its name in any case."""
        typed = self.cleaned_data["court_state"].strip()
        if not typed:
            return ""
        code = STATES_BY_KEY.get(_state_key(typed))
        if code is None:
            shown = f"“{typed}” is not a US state or territory. " if len(typed) <= 40 else ""
            raise ValidationError(shown + COURT_STATE_WORDS)
        return code

    def clean(self):
        super().clean()
        data = self.cleaned_data
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error(
                "expires_on", "The document expires before it was issued; check both dates."
            )
        if (
            "file" in self.fields
            and data.get("file_chosen")
            and not data.get("file")
            and "file" not in self.errors
            and not data.get("without_file")
        ):
            self.add_error(
                "file",
                "The file you chose did not arrive with the page: a browser does not send a "
                "chosen file again once the page has shown an error. Choose the file again "
                f"({files.ACCEPTED_DESCRIPTION}), or tick the box below to add the document "
                "without its scan.",
            )
        if "file" in self.errors:
            # Offer the way out the message names.
            self.fields["without_file"].widget = forms.CheckboxInput(
                attrs={"class": "usa-checkbox__input"}
            )
        return data

    def full_clean(self):
        super().full_clean()
        if getattr(self, "_errors", None):
            self.file_not_kept()

    def file_not_kept(self):
        """The page is shown again with an error: a file that arrived is not in it (no
        browser keeps a chosen file), so say so at the field, and mark the choice, so that
        sending the page again without the file is refused with what to do, not lost."""
        if "file" not in self.fields or not getattr(self, "cleaned_data", {}).get("file"):
            return
        field = self.fields["file"]
        if FILE_NOT_KEPT not in field.help_text:
            field.help_text = f"{FILE_NOT_KEPT} {field.help_text}"
            self["file"].help_text = field.help_text  # a bound field copies it when made
        self.data[self.add_prefix("file_chosen")] = "1"

    def type_label(self):
        return dict(LegalProcessType.choices).get(self.cleaned_data["type"], "")

    def document_fields(self):
        data = dict(self.cleaned_data)
        data["upload"] = data.pop("file") or None
        data.pop("file_chosen", None)
        data.pop("without_file", None)
        return data


class DescribeForm(DocumentForm):
    """Say what a stored document is, or correct it: the fields of "Add a legal document"
    without the file, which stays as it was stored. One per document on the case page,
    so the prefix names the document too (describe-12-type)."""

    prefix = "describe"
    # Fields set to None are removed (Django): the stored file stays as it was.
    file = None  # type: ignore[assignment]
    file_chosen = None  # type: ignore[assignment]
    without_file = None  # type: ignore[assignment]

    def __init__(self, *args, document, **kwargs):
        kwargs.setdefault("prefix", f"{self.prefix}-{document.pk}")
        if not args and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(document, name) for name in self.base_fields if name != "type"
            }
            # An unclassified file offers no type: the clerk chooses one.
            kwargs["initial"]["type"] = (
                "" if document.type == LegalProcessType.NONE else document.type
            )
        super().__init__(*args, **kwargs)
        self.document = document
        self.html_id = f"describe-form-{document.pk}"

    def document_fields(self):
        return dict(self.cleaned_data)


class BaseDocumentFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        for form in self.forms:
            if form.has_changed() and not form.cleaned_data.get("type"):
                form.add_error("type", "Choose the document's type.")


DocumentFormSet = forms.formset_factory(
    DocumentForm,
    formset=BaseDocumentFormSet,
    extra=2,
    max_num=10,
    absolute_max=10,  # TOTAL_FORMS in the post never builds more (docs/security.md, Limits)
    validate_max=True,
)
