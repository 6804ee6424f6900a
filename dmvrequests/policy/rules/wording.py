"""Words for the engine's messages: documents, issuers and categories in plain sentences.

`describe_process` and `category_words` phrase parts of a finding; `decision_summary`
gives a whole result's decision in one sentence, for the policy panel.
"""

from collections.abc import Iterable
from datetime import date

from dmvrequests.codes import Issuer, LegalProcessType, RecordCategory
from dmvrequests.policy.rules.schema import (
    CATEGORIES,
    COURT_ISSUED,
    ISSUERS,
    JUDGE_SIGNED,
    EngineDecision,
    ProcessEntry,
    Result,
    Severity,
)

_CATEGORY_ORDER = {value: index for index, value in enumerate(CATEGORIES)}


TYPE_NOUNS: dict[str, str] = {
    LegalProcessType.JUDICIAL_WARRANT: "judicial warrant",
    LegalProcessType.COURT_ORDER: "court order",
    LegalProcessType.JUDICIAL_SUBPOENA: "judicial subpoena",
    LegalProcessType.GRAND_JURY_SUBPOENA: "grand jury subpoena",
    LegalProcessType.TRIAL_SUBPOENA: "trial subpoena",
    LegalProcessType.ADMINISTRATIVE_SUBPOENA: "administrative subpoena",
    LegalProcessType.ADMINISTRATIVE_WARRANT: "administrative warrant (ICE I-200 or I-205)",
    LegalProcessType.DETAINER: "detainer (ICE I-247A)",
    LegalProcessType.NOTICE_TO_APPEAR: "notice to appear (I-862)",
    LegalProcessType.SUBJECT_CONSENT: "written consent of the subject",
    LegalProcessType.NONE: "letter, email or call with no legal document",
}
ISSUER_WORDS: dict[str, str] = {
    Issuer.ARTICLE_III_JUDGE: "an Article III judge",
    Issuer.MAGISTRATE_JUDGE: "a US magistrate judge",
    Issuer.STATE_JUDGE: "a state judge",
    Issuer.COURT_CLERK: "a clerk of court",
    Issuer.IMMIGRATION_JUDGE: "an immigration judge",
    Issuer.IMMIGRATION_OFFICER: "an immigration officer",
    Issuer.OTHER_OFFICER: "an officer",
    Issuer.NONE: "no one",
}
# Labels that start with a proper noun keep their capital in mid-sentence.
_PROPER_LABELS = frozenset({RecordCategory.SSN})


def with_article(noun: str) -> str:
    if noun.startswith("written consent"):
        return "the " + noun
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def join(words: Iterable[str], conjunction: str = "and") -> str:
    words = list(words)
    if len(words) <= 2:
        return f" {conjunction} ".join(words)
    return ", ".join(words[:-1]) + f", {conjunction} " + words[-1]


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_words(day: date | str) -> str:
    """A date as the pages write it: date(2026, 2, 27) or "2026-02-27" -> "Feb 27, 2026"
    (Django's "M j, Y", without depending on Django or the locale)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def category_words(category: str) -> str:
    """'place of birth', 'Social Security number': a category's label in mid-sentence."""
    label = RecordCategory(category).label
    return label if category in _PROPER_LABELS else label[0].lower() + label[1:]


def _issuer_clause(entry: ProcessEntry) -> str:
    """' signed by a judge', ' issued by a court in MD', '' (any issuer)."""
    issuers, state = set(entry["issuers"]), entry["court_state"]
    if issuers == set(ISSUERS):
        return f" from a court in {state}" if state else ""
    if issuers == set(COURT_ISSUED):
        return " issued by a court" + (f" in {state}" if state else "")
    if issuers == set(JUDGE_SIGNED):
        who = "a judge"
    else:
        who = join((ISSUER_WORDS[issuer] for issuer in entry["issuers"]), "or")
    return f" signed by {who}" + (f" of a court in {state}" if state else "")


def describe_process(entries: list[ProcessEntry]) -> str:
    """Process entries in words: 'a judicial warrant or court order signed by an Article III judge'.

    Entries with the same issuers are merged so that the sentence stays short.
    """
    if not entries:
        return "any legal document that this profile accepts"
    groups: dict[tuple[str, bool], list[str]] = {}
    for entry in entries:
        key = (_issuer_clause(entry), entry["type"] == LegalProcessType.SUBJECT_CONSENT)
        groups.setdefault(key, []).append(TYPE_NOUNS[entry["type"]])
    phrases = [
        with_article(" or ".join(nouns)) + clause for (clause, _consent), nouns in groups.items()
    ]
    if len(phrases) == 2:
        # A comma keeps "X, or Y signed by a judge" from reading as one alternative.
        return ", or ".join(phrases)
    return join(phrases, "or")


def _category_list(categories: list[str]) -> str:
    return join("the " + category_words(c) for c in categories)


def sorted_categories(categories: Iterable[str]) -> list[str]:
    return sorted(categories, key=_CATEGORY_ORDER.__getitem__)


def decision_summary(result: Result) -> str:
    """The decision in one sentence, for the policy panel."""
    decision = result["decision"]
    if decision in (EngineDecision.DENY, EngineDecision.REVIEW):
        severity = Severity.BLOCK if decision == EngineDecision.DENY else Severity.REVIEW
        for finding in result["findings"]:
            if finding["severity"] == severity:
                return finding["message"]
        return f"{decision.capitalize()}."
    releasable = sorted_categories(result["releasable"])
    sentence = f"Eligible: counsel may approve releasing {_category_list(releasable)}."
    withheld = sorted_categories(result["withheld"])
    if withheld:
        verb = "is" if len(withheld) == 1 else "are"
        words = _category_list(withheld)
        sentence += f" {words[0].upper()}{words[1:]} {verb} withheld."
    return sentence
