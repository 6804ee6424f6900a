from django import forms

from dmvrequests.forms import USWDSFormMixin
from dmvrequests.notifications.models import Preference


class PreferenceForm(USWDSFormMixin, forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["assignment", "digest"]
