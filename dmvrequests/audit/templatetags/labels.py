"""{{ code|label }} and {{ code|label:"reason" }}: the words for a code (vocabulary.label)."""

from django import template

from dmvrequests.vocabulary import label as label_of

register = template.Library()


@register.filter
def label(code, vocabulary=None):
    return label_of(code, vocabulary)
