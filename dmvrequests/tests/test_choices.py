"""get_FOO_display() kept by dmvrequests/choices.py answers what Django's own does."""

from functools import partialmethod

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from dmvrequests import choices
from dmvrequests.cases.models import DisclosureRequest, Status


def _fields_with_choices():
    for model in apps.get_models():
        for field in model._meta.fields:
            if field.choices:
                yield model, field


def test_every_display_of_a_field_with_choices_is_the_kept_one():
    found = list(_fields_with_choices())
    assert len(found) > 20
    for model, field in found:
        method = model.__dict__.get(f"get_{field.name}_display")
        if isinstance(method, partialmethod):  # a model's own method is left alone
            assert method.func is choices._display, (model, field.name)


def test_the_kept_display_answers_as_django_does():
    compared = 0
    for model, field in _fields_with_choices():
        values = [value for value, _ in field.flatchoices] + ["not-a-choice", None, 7]
        for value in values:
            row = model(**{field.attname: value})
            django = choices.DJANGOS(row, field=field)
            assert getattr(row, f"get_{field.name}_display")() == django, (model, field, value)
            compared += 1
    assert compared > 100


def test_new_choices_on_a_field_are_read_afresh():
    field = DisclosureRequest._meta.get_field("status")
    case = DisclosureRequest(status=Status.RECEIVED)
    assert case.get_status_display() == "Received"
    kept = field.choices
    try:
        field.choices = [(Status.RECEIVED, "Logged")]
        assert case.get_status_display() == "Logged"
    finally:
        field.choices = kept
    assert case.get_status_display() == "Received"


@isolate_apps("dmvrequests.cases")
def test_install_leaves_a_models_own_method_and_counts_what_it_replaced():
    class Own(models.Model):
        kind = models.CharField(max_length=4, choices=[("a", "A")])

        class Meta:
            app_label = "cases"

        def __str__(self):
            return self.kind

        def get_kind_display(self):
            return "mine"

    assert choices.install([Own]) == 0
    assert Own(kind="a").get_kind_display() == "mine"
