"""The disclosure policy engine: the rulebook of docs/profiles.md turned into pure functions.

Plain data in, plain data out: no ORM, no clock (the received date is an input),
no settings. The same engine serves the case page, the "Try a request" page and
`manage.py policy_check`.

- `validate_request(raw)` checks a request object against docs/policy-check.md and
  returns it normalised (defaults filled in); it raises `PolicyInputError`.
- `validate_rules(rules)` checks a profile's structured rules (docs/profiles.md)
  and returns them normalised (issuer shorthands expanded to lists).
- `evaluate(request, rules, profile=slug)` runs the eleven steps of docs/profiles.md in
  order. It validates both of its inputs itself (validation is idempotent), so no
  caller can evaluate an unchecked request or a malformed profile.
- `decision_summary(result)` gives the decision in one sentence.

A finding is `{"code", "severity", "message", "citation"}`; a finding about one
record category also carries `"category"` so that the policy panel can give the
reason on that category's row.
"""

import re
from datetime import date

from dmvrequests.policy.calendar import add_business_days, add_calendar_days
from dmvrequests.vocabulary import (
    STATE_CODES,
    AgencyKind,
    Issuer,
    LegalProcessType,
    Purpose,
    RecordCategory,
)

# -- The vocabulary's values and groupings (docs/profiles.md, "Vocabulary") -----------------------------

# TextChoices.values builds a new list on every access: read each list once.
AGENCY_KINDS = tuple(AgencyKind.values)
PURPOSES = tuple(Purpose.values)
PROCESS_TYPES = tuple(LegalProcessType.values)
ISSUERS = tuple(Issuer.values)
CATEGORIES = tuple(RecordCategory.values)

JUDGE_SIGNED = (Issuer.ARTICLE_III_JUDGE, Issuer.MAGISTRATE_JUDGE, Issuer.STATE_JUDGE)
COURT_ISSUED = (*JUDGE_SIGNED, Issuer.COURT_CLERK)
ISSUER_GROUPS = {
    "any": ISSUERS,
    "judge_signed": tuple(JUDGE_SIGNED),
    "court_issued": tuple(COURT_ISSUED),
}
# A warrant or an order is judicial only when a judge signed it.
JUDGE_ONLY_TYPES = frozenset({LegalProcessType.JUDICIAL_WARRANT, LegalProcessType.COURT_ORDER})
NONJUDICIAL_TYPES = (
    LegalProcessType.ADMINISTRATIVE_SUBPOENA,
    LegalProcessType.ADMINISTRATIVE_WARRANT,
    LegalProcessType.DETAINER,
    LegalProcessType.NOTICE_TO_APPEAR,
)
# 18 U.S.C. 2725(4): highly restricted personal information.
HRPI = frozenset({RecordCategory.PHOTO, RecordCategory.SSN, RecordCategory.MEDICAL})
# 18 U.S.C. 2721(a)(2): HRPI only for uses (b)(4) court, (b)(6) insurance, (b)(9) employment.
HRPI_PURPOSES = frozenset(
    {Purpose.INSURANCE, Purpose.EMPLOYMENT_VERIFICATION, Purpose.COURT_PROCEEDING}
)

TRIGGERS = ("agency", "purpose")
BULK_OUTCOMES = ("review", "deny")
NOTICE_UNITS = ("calendar", "business")
SEVERITIES = ("block", "review", "withhold", "info")
DECISIONS = ("deny", "review", "eligible")
RESULT_FIELDS = (
    "profile",
    "decision",
    "immigration",
    "releasable",
    "withheld",
    "findings",
    "subject_notice",
)
FINDING_FIELDS = ("code", "severity", "message", "citation")
CITATION_KEYS = (
    "agency_blocked",
    "immigration",
    "immigration_barred",
    "never_release",
    "restricted",
    "hrpi",
    "permissible_use",
    "bulk",
    "emergency",
    "subject_notice",
)

REQUEST_FIELDS = frozenset(
    {"received", "agency", "purpose", "records", "legal_process", "bulk", "emergency"}
)
AGENCY_FIELDS = frozenset({"kind", "name", "blocked"})
DOCUMENT_FIELDS = frozenset({"type", "issuer", "court_state", "issued", "expires"})
RULES_FIELDS = frozenset(
    {
        "name",
        "citation",
        "immigration_trigger",
        "immigration_accepted",
        "immigration_review",
        "immigration_barred",
        "subject_notice",
        "never_release",
        "restricted",
        "bulk",
        "citations",
    }
)
PROCESS_FIELDS = frozenset({"type", "issuers", "court_state"})
RESTRICTED_FIELDS = frozenset({"category", "process"})
NOTICE_FIELDS = frozenset({"days", "unit"})

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CATEGORY_ORDER = {value: index for index, value in enumerate(CATEGORIES)}


class PolicyInputError(ValueError):
    """A request or a profile that the engine refuses; `.field` names the offending field."""

    def __init__(self, field, problem):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


# -- Validation helpers ---------------------------------------------------------------------------


def _path(parent, name):
    return f"{parent}.{name}" if parent else name


def _check_object(value, field, allowed, required=(), *, whole="request"):
    """`field` is "" for the top level, where `whole` names the object in a message."""
    if not isinstance(value, dict):
        raise PolicyInputError(field or whole, "must be a JSON object")
    for key in value:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise PolicyInputError(
                _path(field, str(key)), f"is not a known field (known fields: {known})"
            )
    for key in required:
        if key not in value:
            raise PolicyInputError(_path(field, key), "is required")


def _check_choice(value, field, choices, noun):
    if not isinstance(value, str) or value not in choices:
        raise PolicyInputError(field, f"{value!r} is not {noun}; use one of: {', '.join(choices)}")
    return value


def _check_bool(value, field):
    if not isinstance(value, bool):
        raise PolicyInputError(field, f"must be true or false, not {value!r}")
    return value


def _check_list(value, field, *, allow_empty=True):
    if not isinstance(value, list):
        raise PolicyInputError(field, "must be a JSON list")
    if not value and not allow_empty:
        raise PolicyInputError(field, "must list at least one value")
    return value


def _check_date(value, field):
    """A YYYY-MM-DD string naming a real day; returns it unchanged."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PolicyInputError(field, f"must be a date written YYYY-MM-DD, not {value!r}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PolicyInputError(field, f"{value!r} is not a real calendar date") from None
    return value


def _check_state(value, field):
    if not isinstance(value, str) or value.upper() not in STATE_CODES:
        raise PolicyInputError(
            field, f"{value!r} is not a two-letter US state or territory code such as MD"
        )
    return value.upper()


def _optional(check, value, field):
    """An optional field: null means not given; any other value must pass `check`."""
    return None if value is None else check(value, field)


def _check_categories(value, field, *, allow_empty=True):
    categories = []
    for index, category in enumerate(_check_list(value, field, allow_empty=allow_empty)):
        category = _check_choice(category, f"{field}[{index}]", CATEGORIES, "a record category")
        if category not in categories:
            categories.append(category)
    return categories


# -- Requests (docs/policy-check.md, "Request object") -------------------------------------------


def validate_request(raw):
    """Check a request object and return it normalised; raise PolicyInputError naming the field.

    Unknown keys are errors: a typo must not silently change a legal outcome. Optional
    fields get their defaults (issuer `none`, blocked/bulk/emergency false); `name`,
    `court_state`, `issued` and `expires` may be null, meaning not given. Records keep
    their order with duplicates dropped. The result validates to itself.
    """
    _check_object(raw, "", REQUEST_FIELDS, ("received", "agency", "purpose", "records"))
    documents = _check_list(raw.get("legal_process", []), "legal_process")
    return {
        "received": _check_date(raw["received"], "received"),
        "agency": _validate_agency(raw["agency"]),
        "purpose": _check_choice(raw["purpose"], "purpose", PURPOSES, "a purpose"),
        "records": _check_categories(raw["records"], "records", allow_empty=False),
        "legal_process": [
            _validate_document(document, f"legal_process[{index}]")
            for index, document in enumerate(documents)
        ],
        "bulk": _check_bool(raw.get("bulk", False), "bulk"),
        "emergency": _check_bool(raw.get("emergency", False), "emergency"),
    }


def _validate_agency(agency):
    _check_object(agency, "agency", AGENCY_FIELDS, ("kind",))
    name = agency.get("name")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise PolicyInputError("agency.name", "must be text")
    return {
        "kind": _check_choice(agency["kind"], "agency.kind", AGENCY_KINDS, "an agency kind"),
        "name": name.strip(),
        "blocked": _check_bool(agency.get("blocked", False), "agency.blocked"),
    }


def _validate_document(document, field):
    _check_object(document, field, DOCUMENT_FIELDS, ("type",))
    issuer = document.get("issuer", Issuer.NONE.value)
    return {
        "type": _check_choice(
            document["type"], f"{field}.type", PROCESS_TYPES, "a legal process type"
        ),
        "issuer": _check_choice(issuer, f"{field}.issuer", ISSUERS, "an issuer"),
        "court_state": _optional(_check_state, document.get("court_state"), f"{field}.court_state"),
        "issued": _optional(_check_date, document.get("issued"), f"{field}.issued"),
        "expires": _optional(_check_date, document.get("expires"), f"{field}.expires"),
    }


# -- Profile rules (docs/profiles.md, "Rules schema") ---------------------------------------------


def validate_rules(rules):
    """Check a profile's rules and return them normalised; raise PolicyInputError naming the key.

    Issuer shorthands (`any`, `judge_signed`, `court_issued`) come back as lists and
    list-valued keys left out come back empty, so the engine reads one shape only.
    """
    _check_object(rules, "", RULES_FIELDS, ("name", "citation", "bulk"), whole="rules")
    trigger = _validate_trigger(rules.get("immigration_trigger", []))
    normalised = {
        "name": _check_text(rules["name"], "name"),
        "citation": _check_text(rules["citation"], "citation"),
        "immigration_trigger": trigger,
        "immigration_accepted": _validate_process_list(
            rules.get("immigration_accepted", []), "immigration_accepted"
        ),
        "immigration_review": _validate_process_list(
            rules.get("immigration_review", []), "immigration_review"
        ),
        "immigration_barred": _check_categories(
            rules.get("immigration_barred", []), "immigration_barred"
        ),
        "subject_notice": _validate_notice(rules.get("subject_notice")),
        "never_release": _check_categories(rules.get("never_release", []), "never_release"),
        "restricted": _validate_restricted(rules.get("restricted", [])),
        "bulk": _check_choice(rules["bulk"], "bulk", BULK_OUTCOMES, "a bulk outcome"),
        "citations": _validate_citations(rules.get("citations", {})),
    }
    if not trigger:
        _check_no_immigration_rules(normalised)
    return normalised


def _check_text(value, field):
    if not isinstance(value, str) or not value.strip():
        raise PolicyInputError(field, "must be non-empty text")
    return value.strip()


def _validate_trigger(value):
    trigger = []
    for index, item in enumerate(_check_list(value, "immigration_trigger")):
        item = _check_choice(item, f"immigration_trigger[{index}]", TRIGGERS, "a trigger")
        if item not in trigger:
            trigger.append(item)
    return trigger


def _validate_process_list(value, field):
    return [
        _validate_process(entry, f"{field}[{index}]")
        for index, entry in enumerate(_check_list(value, field))
    ]


def _validate_process(entry, field):
    _check_object(entry, field, PROCESS_FIELDS, ("type", "issuers"))
    process_type = _check_choice(
        entry["type"], f"{field}.type", PROCESS_TYPES, "a legal process type"
    )
    issuers = _validate_issuers(entry["issuers"], f"{field}.issuers")
    if process_type in JUDGE_ONLY_TYPES and not set(issuers) <= set(JUDGE_SIGNED):
        # docs/profiles.md: a warrant or order not signed by a judge is not judicial, so it never matches.
        raise PolicyInputError(
            f"{field}.issuers",
            f"a {process_type} counts only when signed by a judge; "
            "use judge_signed or a list of article_iii_judge, magistrate_judge, state_judge",
        )
    return {
        "type": process_type,
        "issuers": issuers,
        "court_state": _optional(_check_state, entry.get("court_state"), f"{field}.court_state"),
    }


def _validate_issuers(value, field):
    if isinstance(value, str):
        if value not in ISSUER_GROUPS:
            groups = ", ".join(ISSUER_GROUPS)
            raise PolicyInputError(
                field, f"{value!r} is not a list of issuers nor one of: {groups}"
            )
        return list(ISSUER_GROUPS[value])
    issuers = []
    for index, issuer in enumerate(_check_list(value, field, allow_empty=False)):
        issuer = _check_choice(issuer, f"{field}[{index}]", ISSUERS, "an issuer")
        if issuer not in issuers:
            issuers.append(issuer)
    return issuers


def _validate_notice(value):
    if value is None:
        return None
    _check_object(value, "subject_notice", NOTICE_FIELDS, ("days", "unit"))
    days, unit = value["days"], value["unit"]
    if days is None and unit is None:
        return {"days": None, "unit": None}  # required, no fixed deadline
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise PolicyInputError(
            "subject_notice.days", "must be a whole number of days from 1 to 365 (or null)"
        )
    return {
        "days": days,
        "unit": _check_choice(unit, "subject_notice.unit", NOTICE_UNITS, "a unit"),
    }


def _validate_restricted(value):
    restricted, seen = [], set()
    for index, entry in enumerate(_check_list(value, "restricted")):
        field = f"restricted[{index}]"
        _check_object(entry, field, RESTRICTED_FIELDS, ("category", "process"))
        category = _check_choice(
            entry["category"], f"{field}.category", CATEGORIES, "a record category"
        )
        if category in seen:
            raise PolicyInputError(f"{field}.category", f"{category} is already restricted above")
        seen.add(category)
        process = _check_list(entry["process"], f"{field}.process", allow_empty=False)
        restricted.append(
            {"category": category, "process": _validate_process_list(process, f"{field}.process")}
        )
    return restricted


def _validate_citations(value):
    _check_object(value, "citations", frozenset(CITATION_KEYS))
    return {key: _check_text(text, f"citations.{key}") for key, text in value.items()}


def _check_no_immigration_rules(rules):
    # Without a trigger no request is an immigration request: these keys could never apply.
    for key in ("immigration_accepted", "immigration_review", "immigration_barred"):
        if rules[key]:
            raise PolicyInputError(key, "has no effect: immigration_trigger is empty")
    if rules["subject_notice"] is not None:
        raise PolicyInputError("subject_notice", "has no effect: immigration_trigger is empty")


# -- Words for messages ---------------------------------------------------------------------------

_TYPE_NOUNS = {
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
_ISSUER_WORDS = {
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


def _with_article(noun):
    if noun.startswith("written consent"):
        return "the " + noun
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _join(words, conjunction="and"):
    words = list(words)
    if len(words) <= 2:
        return f" {conjunction} ".join(words)
    return ", ".join(words[:-1]) + f", {conjunction} " + words[-1]


def category_words(category):
    """'place of birth', 'Social Security number': a category's label in mid-sentence."""
    label = RecordCategory(category).label
    return label if category in _PROPER_LABELS else label[0].lower() + label[1:]


def _issuer_clause(entry):
    """' signed by a judge', ' issued by a court in MD', '' (any issuer)."""
    issuers, state = set(entry["issuers"]), entry["court_state"]
    if issuers == set(ISSUERS):
        return f" from a court in {state}" if state else ""
    if issuers == set(COURT_ISSUED):
        return " issued by a court" + (f" in {state}" if state else "")
    if issuers == set(JUDGE_SIGNED):
        who = "a judge"
    else:
        who = _join((_ISSUER_WORDS[issuer] for issuer in entry["issuers"]), "or")
    return f" signed by {who}" + (f" of a court in {state}" if state else "")


def describe_process(entries):
    """Process entries in words: 'a judicial warrant or court order signed by an Article III judge'.

    Entries with the same issuers are merged so that the sentence stays short.
    """
    if not entries:
        return "any legal document that this profile accepts"
    groups = {}
    for entry in entries:
        key = (_issuer_clause(entry), entry["type"] == LegalProcessType.SUBJECT_CONSENT)
        groups.setdefault(key, []).append(_TYPE_NOUNS[entry["type"]])
    phrases = [
        _with_article(" or ".join(nouns)) + clause for (clause, _consent), nouns in groups.items()
    ]
    if len(phrases) == 2:
        # A comma keeps "X, or Y signed by a judge" from reading as one alternative.
        return ", or ".join(phrases)
    return _join(phrases, "or")


def _category_list(categories):
    return _join("the " + category_words(c) for c in categories)


def _sorted_categories(categories):
    return sorted(categories, key=_CATEGORY_ORDER.__getitem__)


# -- Evaluation -----------------------------------------------------------------------------------


def evaluate(request, rules, *, profile):
    """Run the eleven steps of docs/profiles.md on a request under a profile's rules.

    `request` and `rules` are validated here (PolicyInputError on a bad value), so an
    already-validated request is accepted as well as a raw one. `profile` is the
    profile's slug, echoed in the result.
    """
    return _Evaluation(validate_request(request), validate_rules(rules), profile).run()


class _Evaluation:
    """One evaluation: the request, the rules, and the findings gathered step by step."""

    def __init__(self, request, rules, profile):
        self.request = request
        self.rules = rules
        self.profile = profile
        self.received = date.fromisoformat(request["received"])
        self.asked = request["records"]
        self.findings = []
        self.withheld = set()
        self.immigration = False
        self.documents = []  # the legal documents that count, after the checks of note_documents

    def run(self):
        self.check_blocked()  # step 2
        self.check_immigration()  # step 3
        self.note_documents()
        self.withhold_categories()  # step 4
        self.check_permissible_use()  # step 5
        self.check_bulk()  # step 6
        self.check_legal_process()  # step 7
        self.check_emergency()  # step 8
        self.check_something_left()  # step 9
        notice = self.subject_notice()  # step 11
        return self.result(notice)  # step 10

    # Findings.

    def add(self, code, severity, message, citation_key=None, category=None):
        citations = self.rules["citations"]
        finding = {
            "code": code,
            "severity": severity,
            "message": message,
            "citation": citations.get(citation_key) or self.rules["citation"],
        }
        if category is not None:
            finding["category"] = category
        self.findings.append(finding)

    def withhold(self, category, code, message, citation_key):
        self.withheld.add(category)
        self.add(code, "withhold", message, citation_key, category)

    # Documents.

    def note_documents(self):
        """Keep the documents that count; say why any other does not (docs/profiles.md, Issuers)."""
        for number, document in enumerate(self.request["legal_process"], start=1):
            counts = True
            noun = _TYPE_NOUNS[document["type"]]
            if document["type"] in JUDGE_ONLY_TYPES and document["issuer"] not in JUDGE_SIGNED:
                counts = False
                self.add(
                    "NOT_SIGNED_BY_JUDGE",
                    "info",
                    f"Document {number}, {_with_article(noun)}, is signed by "
                    f"{_ISSUER_WORDS[document['issuer']]}, not by a judge of a court, "
                    "so it does not count as judicial process.",
                )
            expires = document["expires"]
            if expires and date.fromisoformat(expires) < self.received:
                counts = False
                self.add(
                    "PROCESS_EXPIRED",
                    "info",
                    f"Document {number}, {_with_article(noun)}, expired on {expires}, before "
                    "the request was received, so it is ignored.",
                )
            if counts:
                self.documents.append(document)

    def has_document(self, entries):
        return any(_matches(document, entry) for document in self.documents for entry in entries)

    def has_consent(self):
        return any(d["type"] == LegalProcessType.SUBJECT_CONSENT for d in self.documents)

    # Step 2.

    def check_blocked(self):
        if self.request["agency"]["blocked"]:
            who = self.request["agency"]["name"] or "This agency"
            self.add(
                "AGENCY_BLOCKED",
                "block",
                f"Deny: {who} is blocked in the agency directory; nothing is released to it.",
                "agency_blocked",
            )

    # Step 3.

    def check_immigration(self):
        trigger = self.rules["immigration_trigger"]
        reasons = []
        if "agency" in trigger and self.request["agency"]["kind"] == AgencyKind.IMMIGRATION:
            reasons.append("the agency enforces immigration law")
        if (
            "purpose" in trigger
            and self.request["purpose"] == Purpose.CIVIL_IMMIGRATION_ENFORCEMENT
        ):
            reasons.append("the purpose is civil immigration enforcement")
        self.immigration = bool(reasons)
        if self.immigration:
            self.add(
                "IMMIGRATION_REQUEST",
                "info",
                f"This is an immigration request because {_join(reasons)}; the "
                f"{self.rules['name']} rules for immigration requests apply.",
                "immigration",
            )

    # Step 4.

    def withhold_categories(self):
        for category in _sorted_categories(self.asked):
            self.withhold_never_released(category)
            self.withhold_barred(category)
            self.withhold_restricted(category)
            self.withhold_hrpi(category)

    def withhold_never_released(self, category):
        if category in self.rules["never_release"]:
            self.withhold(
                category,
                "CATEGORY_NEVER_RELEASED",
                f"Withhold the {category_words(category)}: the {self.rules['name']} profile "
                "never releases it to an outside requester.",
                "never_release",
            )

    def withhold_barred(self, category):
        if self.immigration and category in self.rules["immigration_barred"]:
            self.withhold(
                category,
                "CATEGORY_BARRED_FOR_IMMIGRATION",
                f"Withhold the {category_words(category)}: it is never released for an "
                "immigration request, whatever legal document is offered.",
                "immigration_barred",
            )

    def withhold_restricted(self, category):
        for entry in self.rules["restricted"]:
            if entry["category"] == category and not self.has_document(entry["process"]):
                self.withhold(
                    category,
                    "CATEGORY_REQUIRES_PROCESS",
                    f"Withhold the {category_words(category)}: it is released only with "
                    f"{describe_process(entry['process'])}, and none was offered.",
                    "restricted",
                )

    def withhold_hrpi(self, category):
        # 18 U.S.C. 2721(a)(2): HRPI needs express consent, except for uses (b)(1), (b)(4),
        # (b)(6) and (b)(9); (b)(1), government use, is every requester but a private one.
        if (
            category in HRPI
            and self.request["agency"]["kind"] == AgencyKind.PRIVATE
            and self.request["purpose"] not in HRPI_PURPOSES
            and not self.has_consent()
        ):
            self.withhold(
                category,
                "HRPI_CONSENT_REQUIRED",
                f"Withhold the {category_words(category)}: it is highly restricted personal "
                "information, released to a private requester only with the subject's written "
                "consent, or for insurance, employment verification or a court proceeding.",
                "hrpi",
            )

    # Step 5.

    def check_permissible_use(self):
        # 18 U.S.C. 2721(b): a private requester needs a permissible use or the subject's consent.
        if (
            self.request["agency"]["kind"] == AgencyKind.PRIVATE
            and self.request["purpose"] == Purpose.OTHER
            and not self.has_consent()
        ):
            self.add(
                "NO_PERMISSIBLE_USE",
                "block",
                "Deny: a private requester must state a use that the law permits or bring the "
                'subject\'s written consent; "other" is not a permitted use.',
                "permissible_use",
            )

    # Step 6.

    def check_bulk(self):
        if not self.request["bulk"]:
            return
        if self.immigration:
            self.add(
                "BULK_IMMIGRATION",
                "block",
                "Deny: a list of people or vehicles selected by criteria is never released for "
                "an immigration request.",
                "immigration",
            )
        elif self.rules["bulk"] == "deny":
            self.add(
                "BULK_REQUEST",
                "block",
                f"Deny: the {self.rules['name']} profile does not release lists selected by "
                "criteria; the requester must name a person or a vehicle.",
                "bulk",
            )
        else:
            self.add(
                "BULK_REQUEST",
                "review",
                "Review: the request asks for a list selected by criteria rather than a named "
                "person or vehicle; counsel decides whether the law permits it.",
                "bulk",
            )

    # Step 7.

    def check_legal_process(self):
        if not self.immigration:
            return
        accepted = self.rules["immigration_accepted"]
        if self.has_document(accepted):
            return
        review = self.rules["immigration_review"]
        if self.has_document(review):
            self.add(
                "JUDGE_REVIEW",
                "review",
                f"Review: the request comes with {describe_process(review)}; counsel decides "
                f"whether it is enough, as only {describe_process(accepted)} is accepted "
                "without review.",
                "immigration",
            )
            return
        self.add(
            "INSUFFICIENT_PROCESS",
            "block",
            f"Deny: the documents offered do not include {describe_process(accepted)}.",
            "immigration",
        )
        self.note_nonjudicial()

    def note_nonjudicial(self):
        offered = [d["type"] for d in self.request["legal_process"]]
        nonjudicial = [t for t in NONJUDICIAL_TYPES if t in offered]
        if nonjudicial:
            documents = _join((_with_article(_TYPE_NOUNS[t]) for t in nonjudicial), "and")
            self.add(
                "NONJUDICIAL_PROCESS",
                "block",
                f"Deny: {documents} {'is' if len(nonjudicial) == 1 else 'are'} issued by an "
                "agency's own officers, not by a judge, and cannot unlock an immigration request.",
                "immigration",
            )

    # Step 8.

    def check_emergency(self):
        request = self.request
        if not (request["emergency"] or request["purpose"] == Purpose.EMERGENCY):
            return
        if self.immigration:
            self.add(
                "EMERGENCY_CLAIM",
                "info",
                "The request claims an emergency, but an emergency never unlocks an immigration "
                "request; the rules for legal documents apply as usual.",
                "immigration",
            )
        else:
            self.add(
                "EMERGENCY_CLAIM",
                "review",
                "Review: the request claims an emergency; counsel confirms the emergency and the "
                "requester before anything is released.",
                "emergency",
            )

    # Step 9.

    def check_something_left(self):
        if set(self.asked) <= self.withheld:
            self.add(
                "NOTHING_RELEASABLE",
                "block",
                "Deny: every category asked for is withheld, so nothing can be released.",
            )

    # Step 11.

    def subject_notice(self):
        notice = self.rules["subject_notice"]
        if not (self.immigration and notice):
            return None
        days, unit = notice["days"], notice["unit"]
        if days is None:
            due = None
            message = (
                "Notify the subject of this request, whatever the decision; the profile sets no "
                "fixed deadline."
            )
        else:
            add_days = add_business_days if unit == "business" else add_calendar_days
            due = add_days(self.received, days).isoformat()
            message = (
                f"Notify the subject of this request by {due} ({days} {unit} days after it was "
                "received), whatever the decision."
            )
        self.add("SUBJECT_NOTICE_REQUIRED", "info", message, "subject_notice")
        return {"required": True, "due": due, "days": days, "unit": unit}

    # Step 10.

    def decision(self):
        severities = {finding["severity"] for finding in self.findings}
        if "block" in severities:
            return "deny"
        return "review" if "review" in severities else "eligible"

    def result(self, notice):
        decision = self.decision()
        releasable = [] if decision == "deny" else sorted(set(self.asked) - self.withheld)
        return {
            "profile": self.profile,
            "decision": decision,
            "immigration": self.immigration,
            "releasable": releasable,
            "withheld": sorted(set(self.asked) - set(releasable)),
            "findings": self.findings,
            "subject_notice": notice,
        }


def _matches(document, entry):
    return (
        document["type"] == entry["type"]
        and document["issuer"] in entry["issuers"]
        and (entry["court_state"] is None or document["court_state"] == entry["court_state"])
    )


def decision_summary(result):
    """The decision in one sentence, for the policy panel."""
    decision = result["decision"]
    if decision in ("deny", "review"):
        severity = "block" if decision == "deny" else "review"
        for finding in result["findings"]:
            if finding["severity"] == severity:
                return finding["message"]
        return f"{decision.capitalize()}."
    releasable = _sorted_categories(result["releasable"])
    sentence = f"Eligible: counsel may approve releasing {_category_list(releasable)}."
    withheld = _sorted_categories(result["withheld"])
    if withheld:
        verb = "is" if len(withheld) == 1 else "are"
        words = _category_list(withheld)
        sentence += f" {words[0].upper()}{words[1:]} {verb} withheld."
    return sentence


def public_result(result):
    """The result with exactly the fields of docs/policy-check.md (no per-category keys)."""
    public = {field: result[field] for field in RESULT_FIELDS}
    public["findings"] = [
        {field: finding[field] for field in FINDING_FIELDS} for finding in result["findings"]
    ]
    return public
