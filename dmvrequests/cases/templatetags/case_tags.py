from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def due_in(day):
    """'in 2 days' / 'overdue by 1 day' / 'today', with the date for hover and screen readers."""
    if not day:
        return ""
    delta = (day - timezone.localdate()).days
    if delta == 0:
        words, css = "due today", "badge badge--overdue"
    elif delta > 0:
        words, css = f"in {delta} day{'s' if delta != 1 else ''}", ""
    else:
        words, css = f"overdue by {-delta} day{'s' if delta != -1 else ''}", "badge badge--overdue"
    iso = day.isoformat()
    return format_html(
        '<time datetime="{}" title="{}" class="{}">{}</time><span class="usa-sr-only"> ({})</span>',
        iso,
        day.strftime("%B %-d, %Y"),
        css,
        words,
        day.strftime("%B %-d, %Y"),
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
