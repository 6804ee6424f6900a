"""Form helpers shared by the apps: USWDS classes on every widget."""

from django import forms

WIDGET_CLASSES = {
    forms.CheckboxInput: "usa-checkbox__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


class USWDSFormMixin:
    """Adds USWDS classes, and error state, to each widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if type(field.widget) is kind),
                "usa-input",
            )
            if self.is_bound and name in self.errors:
                css += " usa-input--error"
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = (
                    f"{self.prefix + '-' if self.prefix else ''}{name}-hint"
                )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
