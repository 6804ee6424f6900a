"""`policy_check` against the rulebook, on randomised requests, under every shipped profile.

The oracle below is written from the rulebook alone (docs/profiles.md: the shipped
profiles' rows and the evaluation steps), without the engine's code or the profiles'
stored rules: its own table of the fourteen rows and its own pass through the eleven
steps. Hypothesis draws lists of requests, `manage.py policy_check --profile SLUG FILE`
evaluates them on the profiles the migrations installed, and every result must agree
with the oracle on the decision, the immigration flag, what is released and withheld,
the subject notice and the findings (codes, counted).
"""

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmvrequests.policy.calendar import add_business_days
from dmvrequests.vocabulary import AgencyKind, Issuer, LegalProcessType, Purpose, RecordCategory

pytestmark = pytest.mark.django_db

# -- The rulebook's rows ----------------------------------------------------------------------

A3 = frozenset({"article_iii_judge"})
MAGISTRATE = frozenset({"magistrate_judge"})
STATE = frozenset({"state_judge"})
FEDERAL = A3 | MAGISTRATE
JUDGE_SIGNED = FEDERAL | STATE
COURT_ISSUED = JUDGE_SIGNED | {"court_clerk"}
ANY = frozenset(Issuer.values)
HRPI = {"photo", "ssn", "medical"}
HRPI_PURPOSES = {"insurance", "employment_verification", "court_proceeding"}
NONJUDICIAL = {"administrative_subpoena", "administrative_warrant", "detainer", "notice_to_appear"}
JUDICIAL_ONLY = {"judicial_warrant", "court_order"}


@dataclass(frozen=True)
class Row:
    trigger: frozenset = frozenset()
    accepted: tuple = ()  # (type, issuers, court_state or None)
    review: tuple = ()
    barred: frozenset = frozenset()
    notice: tuple | None = None  # (days, unit); (None, None) = required, no fixed deadline
    never: frozenset = frozenset()
    restricted: dict = field(default_factory=dict)  # category -> entries
    bulk: str = "review"


def entries(*types, issuers, court_state=None):
    return tuple((t, issuers, court_state) for t in types)


WARRANT, ORDER, SUBPOENA = "judicial_warrant", "court_order", "judicial_subpoena"
AGENCY, PURPOSE = frozenset({"agency"}), frozenset({"purpose"})
BOTH = AGENCY | PURPOSE
RULEBOOK = {
    "dppa": Row(),
    "ny": Row(
        AGENCY,
        entries(WARRANT, ORDER, issuers=A3),
        entries(WARRANT, ORDER, issuers=MAGISTRATE),
        notice=(3, "calendar"),
    ),
    "il": Row(
        AGENCY,
        entries(ORDER, issuers=JUDGE_SIGNED)
        + entries(WARRANT, issuers=A3)
        + entries(SUBPOENA, issuers=COURT_ISSUED),
        entries(WARRANT, issuers=MAGISTRATE),
        notice=(3, "business"),
    ),
    "ma": Row(
        BOTH,
        entries(ORDER, issuers=JUDGE_SIGNED)
        + entries(WARRANT, issuers=A3)
        + entries("grand_jury_subpoena", issuers=ANY)
        + entries("trial_subpoena", issuers=COURT_ISSUED),
        entries(WARRANT, issuers=MAGISTRATE),
        barred=frozenset({"immigration_status"}),
        notice=(3, "business"),
    ),
    "co": Row(
        BOTH,
        entries(SUBPOENA, issuers=COURT_ISSUED) + entries(WARRANT, ORDER, issuers=JUDGE_SIGNED),
        never=frozenset({"immigration_status", "place_of_birth"}),
    ),
    "md": Row(
        AGENCY,
        entries(WARRANT, issuers=FEDERAL) + entries(WARRANT, issuers=STATE, court_state="MD"),
    ),
    "va": Row(
        PURPOSE,
        entries(ORDER, WARRANT, issuers=JUDGE_SIGNED)
        + entries(SUBPOENA, issuers=COURT_ISSUED)
        + entries("subject_consent", issuers=ANY),
        notice=(None, None),
    ),
    "or": Row(
        BOTH,
        entries(SUBPOENA, issuers=COURT_ISSUED) + entries(ORDER, WARRANT, issuers=JUDGE_SIGNED),
    ),
    "wa": Row(
        BOTH, entries(ORDER, WARRANT, issuers=FEDERAL), entries(ORDER, WARRANT, issuers=STATE)
    ),
    "mn": Row(never=frozenset({"immigration_status"})),
    "ca": Row(PURPOSE, entries(ORDER, WARRANT, issuers=JUDGE_SIGNED)),
    "nm": Row(PURPOSE, entries(ORDER, issuers=JUDGE_SIGNED)),
    "nv": Row(
        PURPOSE,
        review=entries(ORDER, WARRANT, issuers=JUDGE_SIGNED),
        barred=frozenset({"immigration_status"}),
    ),
    "strict": Row(
        BOTH,
        entries(WARRANT, ORDER, issuers=JUDGE_SIGNED),
        barred=frozenset({"immigration_status", "place_of_birth", "source_documents"}),
        notice=(3, "calendar"),
        restricted={"facial_recognition": entries(WARRANT, issuers=JUDGE_SIGNED)},
        bulk="deny",
    ),
}


# -- The evaluation steps ---------------------------------------------------------------------


def oracle(slug, request):
    """What the rulebook says of `request` under `slug`: the fields policy_check prints."""
    return Reading(RULEBOOK[slug], request).result()


class Reading:
    """One request read under one row, step by step; each finding counted by its code."""

    def __init__(self, row, request):
        self.row, self.request = row, request
        self.received = date.fromisoformat(request["received"])
        self.agency, self.purpose = request["agency"], request["purpose"]
        self.asked = sorted(set(request["records"]))
        self.documents = request.get("legal_process", [])
        self.codes: Counter[str] = Counter()
        self.blocks = self.reviews = 0
        self.withheld = set()
        self.valid = [d for d in self.documents if self.counts(d)]
        self.consent = any(d["type"] == "subject_consent" for d in self.valid)
        self.immigration = bool(
            ("agency" in row.trigger and self.agency["kind"] == "immigration")
            or ("purpose" in row.trigger and self.purpose == "civil_immigration_enforcement")
        )

    # Documents: a judicial warrant or court order counts only when a judge signed it, and
    # a document that expired before the request was received counts for nothing.

    def expired(self, document):
        expires = document.get("expires")
        return expires is not None and date.fromisoformat(expires) < self.received

    def counts(self, document):
        return not self.expired(document) and (
            document["type"] not in JUDICIAL_ONLY or issuer(document) in JUDGE_SIGNED
        )

    def offered(self, wanted):
        return any(
            d["type"] == kind
            and issuer(d) in issuers
            and (court_state is None or d.get("court_state") == court_state)
            for d in self.valid
            for kind, issuers, court_state in wanted
        )

    def note(self, code, effect=None):
        self.codes[code] += 1
        self.blocks += effect == "block"
        self.reviews += effect == "review"

    def result(self):
        self.note_documents()
        if self.agency.get("blocked", False):  # step 2
            self.note("AGENCY_BLOCKED", "block")
        if self.immigration:  # step 3
            self.note("IMMIGRATION_REQUEST")
        for category in self.asked:  # step 4
            self.withhold(category)
        if self.agency["kind"] == "private" and self.purpose == "other" and not self.consent:
            self.note("NO_PERMISSIBLE_USE", "block")  # step 5
        if self.request.get("bulk", False):  # step 6
            self.bulk()
        if self.immigration and not self.offered(self.row.accepted):  # step 7
            self.process()
        if self.request.get("emergency", False) or self.purpose == "emergency":  # step 8
            self.note("EMERGENCY_CLAIM", None if self.immigration else "review")
        if set(self.asked) <= self.withheld:  # step 9
            self.note("NOTHING_RELEASABLE", "block")
        return self.decide()

    def note_documents(self):
        for document in self.documents:
            if document["type"] in JUDICIAL_ONLY and issuer(document) not in JUDGE_SIGNED:
                self.note("NOT_SIGNED_BY_JUDGE")
            if self.expired(document):
                self.note("PROCESS_EXPIRED")

    def withhold(self, category):
        row = self.row
        reasons = [
            ("CATEGORY_NEVER_RELEASED", category in row.never),
            ("CATEGORY_BARRED_FOR_IMMIGRATION", self.immigration and category in row.barred),
            (
                "CATEGORY_REQUIRES_PROCESS",
                category in row.restricted and not self.offered(row.restricted[category]),
            ),
            (
                "HRPI_CONSENT_REQUIRED",
                self.agency["kind"] == "private"
                and category in HRPI
                and not self.consent
                and self.purpose not in HRPI_PURPOSES,
            ),
        ]
        for code, applies in reasons:
            if applies:
                self.note(code)
                self.withheld.add(category)

    def bulk(self):
        if self.immigration:
            self.note("BULK_IMMIGRATION", "block")
        else:
            self.note("BULK_REQUEST", "block" if self.row.bulk == "deny" else "review")

    def process(self):
        if self.offered(self.row.review):
            self.note("JUDGE_REVIEW", "review")
            return
        self.note("INSUFFICIENT_PROCESS", "block")
        if any(d["type"] in NONJUDICIAL for d in self.documents):
            self.note("NONJUDICIAL_PROCESS", "block")

    def decide(self):  # steps 10 and 11
        decision = "deny" if self.blocks else "review" if self.reviews else "eligible"
        releasable = [] if decision == "deny" else [c for c in self.asked if c not in self.withheld]
        return {
            "decision": decision,
            "immigration": self.immigration,
            "releasable": releasable,
            "withheld": sorted(set(self.asked) - set(releasable)),
            "subject_notice": self.notice(),
            "codes": self.codes,
        }

    def notice(self):
        if not self.immigration or self.row.notice is None:
            return None
        self.note("SUBJECT_NOTICE_REQUIRED")
        days, unit = self.row.notice
        due = {
            "calendar": lambda: self.received + timedelta(days=days),
            "business": lambda: add_business_days(self.received, days),
        }.get(unit, lambda: None)()
        return {
            "required": True,
            "due": due.isoformat() if due else None,
            "days": days,
            "unit": unit,
        }


def issuer(document):
    return document.get("issuer", "none")


# -- Randomised requests ----------------------------------------------------------------------

RECEIVED = date(2026, 11, 16)  # around Thanksgiving: business days cross a federal holiday


def mostly(common, values):
    """Any of `values`, but `common` about half of the time: immigration requests with
    judicial documents are where the profiles differ, so they are drawn often."""
    return st.one_of(st.sampled_from(common), st.sampled_from(values))


days_around = st.integers(min_value=-5, max_value=20).map(lambda n: RECEIVED + timedelta(n))
documents = st.fixed_dictionaries(
    {
        "type": mostly(
            [WARRANT, ORDER, SUBPOENA, "administrative_warrant", "subject_consent"],
            LegalProcessType.values,
        ),
    },
    optional={
        "issuer": mostly(sorted(COURT_ISSUED), Issuer.values),
        "court_state": st.sampled_from(["MD", "NV", "CA"]),
        "expires": st.integers(min_value=-30, max_value=30).map(
            lambda n: (RECEIVED + timedelta(n)).isoformat()
        ),
    },
)
requests = st.fixed_dictionaries(
    {
        "received": days_around.map(date.isoformat),
        "agency": st.fixed_dictionaries(
            {"kind": mostly(["immigration"], AgencyKind.values)},
            optional={"blocked": st.booleans()},
        ),
        "purpose": mostly(["civil_immigration_enforcement"], Purpose.values),
        "records": st.lists(st.sampled_from(RecordCategory.values), min_size=1, max_size=5),
    },
    optional={
        "legal_process": st.lists(documents, max_size=3),
        "bulk": st.booleans(),
        "emergency": st.booleans(),
    },
)


def policy_check(slug, batch):
    """Results of `manage.py policy_check --profile SLUG -` for `batch`, as printed."""
    out = io.StringIO()
    stdin = io.StringIO(json.dumps(batch))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", stdin)
        call_command("policy_check", "--profile", slug, "-", stdout=out)
    return json.loads(out.getvalue())


def as_oracle_sees(result):
    return {
        "decision": result["decision"],
        "immigration": result["immigration"],
        "releasable": result["releasable"],
        "withheld": result["withheld"],
        "subject_notice": result["subject_notice"],
        "codes": Counter(f["code"] for f in result["findings"]),
    }


def test_the_oracle_knows_every_shipped_profile():
    from dmvrequests.policy.profiles import SHIPPED_PROFILES

    assert set(RULEBOOK) == set(SHIPPED_PROFILES)


@pytest.mark.parametrize("slug", sorted(RULEBOOK))
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(requests, min_size=1, max_size=12))
def test_policy_check_agrees_with_the_rulebook(slug, batch):
    results = policy_check(slug, batch)
    for request, result in zip(batch, results, strict=True):
        assert result["profile"] == slug
        assert as_oracle_sees(result) == oracle(slug, request), request


# The rulebook's evaluation steps for each new profile, checked through the command too.
WORKED = [
    (
        "nv",
        {
            "received": "2026-03-02",
            "agency": {"kind": "immigration", "name": "ICE ERO Reno"},
            "purpose": "civil_immigration_enforcement",
            "records": ["address", "immigration_status"],
            "legal_process": [{"type": "court_order", "issuer": "state_judge"}],
        },
        "review",
        ["address"],
    ),
    (
        "nv",
        {
            "received": "2026-03-02",
            "agency": {"kind": "immigration"},
            "purpose": "civil_immigration_enforcement",
            "records": ["address"],
            "legal_process": [{"type": "administrative_warrant", "issuer": "immigration_officer"}],
        },
        "deny",
        [],
    ),
    (
        "ca",
        {
            "received": "2026-03-02",
            "agency": {"kind": "immigration"},
            "purpose": "civil_immigration_enforcement",
            "records": ["address"],
            "legal_process": [{"type": "judicial_warrant", "issuer": "magistrate_judge"}],
        },
        "eligible",
        ["address"],
    ),
    (
        "ca",
        {
            "received": "2026-03-02",
            "agency": {"kind": "immigration"},
            "purpose": "criminal_investigation",
            "records": ["address"],
        },
        "eligible",
        ["address"],
    ),
    (
        "nm",
        {
            "received": "2026-03-02",
            "agency": {"kind": "federal_law_enforcement"},
            "purpose": "civil_immigration_enforcement",
            "records": ["address"],
            "legal_process": [{"type": "judicial_warrant", "issuer": "article_iii_judge"}],
        },
        "deny",
        [],
    ),
    (
        "nm",
        {
            "received": "2026-03-02",
            "agency": {"kind": "immigration"},
            "purpose": "civil_immigration_enforcement",
            "records": ["address"],
            "legal_process": [{"type": "court_order", "issuer": "article_iii_judge"}],
        },
        "eligible",
        ["address"],
    ),
]


@pytest.mark.parametrize("slug, request_object, decision, releasable", WORKED)
def test_policy_check_agrees_on_the_worked_examples(slug, request_object, decision, releasable):
    (result,) = policy_check(slug, [request_object])
    assert (result["decision"], result["releasable"]) == (decision, releasable)
    assert as_oracle_sees(result) == oracle(slug, request_object)
