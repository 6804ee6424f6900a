"""The USWDS error pattern, shared by every form: a summary at the top of the page
that links to each field in error (the field itself is marked by includes/field.html)."""

from typing import Any

from django import forms, template

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
