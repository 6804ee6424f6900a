"""The disclosure policy engine's public face: the rulebook of docs/profiles.md as pure functions.

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

The code lives in `dmvrequests.policy.rules` (schema, validation, wording,
evaluation); this module re-exports its public API so that callers do not change.
"""

from dmvrequests.policy.rules.evaluation import evaluate, public_result
from dmvrequests.policy.rules.schema import (
    AGENCY_KINDS,
    BULK_OUTCOMES,
    CATEGORIES,
    CITATION_KEYS,
    COURT_ISSUED,
    FINDING_FIELDS,
    HRPI,
    HRPI_PURPOSES,
    ISSUER_GROUPS,
    ISSUERS,
    JUDGE_ONLY_TYPES,
    JUDGE_SIGNED,
    NONJUDICIAL_TYPES,
    NOTICE_UNITS,
    PROCESS_TYPES,
    PURPOSES,
    RESULT_FIELDS,
    SEVERITIES,
    TRIGGERS,
    BulkOutcome,
    EngineDecision,
    Finding,
    NoticeUnit,
    PolicyInputError,
    Request,
    Result,
    Rules,
    Severity,
    Trigger,
)
from dmvrequests.policy.rules.validation import validate_request, validate_rules
from dmvrequests.policy.rules.wording import (
    category_words,
    date_words,
    decision_summary,
    describe_process,
)

__all__ = [
    "AGENCY_KINDS",
    "BULK_OUTCOMES",
    "CATEGORIES",
    "CITATION_KEYS",
    "COURT_ISSUED",
    "FINDING_FIELDS",
    "HRPI",
    "HRPI_PURPOSES",
    "ISSUER_GROUPS",
    "ISSUERS",
    "JUDGE_ONLY_TYPES",
    "JUDGE_SIGNED",
    "NONJUDICIAL_TYPES",
    "NOTICE_UNITS",
    "PROCESS_TYPES",
    "PURPOSES",
    "RESULT_FIELDS",
    "SEVERITIES",
    "TRIGGERS",
    "BulkOutcome",
    "EngineDecision",
    "Finding",
    "NoticeUnit",
    "PolicyInputError",
    "Request",
    "Result",
    "Rules",
    "Severity",
    "Trigger",
    "category_words",
    "date_words",
    "decision_summary",
    "describe_process",
    "evaluate",
    "public_result",
    "validate_request",
    "validate_rules",
]
