"""Long text on the portal's forms: the limit is stated and enforced by the server with a
message giving the limit and the count typed, never by the browser's maxlength, which cuts
pasted text without a word (the staff forms do the same, cases/forms.py `limited`)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator


class CountedMaxLengthValidator(MaxLengthValidator):
    """Django's MaxLengthValidator with the count written as the limit is ("5,200")."""

    def __call__(self, value):
        shown = self.clean(value)
        if self.compare(shown, self.limit_value):
            raise forms.ValidationError(
                self.message,
                code=self.code,
                params={"limit_value": self.limit_value, "show_value": f"{shown:,}"},
            )


def limited(field: forms.CharField, what: str) -> forms.CharField:
    """`field` without the browser's maxlength, refusing longer text with "`what` can be at
    most 5,000 characters; this one has 5,200. Shorten it." (the text typed stays in the
    form, the page answering with the message)."""
    limit = field.max_length
    field.widget.attrs.pop("maxlength", None)
    field.validators = [
        CountedMaxLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v
        for v in field.validators
    ]
    field.error_messages["max_length"] = (
        f"{what} can be at most {limit:,} characters; this one has %(show_value)s. Shorten it."
    )
    return field
