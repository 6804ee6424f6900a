"""The engine's vocabulary: the values it accepts, their groupings, the shapes of its objects.

The values come from `dmvrequests.codes`; the groupings are the law's
(docs/profiles.md, "Vocabulary"). The engine's own codes are enums (`EngineDecision`,
`Severity`, `Trigger`, `BulkOutcome`, `NoticeUnit`): `StrEnum`s, so a member equals,
hashes and serialises as its string and results stay plain JSON. The shapes of a
validated request, validated rules and a result are `TypedDict`s (docs/policy-check.md,
docs/profiles.md). `PolicyInputError` is the one error the engine raises for a request
or a profile it refuses.
"""

from enum import StrEnum
from typing import NotRequired, TypedDict

from dmvrequests.codes import (
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


class EngineDecision(StrEnum):
    """The engine's recommendation (docs/profiles.md, step 10)."""

    DENY = "deny"
    REVIEW = "review"
    ELIGIBLE = "eligible"


class Severity(StrEnum):
    """How a finding weighs: a block denies, a review sends to counsel, a withhold keeps one
    category back, an info only informs."""

    BLOCK = "block"
    REVIEW = "review"
    WITHHOLD = "withhold"
    INFO = "info"


class Trigger(StrEnum):
    """What makes a request an immigration request under a profile."""

    AGENCY = "agency"
    PURPOSE = "purpose"


class BulkOutcome(StrEnum):
    """What a profile does with a list selected by criteria."""

    REVIEW = "review"
    DENY = "deny"


class NoticeUnit(StrEnum):
    """How the days of a subject-notice deadline are counted."""

    CALENDAR = "calendar"
    BUSINESS = "business"


TRIGGERS = tuple(Trigger)
BULK_OUTCOMES = tuple(BulkOutcome)
NOTICE_UNITS = tuple(NoticeUnit)
SEVERITIES = tuple(Severity)
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


# -- Shapes (docs/policy-check.md "Request object" and "Result"; docs/profiles.md "Rules schema")


class Agency(TypedDict):
    kind: str  # an AgencyKind value
    name: str
    blocked: bool


class Document(TypedDict):
    """One legal document offered with a request."""

    type: str  # a LegalProcessType value
    issuer: str  # an Issuer value
    court_state: str | None  # two-letter code
    issued: str | None  # YYYY-MM-DD
    expires: str | None  # YYYY-MM-DD


class Request(TypedDict):
    """A validated request: `validate_request`'s result."""

    received: str  # YYYY-MM-DD
    agency: Agency
    purpose: str  # a Purpose value
    records: list[str]  # RecordCategory values, in the order asked, without duplicates
    legal_process: list[Document]
    bulk: bool
    emergency: bool


class ProcessEntry(TypedDict):
    """A kind of legal document a rule accepts: its type, the issuers, the court's state."""

    type: str
    issuers: list[str]
    court_state: str | None


class Restriction(TypedDict):
    category: str
    process: list[ProcessEntry]


class Notice(TypedDict):
    """A subject-notice rule; both null means required without a fixed deadline."""

    days: int | None
    unit: str | None  # a NoticeUnit value


class Rules(TypedDict):
    """A profile's validated rules: `validate_rules`'s result."""

    name: str
    citation: str
    immigration_trigger: list[str]  # Trigger values
    immigration_accepted: list[ProcessEntry]
    immigration_review: list[ProcessEntry]
    immigration_barred: list[str]
    subject_notice: Notice | None
    never_release: list[str]
    restricted: list[Restriction]
    bulk: str  # a BulkOutcome value
    citations: dict[str, str]  # CITATION_KEYS to citation text


class Finding(TypedDict):
    code: str
    severity: Severity
    message: str
    citation: str
    category: NotRequired[str]  # the record category a withhold is about


class SubjectNotice(TypedDict):
    required: bool
    due: str | None  # YYYY-MM-DD, or None without a fixed deadline
    days: int | None
    unit: str | None


class Result(TypedDict):
    """An evaluation's result (docs/policy-check.md, "Result")."""

    profile: str
    decision: EngineDecision
    immigration: bool
    releasable: list[str]
    withheld: list[str]
    findings: list[Finding]
    subject_notice: SubjectNotice | None
    profile_version: NotRequired[int]  # added by the policy service, not the engine


class PolicyInputError(ValueError):
    """A request or a profile that the engine refuses; `.field` names the offending field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")
