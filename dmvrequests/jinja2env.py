"""The Jinja2 template engine's environment (settings.TEMPLATES, the engine named "jinja2").

The pages are Django templates. The partials drawn many times a page are Jinja2 templates:
the table of cases of the queues and the search (jinja2/cases/_case_table.html; Django's
engine took about 4.4 ms of CPU to draw its fifty rows, Jinja2 1.5 ms, the same HTML) and a
case's timeline (jinja2/audit/_timeline.html), docs/performance.md. The tags `case_table` and
`timeline_section` (cases/templatetags/case_tags.py) draw them from within the Django
templates.

What they need of the Django templates' tags and filters, under the same names:
- `localtime` (Django's engine makes a time local before a filter that expects it; here
  the template says so), `moment`
  (audit/templatetags/moments.py), Django's `pluralize` and `linebreaksbr`;
- `url(name, *args)` for `{% url %}`;
- `sort_link(request, key, label)` and `case_due(case)` (cases/templatetags/case_tags.py).
Autoescaping is on (Django's backend sets it), and what those return as safe (`format_html`)
stays as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr, pluralize, truncatechars
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from dmvrequests.audit.templatetags.labels import label
from dmvrequests.audit.templatetags.moments import moment
from dmvrequests.cases.templatetags.case_tags import case_due, case_url_tag, due_in, sort_link_for
from dmvrequests.cases.templatetags.form_tags import error_summary, form_field
from dmvrequests.policy.templatetags.policy_panel import decision_words
from jinja2 import Environment


def _localtime(value: Any) -> Any:
    """What Django's engine does to a value before a filter that expects a local time: an
    aware datetime in the current time zone; anything else (a date, None) as it is."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _url(name: str, *args: Any) -> str:
    """`{% url name arg %}`: the path of the URL pattern `name` with `args`."""
    return reverse(name, args=args)


def _date(value: Any, format_string: str | None = None) -> str:
    """Django's `date` filter, the time made local first as Django's engine does."""
    return date_filter(_localtime(value), format_string)


def _django_include(name: str, values: dict[str, Any]) -> SafeString:
    """`{% include name %}` of a Django template (templates/) with `values`, from Jinja2."""
    return mark_safe(render_to_string(name, values))  # noqa: S308  # nosec B308 B703 - escaped by Django


def _error_summary(*items: Any, heading: str = "") -> SafeString:
    """`{% error_summary form … %}` (cases/templatetags/form_tags.py), from Jinja2."""
    return _django_include("includes/error_summary.html", error_summary(*items, heading=heading))


def environment(**options: Any) -> Environment:
    """The Environment Django's Jinja2 backend builds, with the filters and globals above."""
    env = Environment(**options)  # noqa: S701  # nosec B701 - Django's backend sets autoescape
    env.filters.update(
        localtime=_localtime,
        moment=moment,
        pluralize=pluralize,
        linebreaksbr=linebreaksbr,
        date=_date,
        truncatechars=truncatechars,
        label=label,
        decision_words=decision_words,
    )
    env.globals.update(
        sort_link=sort_link_for,
        case_due=case_due,
        url=_url,
        case_url=case_url_tag,
        due_in=due_in,
        form_field=form_field,
        error_summary=_error_summary,
        django_include=_django_include,
    )
    return env
