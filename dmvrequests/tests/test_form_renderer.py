"""The form renderer (dmvrequests/form_renderer.py): Django's widget templates drawn by Jinja2
give the HTML Django's own engine gives; templates Jinja2 does not have still render."""

import re

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from dmvrequests.cases.forms import RequestForm
from dmvrequests.form_renderer import WidgetRenderer

CHOICES = [("a", "Alpha"), ("b", 'Subject\'s "written" consent <b>'), ("c", "Ünïcode — ok")]


class EveryWidget(forms.Form):
    text = forms.CharField(initial='O\'Brien "quoted" <tag>', help_text="A hint")
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="two\nlines")
    number = forms.IntegerField(min_value=0, initial=7)
    email = forms.EmailField(required=False)
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    one = forms.ChoiceField(choices=[("", "Choose"), *CHOICES], initial="b")
    grouped = forms.ChoiceField(choices=[("Group", CHOICES), ("z", "Zed")])
    many = forms.MultipleChoiceField(choices=CHOICES, initial=["a", "c"])
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, initial="c")
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple, initial=["b"]
    )
    tick = forms.BooleanField(required=False, initial=True)
    upload = forms.FileField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h&h")
    split = forms.SplitDateTimeField(required=False)


def _same_html(text):
    """Jinja2's templates differ from Django's in their white space (a line break where
    Django's has a space or none between two tags, which a browser shows alike) and in how
    the apostrophe and the quote are escaped (&#39; for &#x27;, &#34; for &quot;): what is
    left must be the same, other escapes included."""
    text = text.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"> <", "><", text).strip()


def test_the_setting_names_it():
    assert settings.FORM_RENDERER == "dmvrequests.form_renderer.WidgetRenderer"
    assert isinstance(get_default_renderer(), WidgetRenderer)


def test_djangos_widget_templates_come_from_jinja2():
    renderer = WidgetRenderer()
    for name in ("django/forms/widgets/select.html", "django/forms/div.html"):
        assert isinstance(renderer.get_template(name), Jinja2Template)
        # Asked again: the engine learnt the first time.
        assert isinstance(renderer.get_template(name), Jinja2Template)


def test_a_template_only_djangos_engine_has_is_taken_from_it():
    renderer = WidgetRenderer()
    name = "admin/widgets/related_widget_wrapper.html"
    assert isinstance(renderer.get_template(name), DjangoTemplate)
    assert isinstance(renderer.get_template(name), DjangoTemplate)


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound with errors"])
def test_every_widget_draws_as_djangos_engine_draws_it(bound):
    data = {"text": "x" * 3, "one": "nope", "many": ["a", "zzz"], "tick": "on"} if bound else None
    for renderer_class in (DjangoTemplates, WidgetRenderer):
        form = EveryWidget(data, renderer=renderer_class())
        drawn = {name: str(form[name]) for name in form.fields}
        drawn["whole form"] = form.as_div()
        if renderer_class is DjangoTemplates:
            expected = drawn
    for name, text in drawn.items():
        assert _same_html(text) == _same_html(expected[name]), name
    # Labels and values are escaped, never taken as markup.
    assert "&lt;b&gt;" in drawn["radio"] and "<b>" not in drawn["radio"]
    if not bound:
        assert "&lt;tag&gt;" in drawn["text"] and "<tag>" not in drawn["text"]


@pytest.mark.django_db
def test_the_intake_form_draws_as_before():
    old = RequestForm(renderer=DjangoTemplates())
    new = RequestForm(renderer=WidgetRenderer())
    for name in new.fields:
        assert _same_html(str(new[name])) == _same_html(str(old[name])), name
