"""`{% form_field %}` (cases/templatetags/form_tags.py, jinja2/includes/_field.html): every
kind of field drawn with the USWDS error pattern, as the pages show them."""

from django import forms
from django.template import Context, Template


class ExampleForm(forms.Form):
    name = forms.CharField(label="Officer <name>", help_text="As on the badge & card")
    note = forms.CharField(required=False)
    method = forms.ChoiceField(
        choices=[("mail", "Mail"), ("email", "Email <secure>")], widget=forms.RadioSelect
    )
    categories = forms.MultipleChoiceField(
        choices=[("photo", "Photo"), ("address", "Address")],
        widget=forms.CheckboxSelectMultiple,
        help_text="What may be released",
    )
    nothing = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )
    urgent = forms.BooleanField(required=False, help_text="An emergency")
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _drawn(field, arguments=""):
    template = Template("{% form_field field " + arguments + " %}")
    return " ".join(template.render(Context({"field": field})).split())


def test_a_text_field_has_its_label_required_mark_and_hint():
    html = _drawn(ExampleForm()["name"])
    assert '<div class="usa-form-group">' in html
    assert (
        '<label class="usa-label" for="id_name">Officer &lt;name&gt; <abbr title="required"' in html
    )
    assert '<div class="usa-hint" id="name-hint">As on the badge &amp; card</div>' in html
    assert '<input type="text" name="name"' in html
    assert "usa-error-message" not in html
    assert 'title="required"' not in _drawn(ExampleForm()["note"])


def test_an_error_marks_the_group_label_and_control_and_is_named_by_the_control():
    form = ExampleForm({"method": "fax"})
    form.is_valid()
    html = _drawn(form["name"])
    assert "usa-form-group usa-form-group--error" in html
    assert 'class="usa-label usa-label--error"' in html
    assert '<span class="usa-error-message" id="name-error">This field is required.</span>' in html
    assert 'aria-invalid="true"' in html
    radio = _drawn(form["method"])
    assert '<fieldset class="usa-fieldset usa-form-group usa-form-group--error">' in radio
    assert 'id="method-error">Select a valid choice. fax is not one' in radio
    # Announced once, by the page's error summary (role="alert"); the control names its
    # message in aria-describedby, read when it takes the focus.
    assert 'role="alert"' not in html + radio


def test_radio_buttons_and_checkboxes_are_a_fieldset_whose_legend_is_the_label():
    html = _drawn(ExampleForm()["method"])
    assert (
        '<fieldset class="usa-fieldset usa-form-group"> <legend class="usa-legend">Method' in html
    )
    assert html.count('<div class="usa-radio">') == 2
    assert '<label class="usa-radio__label" for="id_method_1">Email &lt;secure&gt;</label>' in html
    boxes = _drawn(ExampleForm()["categories"])
    assert boxes.count('<div class="usa-checkbox">') == 2
    assert '<div class="usa-hint" id="categories-hint">What may be released</div>' in boxes
    assert 'class="usa-checkbox__label" for="id_categories_0">Photo</label>' in boxes


def test_a_group_without_choices_says_so_in_its_own_words():
    assert "<p>Nothing to choose from.</p>" in _drawn(ExampleForm()["nothing"])
    said = _drawn(ExampleForm()["nothing"], 'empty_choices="Nothing is releasable."')
    assert "<p>Nothing is releasable.</p>" in said


def test_a_single_checkbox_has_its_label_after_the_box():
    html = _drawn(ExampleForm()["urgent"])
    assert '<div class="usa-checkbox"><input type="checkbox" name="urgent"' in html
    assert '<label class="usa-checkbox__label" for="id_urgent">Urgent</label></div>' in html


def test_a_field_of_a_block_that_may_stay_empty_says_when_it_is_needed():
    html = _drawn(ExampleForm()["name"], 'if_added="a document"')
    assert '<span class="usa-hint">(needed if you add a document)</span>' in html
    assert 'title="required"' not in html


def test_a_hidden_field_is_only_its_input_and_a_missing_one_nothing():
    assert _drawn(ExampleForm()["token"]) == '<input type="hidden" name="token" id="id_token">'
    assert Template("{% form_field form.missing %}").render(Context({"form": ExampleForm()})) == ""


def test_the_title_starts_with_error_when_a_form_or_formset_of_the_page_holds_errors():
    from django import forms as django_forms
    from django.template import Context, Template

    title = Template("{% load form_tags %}{% error_title %}Create a request")
    Pairs = django_forms.formset_factory(ExampleForm, extra=1)
    invalid = ExampleForm({"method": "fax"})
    assert title.render(Context({"form": invalid})) == "Error: Create a request"
    assert title.render(Context({"other_form": invalid})) == "Error: Create a request"
    # Unbound (a form not sent yet) or valid: the title as it is.
    assert title.render(Context({"form": ExampleForm()})) == "Create a request"
    valid = ExampleForm({"name": "Lee", "method": "email", "categories": ["photo"]})
    assert valid.is_valid(), valid.errors
    assert title.render(Context({"form": valid, "count": 3})) == "Create a request"
    management = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"}
    broken = Pairs({**management, "form-0-method": "fax", "form-0-name": "Lee"})
    assert title.render(Context({"documents": broken})) == "Error: Create a request"
    assert title.render(Context({"documents": Pairs()})) == "Create a request"


def test_the_error_title_leaves_lazy_values_unopened():
    from django.template import Context, Template
    from django.utils.functional import SimpleLazyObject

    opened = []

    def load():
        opened.append("user")
        return "a user"

    lazy = SimpleLazyObject(load)
    title = Template("{% load form_tags %}{% error_title %}Queue")
    assert title.render(Context({"user": lazy, "form": ExampleForm()})) == "Queue"
    assert opened == []  # the user (a query on most pages) was never loaded
