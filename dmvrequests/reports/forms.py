from django import forms
from django.core.exceptions import ValidationError

from dmvrequests.forms import DateInput, USWDSFormMixin


class DateRangeForm(USWDSFormMixin, forms.Form):
    date_from = forms.DateField(required=False, label="From", widget=DateInput())
    date_to = forms.DateField(required=False, label="To", widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError("The end date is before the start date; swap them.")
        return data
