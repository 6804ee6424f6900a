"""The engine's vocabulary: the values it accepts, their groupings, the shapes of its objects.

The values come from `dmvrequests.vocabulary`; the groupings are the law's
(docs/profiles.md, "Vocabulary"). `PolicyInputError` is the one error the engine
raises for a request or a profile it refuses.
"""

from dmvrequests.vocabulary import (
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


class PolicyInputError(ValueError):
    """A request or a profile that the engine refuses; `.field` names the offending field."""

    def __init__(self, field, problem):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")
