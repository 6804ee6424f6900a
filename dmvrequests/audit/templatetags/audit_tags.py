from django import template
from django.http import QueryDict

from dmvrequests.vocabulary import label

register = template.Library()


# Detail values whose words depend on their key: a letter's read with {"format": "pdf"}
# is the PDF downloaded, not a view of the letter's page.
DETAIL_WORDS = {("format", "pdf"): "PDF downloaded"}


def _flatten(detail, prefix=""):
    for key, value in sorted((detail or {}).items()):
        name = f"{prefix}{key}".replace("_", " ")
        if isinstance(value, dict):
            yield from _flatten(value, prefix=f"{name}: ")
        elif isinstance(value, list):
            yield name, ", ".join(label(str(v)) for v in value)
        elif value not in (None, ""):
            yield name, DETAIL_WORDS.get((key, value)) or label(str(value))


@register.filter
def detail_items(detail):
    """A record's detail JSON as (name, value) pairs for display."""
    return list(_flatten(detail))


@register.simple_tag
def query_string(**params):
    """A query string from keyword arguments, leaving out empty values."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        if value not in (None, ""):
            query[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return query.urlencode()
