"""The values of a letter's placeholders, from the case, its decision and its evaluation.

The law a letter cites is the evaluation's: each finding carries the citation of the
provision of the active policy profile that produced it (docs/profiles.md); a
decided case uses the evaluation stored with its decision, so a letter says what
decided the case even after the profile changed.
"""

import re

from django.conf import settings
from django.utils import timezone

from dmvrequests.cases import selectors as case_selectors
from dmvrequests.cases import services as case_services
from dmvrequests.correspondence.placeholders import ListValue
from dmvrequests.correspondence.wording import long_date, phrase, words

# Findings that explain a denial (a block) or a withheld category.
DENIAL_SEVERITIES = ("block",)


def _evaluation(case, decision):
    """(evaluation dict or {}, active profile)."""
    evaluation, profile = case_services.case_evaluate(case)
    if decision is not None and decision.evaluation:
        evaluation = decision.evaluation
    return evaluation or {}, profile


def _sentence(message):
    """An engine message as a sentence for the agency: without its "Deny: " verdict."""
    for verdict in ("Deny: ", "Review: "):
        if message.startswith(verdict):
            message = message[len(verdict) :]
    return message[:1].upper() + message[1:]


def _with_citation(text, citation):
    return f"{text} ({citation})" if citation else text


def denial_reasons(decision, evaluation, language):
    """Counsel's reason and rationale, then each blocking finding with its citation."""
    reasons = []
    if decision is not None:
        reason = words(decision.reason, language)
        reasons.append(f"{reason}: {decision.rationale}" if decision.rationale else reason)
    for finding in evaluation.get("findings", []):
        if finding["severity"] in DENIAL_SEVERITIES:
            text = (
                _sentence(finding["message"])
                if language == "en"
                else words(finding["code"], language)
            )
            reasons.append(_with_citation(text, finding.get("citation")))
    return reasons


# The engine's sentences that name the legal process the law asks for (engine.py).
NEEDED = (
    ("INSUFFICIENT_PROCESS", re.compile(r"do not include (?P<process>.+?)\.?$")),
    ("CATEGORY_REQUIRES_PROCESS", re.compile(r"released only with (?P<process>.+?), and none")),
)


def process_needed(evaluation, language):
    """What the law says would unlock the request: the process named by the findings
    that say so, each with its citation; '' when no finding names one."""
    needed: list[tuple[str, str]] = []
    for finding in evaluation.get("findings", []):
        for code, pattern in NEEDED:
            match = pattern.search(finding["message"]) if finding["code"] == code else None
            if match and match["process"] not in [n[0] for n in needed]:
                needed.append((match["process"], finding.get("citation")))
    if not needed or language != "en":
        return ""
    listed = "; or ".join(_with_citation(process, citation) for process, citation in needed)
    return f"What legal process would be needed: {listed}."


def withheld_with_reasons(asked, released, evaluation, language):
    """Each category asked and not released, with the finding that withheld it."""
    why = {}
    for finding in evaluation.get("findings", []):
        if finding.get("category") and finding["category"] not in why:
            text = (
                _sentence(finding["message"])
                if language == "en"
                else words(finding["code"], language)
            )
            why[finding["category"]] = _with_citation(text, finding.get("citation"))
    return [
        f"{words(c, language)}: {why.get(c, phrase('not_approved', language))}"
        for c in asked
        if c not in released
    ]


def _released(case, facts, kind):
    """The categories a letter says were released. A subject notice states only the
    releases the clerk recorded: it is due within days of receipt whatever the decision
    (the profile's notice rule), so it is never held back for a release, and it never
    states as released what counsel approved but nobody has released yet."""
    if facts["released"] or kind == "subject_notice":
        return facts["released"]
    decision = facts["decision"]
    if decision is not None and decision.outcome == "approved":
        return sorted(decision.categories_approved)
    return []


def _decision_words(decision, language):
    """Counsel's decision in words: "Approved in part" (reason approved_partial) where
    counsel withheld some categories, else the outcome ("Approved", "Denied")."""
    if decision is None:
        return phrase("pending", language)
    partial = decision.reason == "approved_partial"
    return words(decision.reason if partial else decision.outcome, language)


def _legal_aid(letterhead, language):
    lines = [line.strip() for line in (letterhead.legal_aid if letterhead else "").splitlines()]
    return ListValue(tuple(line for line in lines if line), phrase("no_legal_aid", language))


def placeholder_values(case, *, language, letterhead=None, facts=None, kind=None):
    """{placeholder: value} for `case` in `language` (see placeholders.PLACEHOLDERS), for a
    letter of `kind` (a LetterKind value; None for the release cover letter's reading)."""
    facts = facts or case_selectors.case_letter_facts(case)
    decision = facts["decision"]
    evaluation, profile = _evaluation(case, decision)
    released = _released(case, facts, kind)
    none_released = "none_released_yet" if kind == "subject_notice" else "none_released"
    asked = list(case.categories)
    notice = facts["notice"]
    return {
        "dmv_name": settings.DMV_NAME,
        "office": str(case.office),
        "date": long_date(timezone.localdate(), language),
        "case_number": case.number,
        "received_date": long_date(case.received_date, language),
        "decision_due": long_date(case.due_date, language) or phrase("no_deadline", language),
        "agency": str(case.agency),
        "requester": case.requester.name if case.requester else str(case.agency),
        "subject_name": case.subject_name,
        "categories_asked": ListValue(tuple(words(c, language) for c in asked)),
        "categories_released": ListValue(
            tuple(words(c, language) for c in released), phrase(none_released, language)
        ),
        "categories_withheld": ListValue(
            tuple(withheld_with_reasons(asked, released, evaluation, language)),
            phrase("none_withheld", language),
        ),
        "decision": _decision_words(decision, language),
        "reasons": ListValue(tuple(denial_reasons(decision, evaluation, language))),
        "process_needed": process_needed(evaluation, language),
        "question": facts["open_question"].question if facts["open_question"] else "",
        "profile_citation": profile.citation,
        "notice_rule": (notice.rule if notice else "") or profile.citation,
        "legal_aid": _legal_aid(letterhead, language),
    }
