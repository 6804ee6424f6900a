from django import template

from dmvrequests.correspondence.selectors import letters_list

register = template.Library()


@register.inclusion_tag("correspondence/_case_section.html")
def case_letters(case, caps):
    """The case page's Letters section: each letter and how it was sent (a failed email
    shows here), and the way to the letters page."""
    return {"case": case, "caps": caps, "letters": letters_list(case)}
