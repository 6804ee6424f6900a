from django import template
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from markupsafe import Markup, escape

from dmvrequests.audit.templatetags.moments import moment
from dmvrequests.cases.case_urls import case_address, case_url
from dmvrequests.cases.models import Status

register = template.Library()


@register.simple_tag
def due_in(day, what="", today=None):
    """'in 2 days' / 'overdue by 1 day' / 'today', with the date for hover and screen readers.
    With `what` ("Decision", "Subject notice"), it says what is due: "Decision due in 2 days".
    `today` is the local date (the current time zone's today when None): a table of cases
    reads it once for all its rows."""
    if not day:
        return ""
    delta = (day - (today or timezone.localdate())).days
    if delta == 0:
        words, css = "due today", "badge badge--overdue"
    elif delta > 0:
        words, css = f"{'due ' if what else ''}in {delta} day{'s' if delta != 1 else ''}", ""
    else:
        words, css = f"overdue by {-delta} day{'s' if delta != -1 else ''}", "badge badge--overdue"
    if what:
        words = f"{what} {words}"
    # Each value escaped by markupsafe's C escape (a queue draws this for every case in
    # review: Django's format_html, and Markup.format, cost more than the rest of the row).
    written = escape(moment(day, "M j, Y"))  # as every date on the case page and in findings
    return Markup(  # noqa: S704  # nosec B704 - every value escaped here
        f'<time datetime="{escape(day.isoformat())}" title="{written}" class="{escape(css)}">'
        f'{escape(words)}</time><span class="usa-sr-only"> ({written})</span>'
    )


@register.simple_tag(takes_context=True)
def sort_link(context, key, label):
    """A column heading that sorts by `key`, keeping the other query parameters."""
    return sort_link_for(context["request"], key, label)


def sort_link_for(request, key, label):
    """sort_link for a request (the Jinja2 templates' global of that name)."""
    params = request.GET.copy()
    current = params.get("sort", "due")
    params["sort"] = f"-{key}" if current == key and not key.startswith("-") else key
    params.pop("page", None)
    marker = " ▲" if current == key else ""
    return format_html('<a href="?{}">{}{}</a>', params.urlencode(), label, marker)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()


@register.simple_tag(name="case_url")
def case_url_tag(name, number, *ids):
    """`{% url name number id... %}` for a case's own addresses, without `reverse` each time
    (cases/case_urls.py)."""
    return case_url(number, name, *ids)


@register.simple_tag(takes_context=True)
def case_table(context, cases, caption):
    """The table of cases (the queues, the search): jinja2/cases/_case_table.html, drawn by
    the Jinja2 engine (dmvrequests/jinja2env.py) with `cases`, `caption` and the request."""
    values = {
        "cases": cases,
        "caption": caption,
        # Read once for every row: each is a look-up in the request's thread-local state.
        "zone": timezone.get_current_timezone(),
        "today": timezone.localdate(),
        "case_address": case_address("cases:detail"),
    }
    return _drawn_by_jinja2("cases/_case_table.html", values, context["request"])


def _drawn_by_jinja2(name, values, request):
    """The Jinja2 template `name` (under jinja2/) drawn with `values` and the request, as safe
    text for the Django template that asked (Jinja2 autoescaped what it drew)."""
    template = engines["jinja2"].get_template(name)
    return mark_safe(template.render(values, request=request))  # noqa: S308  # nosec B308 B703


# What jinja2/audit/_timeline.html reads of the page's context (timeline_reads.timeline_context).
TIMELINE_CONTEXT = (
    "case",
    "timeline",
    "timeline_total",
    "timeline_earlier",
    "timeline_page",
    "timeline_reads",
    "timeline_folded_in_place",
    "timeline_kinds",
    "timeline_filter",
)


@register.simple_tag(takes_context=True)
def timeline_section(context):
    """A case's timeline (the case page, the full timeline): jinja2/audit/_timeline.html drawn
    by the Jinja2 engine with what timeline_context put in the page's context, and the full
    timeline's pages drawn by templates/includes/pagination.html."""
    values = {name: context.get(name) for name in TIMELINE_CONTEXT}
    page = values["timeline_page"]
    request = context["request"]
    values["pagination"] = (
        render_to_string("includes/pagination.html", {"page": page, "request": request})
        if page
        else ""
    )
    return _drawn_by_jinja2("audit/_timeline.html", values, request)


@register.simple_tag(takes_context=True)
def case_page_body(context):
    """The case page's body (templates/cases/detail.html): jinja2/cases/_detail.html drawn by
    the Jinja2 engine with the page's whole context (the view's and the context processors')."""
    return _drawn_by_jinja2("cases/_detail.html", context.flatten(), context["request"])


@register.simple_tag
def case_due(case, today=None):
    """What is due on a case in a queue: the decision (paused while the agency is asked),
    or the release once approved. `today`: as due_in's."""
    if case.status in (Status.RECEIVED, Status.IN_REVIEW):
        return due_in(case.due_date, "Decision", today) or "Decision: no due date"
    if case.status == Status.NEEDS_INFO:
        return "Decision clock paused: waiting for the agency"
    if case.status == Status.APPROVED:
        return "Release to record"
    return "Nothing due"
