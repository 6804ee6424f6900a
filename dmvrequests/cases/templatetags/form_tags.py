"""The USWDS error pattern, shared by every form: a summary at the top of the page
that links to each field in error (`error_summary`), and each field drawn with its label,
hint and error (`form_field`, jinja2/includes/_field.html)."""

from typing import Any

from django import forms, template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Widgets rendered as a group of inputs: the summary links to the first one.
GROUPED = ("radioselect", "checkboxselectmultiple")


@register.filter
def error_anchor(field):
    """The id of the element an error summary link should move the focus to."""
    if field.widget_type in GROUPED:
        return f"{field.auto_id}_0"
    return field.id_for_label


def _forms_of(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _forms_of(item)
        elif isinstance(item, forms.BaseFormSet):
            yield from item.forms
        elif item is not None and hasattr(item, "errors"):
            yield item


def _errors_of(items):
    errors: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            errors.extend({"text": e} for e in item.non_form_errors())
    for form in _forms_of(items):
        errors.extend({"text": e} for e in form.non_field_errors())
        for field in form:
            for error in field.errors:
                if field.is_hidden:
                    errors.append({"text": error})
                else:
                    errors.append(
                        {"anchor": error_anchor(field), "label": field.label, "text": error}
                    )
    return errors


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*items, heading=""):
    """`{% error_summary form %}` or `{% error_summary form formset %}`: nothing when valid.
    The heading is "Nothing was saved", or where nothing is ever saved the form's own
    `summary_heading` (a filter's "Fix the filter"), or `heading="…"`."""
    if not heading:
        heading = next(
            (f.summary_heading for f in _forms_of(items) if getattr(f, "summary_heading", "")),
            "",
        )
    return {"errors": _errors_of(items), "heading": heading}


@register.simple_tag(takes_context=True)
def error_title(context: template.Context) -> str:
    """`<title>{% error_title %}…`: "Error: " when a form or formset the page was given holds
    errors, else "". The title is the first thing a screen reader reads of a page that came
    back with problems (WCAG 2.2, 3.3.1 Error Identification; the USWDS and GOV.UK error
    pattern); the error summary then names them. Reads the context's values, not a name: the
    pages call their forms `form`, `filter_form`, `message_form`..."""
    for values in context.dicts:
        for value in values.values():
            # type(), not isinstance(): isinstance() would open a lazy value (the user, the
            # demo's accounts), one query each on a page that never reads them.
            kind = type(value)
            if issubclass(kind, forms.BaseForm) and value.is_bound and value.errors:
                return "Error: "
            if issubclass(kind, forms.BaseFormSet) and value.is_bound and value.total_error_count():
                return "Error: "
    return ""


@register.simple_tag
def form_field(field: Any, empty_choices: str = "", if_added: str = "") -> SafeString:
    """`{% form_field form.x %}`: the field `form.x` with its label, hint and error message
    (jinja2/includes/_field.html, drawn by the Jinja2 engine: the pages draw every field
    through it). `empty_choices` is what a group of choices with none says ("Nothing to
    choose from." unless given); `if_added="a document"` marks a required field of a block
    that may be left empty as "needed if you add a document". Draws nothing for a value that
    is not a form's field (a name the form does not have)."""
    if not isinstance(field, forms.BoundField):
        return mark_safe("")  # nosec B308 B703 - empty
    template_ = engines["jinja2"].get_template("includes/_field.html")
    values = {"field": field, "empty_choices": empty_choices, "if_added": if_added}
    # Jinja2 autoescaped what it drew (Django's backend turns autoescaping on).
    return mark_safe(template_.render(values))  # noqa: S308  # nosec B308 B703
