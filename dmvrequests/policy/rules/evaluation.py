"""Evaluation: the eleven steps of docs/profiles.md, run on a request under a profile's rules.

`evaluate(request, rules, profile=slug)` validates both inputs itself (validation is
idempotent), so no caller can evaluate an unchecked request or a malformed profile.
`public_result(result)` keeps exactly the fields of docs/policy-check.md.
"""

from datetime import date

from dmvrequests.policy.calendar import add_business_days, add_calendar_days
from dmvrequests.policy.rules.schema import (
    FINDING_FIELDS,
    HRPI,
    HRPI_PURPOSES,
    JUDGE_ONLY_TYPES,
    JUDGE_SIGNED,
    NONJUDICIAL_TYPES,
    RESULT_FIELDS,
)
from dmvrequests.policy.rules.validation import validate_request, validate_rules
from dmvrequests.policy.rules.wording import (
    ISSUER_WORDS,
    TYPE_NOUNS,
    category_words,
    describe_process,
    join,
    sorted_categories,
    with_article,
)
from dmvrequests.vocabulary import AgencyKind, LegalProcessType, Purpose


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
            noun = TYPE_NOUNS[document["type"]]
            if document["type"] in JUDGE_ONLY_TYPES and document["issuer"] not in JUDGE_SIGNED:
                counts = False
                self.add(
                    "NOT_SIGNED_BY_JUDGE",
                    "info",
                    f"Document {number}, {with_article(noun)}, is signed by "
                    f"{ISSUER_WORDS[document['issuer']]}, not by a judge of a court, "
                    "so it does not count as judicial process.",
                )
            expires = document["expires"]
            if expires and date.fromisoformat(expires) < self.received:
                counts = False
                self.add(
                    "PROCESS_EXPIRED",
                    "info",
                    f"Document {number}, {with_article(noun)}, expired on {expires}, before "
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
                f"This is an immigration request because {join(reasons)}; the "
                f"{self.rules['name']} rules for immigration requests apply.",
                "immigration",
            )

    # Step 4.

    def withhold_categories(self):
        for category in sorted_categories(self.asked):
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
            documents = join((with_article(TYPE_NOUNS[t]) for t in nonjudicial), "and")
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


def public_result(result):
    """The result with exactly the fields of docs/policy-check.md (no per-category keys)."""
    public = {field: result[field] for field in RESULT_FIELDS}
    public["findings"] = [
        {field: finding[field] for field in FINDING_FIELDS} for finding in result["findings"]
    ]
    return public
