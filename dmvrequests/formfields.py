"""Form fields for dates a person could mean.

Python's dates run to 9999-12-31, but a page that adds a day to the end of a
period, or a database that keeps years up to 294276, must not be handed a date
at the edge: an OverflowError there is a 500. These fields refuse a year outside
PLAUSIBLE_YEARS with a message, like any other mistake in a form (docs/security.md,
Limits). And text fields whose length limit is said, not enforced by cutting (`limited`).
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

# The one rule for every date a person types, anywhere (forms, report periods, the
# command line), and its one wording.
PLAUSIBLE_YEARS = (1900, 2199)
FIRST_YEAR, LAST_YEAR = PLAUSIBLE_YEARS
EARLIEST = date(FIRST_YEAR, 1, 1)
LATEST = date(LAST_YEAR, 12, 31)
MESSAGE = f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}."
YEAR_MESSAGE = f"Enter a year between {FIRST_YEAR} and {LAST_YEAR}."


class PlausibleDateField(forms.DateField):
    default_validators = [
        MinValueValidator(EARLIEST, message=MESSAGE),
        MaxValueValidator(LATEST, message=MESSAGE),
    ]


class PlausibleDateTimeField(forms.DateTimeField):
    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST <= value.date() <= LATEST:
            raise forms.ValidationError(MESSAGE, code="out_of_range")


def parse_date(raw):
    """A plausible date from a form's text, or None (impossible dates included)."""
    try:
        return PlausibleDateField(required=False).clean(raw)
    except forms.ValidationError:
        return None


def parse_datetime(raw):
    """A plausible date and time from a form's text, or None (25:61, February 31...)."""
    try:
        return PlausibleDateTimeField(required=False).clean(raw)
    except forms.ValidationError:
        return None


class CountedMaxLengthValidator(MaxLengthValidator):
    """Django's MaxLengthValidator with both numbers in the message written alike
    ("at most 5,000 characters; this one has 6,000"): `show_value` is formatted with a
    thousands separator, as the limit is."""

    def __call__(self, value):
        shown = self.clean(value)
        if self.compare(shown, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": self.limit_value,
                    "show_value": f"{shown:,}",
                    "value": value,
                },
            )


def limited(field, what):
    """A text field whose limit the form states and enforces with a message, instead of
    the browser's maxlength, which cuts pasted text without a word."""
    limit = field.max_length
    field.widget.attrs.pop("maxlength", None)
    field.validators = [
        CountedMaxLengthValidator(v.limit_value) if type(v) is MaxLengthValidator else v
        for v in field.validators
    ]
    field.error_messages["max_length"] = (
        f"{what} can be at most {limit:,} characters; this one has %(show_value)s. Shorten it."
    )
    limit_words = f"Up to {limit:,} characters."
    field.help_text = f"{field.help_text} {limit_words}".strip()
    return field
