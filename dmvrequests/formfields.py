"""Form fields for dates a person could mean.

Python's dates run to 9999-12-31, but a page that adds a day to the end of a
period, or a database that keeps years up to 294276, must not be handed a date
at the edge: an OverflowError there is a 500. These fields refuse a year outside
PLAUSIBLE_YEARS with a message, like any other mistake in a form (docs/security.md,
Limits).
"""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

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
