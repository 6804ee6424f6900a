"""Plain words for every code (docs/profiles.md, "Vocabulary"), used verbatim everywhere.

The codes themselves live in `dmvrequests.codes` (pure Python, re-exported here); this
module adds `label()`, the one way from a code to its words. Apps register their own
code classes (statuses, audit kinds, roles) with `register()` from their
`AppConfig.ready()`, so that this module imports none of the apps and any app may use it.
"""

import functools
import re

from dmvrequests.codes import (  # noqa: F401 - re-exported: one import for every code
    CATEGORY_HELP,
    STATE_CODES,
    STATE_NAMES,
    AgencyKind,
    Codes,
    Confidence,
    Issuer,
    LegalProcessType,
    Purpose,
    RecordCategory,
    state_words,
)

# -- Plain words for every code ------------------------------------------------------------------
#
# Codes are for machines (the database, the engine, exports); people read labels.
# label() is the one way from a code to its words: templates use it as the `label`
# filter, the admin and letters call it. The engine's own codes are listed here,
# with the rest of the vocabulary, so that the engine stays free of presentation.

FINDING_LABELS = {
    "AGENCY_BLOCKED": "Agency blocked",
    "BULK_IMMIGRATION": "Bulk immigration request",
    "BULK_REQUEST": "Bulk request",
    "CATEGORY_BARRED_FOR_IMMIGRATION": "Category barred for immigration enforcement",
    "CATEGORY_NEVER_RELEASED": "Category never released",
    "CATEGORY_REQUIRES_PROCESS": "Category needs legal process",
    "EMERGENCY_CLAIM": "Emergency claimed",
    "HRPI_CONSENT_REQUIRED": "Highly restricted information needs consent",
    "IMMIGRATION_REQUEST": "Immigration request",
    "INSUFFICIENT_PROCESS": "Legal process not sufficient",
    "JUDGE_REVIEW": "Judge's signature to check",
    "NONJUDICIAL_PROCESS": "Not signed by a judge (administrative document)",
    "NOTHING_RELEASABLE": "Nothing can be released",
    "NOT_SIGNED_BY_JUDGE": "Not signed by a judge",
    "NO_PERMISSIBLE_USE": "No permissible use",
    "PROCESS_EXPIRED": "Legal process expired",
    "SUBJECT_NOTICE_REQUIRED": "The subject must be told",
}
# The engine's recommendation (not counsel's decision).
ENGINE_DECISION_LABELS = {
    "deny": "Deny",
    "review": "Counsel's review needed",
    "eligible": "Eligible",
}
SEVERITY_LABELS = {
    "block": "Blocks release",
    "review": "Needs counsel's judgement",
    "withhold": "Withholds a category",
    "info": "Note",
}
# "cases.legaldocument 41": an audit record's object type and id.
_OBJECT_TYPE = re.compile(r"^([a-z_]+)\.([a-z_]+)(?: #?(\d+))?$")


def _choices(enum):
    return {str(value): str(text) for value, text in enum.choices}


# Name -> code class, registered by the apps (AppConfig.ready), in INSTALLED_APPS order.
_REGISTERED: dict[str, type] = {}


def register(**vocabularies):
    """Name the code classes of an app: `register(status=Status, channel=Channel)`.
    Called from `AppConfig.ready()`; a name registered twice must name the same class.

    Raises ValueError for a name already taken by another class."""
    for name, codes in vocabularies.items():
        if _REGISTERED.setdefault(name, codes) is not codes:
            raise ValueError(f"The vocabulary {name!r} is already registered")
    _vocabularies.cache_clear()
    _every_code.cache_clear()


@functools.cache
def _vocabularies():
    """Name -> {code: label}: the policy vocabulary's codes first, then every app's
    (registered when the apps are ready), then the engine's own words."""
    return {
        "agency_kind": _choices(AgencyKind),
        "purpose": _choices(Purpose),
        "legal_process": _choices(LegalProcessType),
        "issuer": _choices(Issuer),
        "category": _choices(RecordCategory),
        **{name: _choices(codes) for name, codes in _REGISTERED.items()},
        "confidence": _choices(Confidence),
        "finding": FINDING_LABELS,
        "engine_decision": ENGINE_DECISION_LABELS,
        "severity": SEVERITY_LABELS,
    }


@functools.cache
def _every_code():
    """Every code of every vocabulary, and of every model field with choices, in one
    table: the named vocabularies first (a code in two of them takes the first's label)."""
    from django.apps import apps

    table: dict[str, str] = {}
    for labels in _vocabularies().values():
        for code, text in labels.items():
            table.setdefault(code, text)
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            for code, text in getattr(model_field, "flatchoices", None) or ():
                if isinstance(code, str) and code:
                    table.setdefault(code, str(text))
    return table


def vocabulary_names():
    return tuple(_vocabularies())


def known_codes():
    """Every code a label exists for (the raw-code test looks for these on every page)."""
    return frozenset(_every_code())


def _object_label(match):
    from django.apps import apps
    from django.utils.text import capfirst

    try:
        model = apps.get_model(match[1], match[2])
    except LookupError:
        return None
    words = capfirst(str(model._meta.verbose_name))
    return f"{words} #{match[3]}" if match[3] else words


def _spelled_out(code):
    """The last resort for a code no table knows: "some_code" -> "Some code"."""
    words = code.replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:]


# The sections of the site by URL namespace, for a page no table names in words (an audit
# record of a refused page names its URL name: "outbound:queue" -> "Staff email: queue").
URL_NAMESPACES = {
    "accounts": "Accounts",
    "admin": "Administration",
    "audit": "Audit",
    "cases": "Cases",
    "correspondence": "Letters",
    "intake": "Email intake",
    "network": "Network queries",
    "notifications": "Notifications",
    "outbound": "Staff email",
    "policy": "Policy",
    "portal": "Agency portal",
    "portal_api": "Agency portal, API access",
    "reports": "Reports",
}
_URL_NAME = re.compile(r"([a-z_]+):([a-z_]+)")


def _url_name_words(code):
    match = _URL_NAME.fullmatch(code)
    if match is None or match.group(1) not in URL_NAMESPACES:
        return None
    section, page = URL_NAMESPACES[match.group(1)], match.group(2)
    if page == "index":
        return f"{section}, first page"
    return f"{section}: {page.replace('_', ' ')}"


def label(code, vocabulary=None):
    """The words for a code: label("approved_full") -> "Approved: everything asked",
    label("review", "engine_decision"), label("cases.legaldocument 41") ->
    "Legal document #41". A list gives its labels joined with commas. Never the code
    itself: an unknown code is spelled out in words."""
    if code is None or code == "":
        return ""
    if isinstance(code, (list, tuple)):
        return ", ".join(label(c, vocabulary) for c in code)
    code = str(code)
    if vocabulary is not None:
        if vocabulary not in _vocabularies():
            raise KeyError(f"No vocabulary named {vocabulary!r}")
        found = _vocabularies()[vocabulary].get(code)
        if found is not None:
            return found
    found = _every_code().get(code)
    if found is not None:
        return found
    match = _OBJECT_TYPE.match(code)
    if match and (words := _object_label(match)):
        return words
    if words := _url_name_words(code):
        return words
    if re.fullmatch(r"[A-Za-z]+(_[A-Za-z]+)+", code):
        return _spelled_out(code)
    return code
