from django import template
from django.utils import timezone
from django.utils.html import format_html

from dmvrequests.audit.templatetags.moments import moment
from dmvrequests.cases.models import Status

register = template.Library()


@register.simple_tag
def due_in(day, what=""):
    """'in 2 days' / 'overdue by 1 day' / 'today', with the date for hover and screen readers.
    With `what` ("Decision", "Subject notice"), it says what is due: "Decision due in 2 days"."""
    if not day:
        return ""
    delta = (day - timezone.localdate()).days
    if delta == 0:
        words, css = "due today", "badge badge--overdue"
    elif delta > 0:
        words, css = f"{'due ' if what else ''}in {delta} day{'s' if delta != 1 else ''}", ""
    else:
        words, css = f"overdue by {-delta} day{'s' if delta != -1 else ''}", "badge badge--overdue"
    if what:
        words = f"{what} {words}"
    iso = day.isoformat()
    written = moment(day, "M j, Y")  # as every date on the case page and in findings
    return format_html(
        '<time datetime="{}" title="{}" class="{}">{}</time><span class="usa-sr-only"> ({})</span>',
        iso,
        written,
        css,
        words,
        written,
    )


@register.simple_tag(takes_context=True)
def sort_link(context, key, label):
    """A column heading that sorts by `key`, keeping the other query parameters."""
    request = context["request"]
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


@register.simple_tag
def case_due(case):
    """What is due on a case in a queue: the decision (paused while the agency is asked),
    or the release once approved."""
    if case.status in (Status.RECEIVED, Status.IN_REVIEW):
        return due_in(case.due_date, "Decision") or "Decision: no due date"
    if case.status == Status.NEEDS_INFO:
        return "Decision clock paused: waiting for the agency"
    if case.status == Status.APPROVED:
        return "Release to record"
    return "Nothing due"
