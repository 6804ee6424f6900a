"""Validators shared by the models of every app."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Line and paragraph separators end a line as surely as a newline does.
LINE_BREAKING = frozenset({"\u2028", "\u2029", "\u0085"})


@deconstructible
class SingleLineValidator:
    """Refuses control characters (newlines, tabs, NUL...) in a single-line text field.

    A name, a title or a phone number is one line: a line break in one would end up in
    an email header (the mail fails) or split a CSV row. On the models, so that every
    form, the Django admin and full_clean() refuse them, not only the pages' forms.
    """

    message = "Use one line of text, without line breaks, tabs or other control characters."
    code = "control_characters"

    def __call__(self, value):
        if value is None:
            return
        if any(unicodedata.category(char) == "Cc" or char in LINE_BREAKING for char in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)

    def __hash__(self):
        return hash(self.code)


single_line = SingleLineValidator()
