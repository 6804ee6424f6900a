"""The Jinja2 template engine's environment (settings.TEMPLATES, the engine named "jinja2").

The pages are Django templates. The one partial drawn fifty times a page, the table of cases
of the queues and the search (jinja2/cases/_case_table.html), is a Jinja2 template: Django's
engine took about 4.4 ms of CPU to draw its fifty rows, Jinja2 1.5 ms, the same HTML
(docs/performance.md). The `case_table` tag (cases/templatetags/case_tags.py) draws it from
within the Django templates.

What it needs of the Django templates' tags and filters, under the same names:
- `localtime` (Django's engine makes a time local before a filter that expects it; here
  the template says so) and `moment` (audit/templatetags/moments.py);
- `sort_link(request, key, label)` and `case_due(case)` (cases/templatetags/case_tags.py).
Autoescaping is on (Django's backend sets it), and what those return as safe (`format_html`)
stays as it is.
"""

from __future__ import annotations

from typing import Any

from django.utils.timezone import localtime

from dmvrequests.audit.templatetags.moments import moment
from dmvrequests.cases.templatetags.case_tags import case_due, sort_link_for
from jinja2 import Environment


def environment(**options: Any) -> Environment:
    """The Environment Django's Jinja2 backend builds, with the filters and globals above."""
    env = Environment(**options)  # noqa: S701  # nosec B701 - Django's backend sets autoescape
    env.filters.update(localtime=localtime, moment=moment)
    env.globals.update(sort_link=sort_link_for, case_due=case_due)
    return env
