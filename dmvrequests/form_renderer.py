"""The form renderer (settings.FORM_RENDERER): Django's own widget templates rendered by Jinja2.

Django draws every widget through a template, and each option of a select and each box of a
group of checkboxes through one more. With Django's template engine that is about 20 µs a
widget and more per option: the case page's forms (an intake case shows eight of them, with
selects of the office's people) spent about 7 ms of a request drawing widgets. Django ships
each of its form templates twice, for its own engine and for Jinja2 (`django/forms/jinja2/`),
giving the same HTML; Jinja2 draws them several times faster (docs/performance.md).

`WidgetRenderer` takes a template from Jinja2 when Jinja2 has it (Django's built-in form and
widget templates) and from Django's engine otherwise: the admin's widgets and any app's own
form templates exist only for Django's engine. A project template that overrides one of
Django's built-in widget templates would be bypassed: there is none (the pages draw their
fields with the `form_field` tag, jinja2/includes/_field.html, around the widget).
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class WidgetRenderer(BaseRenderer):
    """Jinja2 for the templates it has, Django's template engine for the rest."""

    def __init__(self) -> None:
        self._jinja2 = Jinja2()
        self._django = DjangoTemplates()
        # {template name: the renderer that has it}, learnt at the first use of each name.
        self._chosen: dict[str, BaseRenderer] = {}

    def get_template(self, template_name: str) -> Any:
        renderer = self._chosen.get(template_name)
        if renderer is not None:
            return renderer.get_template(template_name)
        try:
            template = self._jinja2.get_template(template_name)
            self._chosen[template_name] = self._jinja2
        except TemplateDoesNotExist:
            template = self._django.get_template(template_name)
            self._chosen[template_name] = self._django
        return template
