"""Form helpers shared by the apps: USWDS classes on every widget."""

from typing import TYPE_CHECKING, Any, cast

from django import forms

if TYPE_CHECKING:
    # mypy reads the mixins as forms (for self.fields, add_error...); at run time they are plain.
    FormMixinBase = forms.BaseForm
else:
    FormMixinBase = object

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


DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


def _required(field: forms.Field) -> str:
    """Instead of Django's "This field is required.": what to do, by the kind of field
    (a form that knows better gives its own `error_messages["required"]`)."""
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return "Tick at least one: it is required."
    if isinstance(field, forms.BooleanField):
        return "Tick this box to go on."
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return "Choose one: it is required."
    if isinstance(field, forms.FileField):
        return "Choose a file: it is required."
    if isinstance(field, forms.DateTimeField):
        return "Enter the date and time: it is required."
    if isinstance(field, forms.DateField):
        return "Enter the date: it is required."
    return "Enter it: it is required."


class ListedChoices(forms.models.ModelChoiceIterator):
    """The choices of a model choice field from objects already read: the empty choice,
    then each object as the field names it (`label_from_instance`)."""

    def __init__(self, field: forms.ModelChoiceField, objects: list[Any]) -> None:
        super().__init__(field)
        self.objects = objects

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.objects:
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.objects) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.objects)


class ReadAtOnce(forms.models.ModelChoiceIterator):
    """The choices of a model choice field read in one plain query. Django's iterator reads
    them through `QuerySet.iterator()`, which on PostgreSQL outside a transaction is a cursor
    declared WITH HOLD, fetched and closed: three round trips and a copy of the rows, for the
    few people or offices a form offers."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class USWDSFormMixin(FormMixinBase):
    """Adds USWDS classes to each widget, and the error state once validated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if type(field.widget) is kind),
                "usa-input",
            )
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self.add_prefix(name)}-hint"
            if field.error_messages.get("required") == DJANGO_REQUIRED:
                field.error_messages = {**field.error_messages, "required": _required(field)}

    def set_choices(self, name: str, choices: list[tuple[Any, str]]) -> None:
        """Offer `choices` in the choice field `name` (narrowed to the case at hand)."""
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def set_queryset(self, name: str, queryset: Any, label: Any = None) -> None:
        """Offer the objects of `queryset` in the model choice field `name`, each named
        by `label(obj)` when given (else str(obj)), read in one query (ReadAtOnce)."""
        field = cast(forms.ModelChoiceField, self.fields[name])
        field.iterator = ReadAtOnce  # before the queryset: setting it gives the widget choices
        field.queryset = queryset
        if label is not None:
            field.label_from_instance = label  # type: ignore[method-assign]

    def offer_listed(self, name: str, objects: list[Any]) -> None:
        """Show `objects`, read already, as the choices of the model choice field `name`
        (no query when the form is shown). What is sent is still checked against the
        field's queryset."""
        field = cast(forms.ModelChoiceField, self.fields[name])
        field.widget.choices = ListedChoices(field, objects)

    def clean(self) -> dict[str, Any]:
        """The cleaned data (Django's clean() returns it, typed as possibly None)."""
        super().clean()
        return self.cleaned_data

    def full_clean(self):
        # Not in __init__: reading self.errors there would validate the form
        # before a subclass has finished setting up its fields.
        super().full_clean()
        self._mark_errors()

    def add_error(self, field, error):
        # Views add errors after validation too (a wrong code, a refusal): marked the same.
        super().add_error(field, error)
        if getattr(self, "_errors", None) is not None and hasattr(self, "cleaned_data"):
            self._mark_errors()

    def _mark_errors(self):
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "usa-input--error" not in attrs.get("class", ""):
                    attrs["class"] = attrs.get("class", "") + " usa-input--error"
                attrs["aria-invalid"] = "true"
                # The message beside the field (`form_field`: jinja2/includes/_field.html)
                # is read with it.
                described = attrs.get("aria-describedby", "").split()
                error_id = f"{self.add_prefix(name)}-error"
                if error_id not in described:
                    attrs["aria-describedby"] = " ".join([*described, error_id])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
