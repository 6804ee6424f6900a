"""Evaluation: the eleven steps of docs/profiles.md, run on a request under a profile's rules.

`evaluate(request, rules, profile=slug)` validates both inputs itself (validation is
idempotent), so no caller can evaluate an unchecked request or a malformed profile.
`public_result(result)` keeps exactly the fields of docs/policy-check.md.
"""

from datetime import date
from typing import Any

from dmvrequests.codes import AgencyKind, LegalProcessType, Purpose
from dmvrequests.policy.calendar import add_business_days, add_calendar_days
from dmvrequests.policy.rules.schema import (
    FINDING_FIELDS,
    HRPI,
    HRPI_PURPOSES,
    JUDGE_ONLY_TYPES,
    JUDGE_SIGNED,
    NONJUDICIAL_TYPES,
    RESULT_FIELDS,
    BulkOutcome,
    Document,
    EngineDecision,
    Finding,
    NoticeUnit,
    ProcessEntry,
    Request,
    Result,
    Rules,
    Severity,
    SubjectNotice,
    Trigger,
)
from dmvrequests.policy.rules.validation import validate_request, validate_rules
from dmvrequests.policy.rules.wording import (
    ISSUER_WORDS,
    TYPE_NOUNS,
    category_words,
    date_words,
    describe_process,
    join,
    sorted_categories,
    with_article,
)


def evaluate(request: object, rules: object, *, profile: str) -> Result:
    """Run the eleven steps of docs/profiles.md on a request under a profile's rules.

    `request` and `rules` are validated here (PolicyInputError on a bad value), so an
    already-validated request is accepted as well as a raw one. `profile` is the
    profile's slug, echoed in the result.
    """
    return _Evaluation(validate_request(request), validate_rules(rules), profile).run()


class _Evaluation:
    """One evaluation: the request, the rules, and the findings gathered step by step."""

    def __init__(self, request: Request, rules: Rules, profile: str) -> None:
        self.request = request
        self.rules = rules
        self.profile = profile
        self.received = date.fromisoformat(request["received"])
        self.asked = request["records"]
        self.findings: list[Finding] = []
        self.withheld: set[str] = set()
        self.immigration = False
        self.documents: list[
            Document
        ] = []  # the legal documents that count, after the checks of note_documents

    def run(self) -> Result:
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

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        citation_key: str | None = None,
        category: str | None = None,
    ) -> None:
        citations = self.rules["citations"]
        finding: Finding = {
            "code": code,
            "severity": severity,
            "message": message,
            "citation": (citation_key and citations.get(citation_key)) or self.rules["citation"],
        }
        if category is not None:
            finding["category"] = category
        self.findings.append(finding)

    def withhold(self, category: str, code: str, message: str, citation_key: str) -> None:
        self.withheld.add(category)
        self.add(code, Severity.WITHHOLD, message, citation_key, category)

    # Documents.

    def note_documents(self) -> None:
        """Keep the documents that count; say why any other does not (docs/profiles.md, Issuers)."""
        for number, document in enumerate(self.request["legal_process"], start=1):
            counts = True
            noun = TYPE_NOUNS[document["type"]]
            if document["type"] in JUDGE_ONLY_TYPES and document["issuer"] not in JUDGE_SIGNED:
                counts = False
                self.add(
                    "NOT_SIGNED_BY_JUDGE",
                    Severity.INFO,
                    f"Document {number}, {with_article(noun)}, is signed by "
                    f"{ISSUER_WORDS[document['issuer']]}, not by a judge of a court, "
                    "so it does not count as judicial process.",
                )
            expires = document["expires"]
            if expires and date.fromisoformat(expires) < self.received:
                counts = False
                self.add(
                    "PROCESS_EXPIRED",
                    Severity.INFO,
                    f"Document {number}, {with_article(noun)}, expired on {date_words(expires)}, before "
                    "the request was received, so it is ignored.",
                )
            if counts:
                self.documents.append(document)

    def has_document(self, entries: list[ProcessEntry]) -> bool:
        return any(_matches(document, entry) for document in self.documents for entry in entries)

    def has_consent(self) -> bool:
        return any(d["type"] == LegalProcessType.SUBJECT_CONSENT for d in self.documents)

    # Step 2.

    def check_blocked(self) -> None:
        if self.request["agency"]["blocked"]:
            who = self.request["agency"]["name"] or "This agency"
            self.add(
                "AGENCY_BLOCKED",
                Severity.BLOCK,
                f"Deny: {who} is blocked in the agency directory; nothing is released to it.",
                "agency_blocked",
            )

    # Step 3.

    def check_immigration(self) -> None:
        trigger = self.rules["immigration_trigger"]
        reasons = []
        if Trigger.AGENCY in trigger and self.request["agency"]["kind"] == AgencyKind.IMMIGRATION:
            reasons.append("the agency enforces immigration law")
        if (
            Trigger.PURPOSE in trigger
            and self.request["purpose"] == Purpose.CIVIL_IMMIGRATION_ENFORCEMENT
        ):
            reasons.append("the purpose is civil immigration enforcement")
        self.immigration = bool(reasons)
        if self.immigration:
            self.add(
                "IMMIGRATION_REQUEST",
                Severity.INFO,
                f"This is an immigration request because {join(reasons)}; the "
                f"{self.rules['name']} rules for immigration requests apply.",
                "immigration",
            )

    # Step 4.

    def withhold_categories(self) -> None:
        for category in sorted_categories(self.asked):
            self.withhold_never_released(category)
            self.withhold_barred(category)
            self.withhold_restricted(category)
            self.withhold_hrpi(category)

    def withhold_never_released(self, category: str) -> None:
        if category in self.rules["never_release"]:
            self.withhold(
                category,
                "CATEGORY_NEVER_RELEASED",
                f"Withhold the {category_words(category)}: the {self.rules['name']} profile "
                "never releases it to an outside requester.",
                "never_release",
            )

    def withhold_barred(self, category: str) -> None:
        if self.immigration and category in self.rules["immigration_barred"]:
            self.withhold(
                category,
                "CATEGORY_BARRED_FOR_IMMIGRATION",
                f"Withhold the {category_words(category)}: it is never released for an "
                "immigration request, whatever legal document is offered.",
                "immigration_barred",
            )

    def withhold_restricted(self, category: str) -> None:
        for entry in self.rules["restricted"]:
            if entry["category"] == category and not self.has_document(entry["process"]):
                self.withhold(
                    category,
                    "CATEGORY_REQUIRES_PROCESS",
                    f"Withhold the {category_words(category)}: it is released only with "
                    f"{describe_process(entry['process'])}, and none was offered.",
                    "restricted",
                )

    def withhold_hrpi(self, category: str) -> None:
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

    def check_permissible_use(self) -> None:
        # 18 U.S.C. 2721(b): a private requester needs a permissible use or the subject's consent.
        if (
            self.request["agency"]["kind"] == AgencyKind.PRIVATE
            and self.request["purpose"] == Purpose.OTHER
            and not self.has_consent()
        ):
            self.add(
                "NO_PERMISSIBLE_USE",
                Severity.BLOCK,
                "Deny: a private requester must state a use that the law permits or bring the "
                'subject\'s written consent; "other" is not a permitted use.',
                "permissible_use",
            )

    # Step 6.

    def check_bulk(self) -> None:
        if not self.request["bulk"]:
            return
        if self.immigration:
            self.add(
                "BULK_IMMIGRATION",
                Severity.BLOCK,
                "Deny: a list of people or vehicles selected by criteria is never released for "
                "an immigration request.",
                "immigration",
            )
        elif self.rules["bulk"] == BulkOutcome.DENY:
            self.add(
                "BULK_REQUEST",
                Severity.BLOCK,
                f"Deny: the {self.rules['name']} profile does not release lists selected by "
                "criteria; the requester must name a person or a vehicle.",
                "bulk",
            )
        else:
            self.add(
                "BULK_REQUEST",
                Severity.REVIEW,
                "Review: the request asks for a list selected by criteria rather than a named "
                "person or vehicle; counsel decides whether the law permits it.",
                "bulk",
            )

    # Step 7.

    def check_legal_process(self) -> None:
        if not self.immigration:
            return
        accepted = self.rules["immigration_accepted"]
        if self.has_document(accepted):
            return
        review = self.rules["immigration_review"]
        if self.has_document(review):
            self.add(
                "JUDGE_REVIEW", Severity.REVIEW, _review_message(accepted, review), "immigration"
            )
            return
        self.add(
            "INSUFFICIENT_PROCESS",
            Severity.BLOCK,
            _insufficient_message(accepted, review),
            "immigration",
        )
        self.note_nonjudicial()

    def note_nonjudicial(self) -> None:
        offered = [d["type"] for d in self.request["legal_process"]]
        nonjudicial = [t for t in NONJUDICIAL_TYPES if t in offered]
        if nonjudicial:
            documents = join((with_article(TYPE_NOUNS[t]) for t in nonjudicial), "and")
            self.add(
                "NONJUDICIAL_PROCESS",
                Severity.BLOCK,
                f"Deny: {documents} {'is' if len(nonjudicial) == 1 else 'are'} issued by an "
                "agency's own officers, not by a judge, and cannot unlock an immigration request.",
                "immigration",
            )

    # Step 8.

    def check_emergency(self) -> None:
        request = self.request
        if not (request["emergency"] or request["purpose"] == Purpose.EMERGENCY):
            return
        if self.immigration:
            self.add(
                "EMERGENCY_CLAIM",
                Severity.INFO,
                "The request claims an emergency, but an emergency never unlocks an immigration "
                "request; the rules for legal documents apply as usual.",
                "immigration",
            )
        else:
            self.add(
                "EMERGENCY_CLAIM",
                Severity.REVIEW,
                "Review: the request claims an emergency; counsel confirms the emergency and the "
                "requester before anything is released.",
                "emergency",
            )

    # Step 9.

    def check_something_left(self) -> None:
        if set(self.asked) <= self.withheld:
            self.add(
                "NOTHING_RELEASABLE",
                Severity.BLOCK,
                "Deny: every category asked for is withheld, so nothing can be released.",
            )

    # Step 11.

    def subject_notice(self) -> SubjectNotice | None:
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
            add_days = add_business_days if unit == NoticeUnit.BUSINESS else add_calendar_days
            due = add_days(self.received, days).isoformat()
            message = (
                f"Notify the subject of this request by {date_words(due)} ({days} {unit} days after it was "
                "received), whatever the decision."
            )
        self.add("SUBJECT_NOTICE_REQUIRED", Severity.INFO, message, "subject_notice")
        return {"required": True, "due": due, "days": days, "unit": unit}

    # Step 10.

    def decision(self) -> EngineDecision:
        severities = {finding["severity"] for finding in self.findings}
        if Severity.BLOCK in severities:
            return EngineDecision.DENY
        return EngineDecision.REVIEW if Severity.REVIEW in severities else EngineDecision.ELIGIBLE

    def result(self, notice: SubjectNotice | None) -> Result:
        decision = self.decision()
        releasable = (
            [] if decision == EngineDecision.DENY else sorted(set(self.asked) - self.withheld)
        )
        return {
            "profile": self.profile,
            "decision": decision,
            "immigration": self.immigration,
            "releasable": releasable,
            "withheld": sorted(set(self.asked) - set(releasable)),
            "findings": self.findings,
            "subject_notice": notice,
        }


def _matches(document: Document, entry: ProcessEntry) -> bool:
    return (
        document["type"] == entry["type"]
        and document["issuer"] in entry["issuers"]
        and (entry["court_state"] is None or document["court_state"] == entry["court_state"])
    )


def public_result(result: Result) -> dict[str, Any]:
    """The result with exactly the fields of docs/policy-check.md (no per-category keys)."""
    fields: dict[str, Any] = dict(result)
    public = {field: fields[field] for field in RESULT_FIELDS}
    public["findings"] = [_public_finding(finding) for finding in result["findings"]]
    return public


def _public_finding(finding: Finding) -> dict[str, Any]:
    fields: dict[str, Any] = dict(finding)
    return {field: fields[field] for field in FINDING_FIELDS}


def _review_message(accepted: list[ProcessEntry], review: list[ProcessEntry]) -> str:
    """JUDGE_REVIEW's sentence. A profile may accept no document at all (`nv`): then
    the documents in `immigration_review` are the most that counsel can weigh."""
    if not accepted:
        return (
            f"Review: the request comes with {describe_process(review)}; no document unlocks "
            "an immigration request under this profile by itself, so counsel decides whether "
            "it is enough."
        )
    return (
        f"Review: the request comes with {describe_process(review)}; counsel decides whether "
        f"it is enough, as only {describe_process(accepted)} is accepted without review."
    )


def _insufficient_message(accepted: list[ProcessEntry], review: list[ProcessEntry]) -> str:
    """INSUFFICIENT_PROCESS's sentence, naming what would have helped."""
    if accepted:
        return f"Deny: the documents offered do not include {describe_process(accepted)}."
    if review:
        return (
            "Deny: no document unlocks an immigration request under this profile by itself, "
            f"and the documents offered do not include {describe_process(review)}, which "
            "counsel could weigh."
        )
    return "Deny: no document unlocks an immigration request under this profile."
