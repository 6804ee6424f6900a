"""A model choice field given its objects by USWDSFormMixin.set_queryset reads them in one
plain query (ReadAtOnce), never through a server-side cursor, and offers the same choices."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from dmvrequests.forms import ReadAtOnce, USWDSFormMixin

pytestmark = pytest.mark.django_db


class PickForm(USWDSFormMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=User.objects.none(), empty_label="No one")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_queryset(
            "person", User.objects.order_by("username"), label=lambda u: u.username.upper()
        )


def test_the_choices_come_in_one_query_without_a_cursor(clerk, counsel):
    form = PickForm()
    with CaptureQueriesContext(connection) as captured:
        html = str(form["person"])
    assert len(captured) == 1
    assert not captured[0]["sql"].lstrip().upper().startswith("DECLARE")
    assert isinstance(form.fields["person"].widget.choices, ReadAtOnce)
    assert html.index(">No one<") < html.index(">CLERK<") < html.index(">COUNSEL<")


def test_a_choice_sent_is_still_checked_against_the_queryset(clerk):
    assert PickForm({"person": clerk.pk}).is_valid()
    form = PickForm({"person": 10**9})
    assert not form.is_valid() and "person" in form.errors
