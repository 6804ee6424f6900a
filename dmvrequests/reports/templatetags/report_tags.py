from django import template

from dmvrequests.reports.transparency import display, share_display

register = template.Library()


@register.simple_tag
def published(row, column, threshold):
    """A transparency report cell as published: the count, "fewer than 5" or "withheld"."""
    return display(row.cells[column], threshold)


@register.filter
def published_share(row):
    return share_display(row)
