"""Filters for templates/policy/_panel.html: an engine result in words."""

from datetime import date

from django import template

from dmvrequests.policy.engine import EngineDecision, category_words, decision_summary
from dmvrequests.vocabulary import SEVERITY_LABELS, RecordCategory

register = template.Library()


@register.filter
def decision_words(evaluation):
    return decision_summary(evaluation)


@register.filter
def severity_label(severity):
    return SEVERITY_LABELS.get(severity, severity)


@register.filter
def iso_date(value):
    """'2026-03-05' as a date, for the `date` filter; None stays None."""
    return date.fromisoformat(value) if value else None


@register.filter
def category_rows(evaluation):
    """One row per category asked: releasable or withheld, with the reasons."""
    releasable = set(evaluation["releasable"])
    asked = releasable | set(evaluation["withheld"])
    reasons: dict[str, list[str]] = {}
    for finding in evaluation["findings"]:
        if finding.get("category"):
            reasons.setdefault(finding["category"], []).append(finding["message"])
    return [
        {
            "label": RecordCategory(category).label,
            "releasable": category in releasable,
            "reasons": reasons.get(category) or [_default_reason(category, evaluation)],
        }
        for category in RecordCategory.values
        if category in asked
    ]


def _default_reason(category, evaluation):
    if category in evaluation["releasable"]:
        if evaluation["decision"] == EngineDecision.REVIEW:
            return "May be released if counsel approves after review."
        return "May be released if counsel approves."
    return f"Not released: the request is denied, so the {category_words(category)} is withheld."
