"""Properties that hold for every request under every shipped profile (Hypothesis)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dmvrequests.policy.engine import validate_rules
from dmvrequests.policy.profiles import SHIPPED_PROFILES
from dmvrequests.policy.tests.builders import run
from dmvrequests.vocabulary import (
    STATE_CODES,
    AgencyKind,
    Issuer,
    LegalProcessType,
    Purpose,
    RecordCategory,
)

DECISION_RANK = {"deny": 0, "review": 1, "eligible": 2}
JUDICIAL_TYPES = {
    "judicial_warrant",
    "court_order",
    "judicial_subpoena",
    "grand_jury_subpoena",
    "trial_subpoena",
}
# Triggered profiles that accept some judicial document (nv accepts none: it only weighs).
TRIGGERED = sorted(
    slug
    for slug, p in SHIPPED_PROFILES.items()
    if p["rules"]["immigration_trigger"]
    and any(e["type"] in JUDICIAL_TYPES for e in p["rules"]["immigration_accepted"])
)

iso_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)).map(date.isoformat)
documents = st.fixed_dictionaries(
    {"type": st.sampled_from(LegalProcessType.values), "issuer": st.sampled_from(Issuer.values)},
    optional={
        "court_state": st.sampled_from(sorted(STATE_CODES)),
        "issued": iso_dates,
        "expires": iso_dates,
    },
)
requests = st.fixed_dictionaries(
    {
        "received": iso_dates,
        "agency": st.fixed_dictionaries(
            {"kind": st.sampled_from(AgencyKind.values)},
            optional={"name": st.text(max_size=20), "blocked": st.booleans()},
        ),
        "purpose": st.sampled_from(Purpose.values),
        "records": st.lists(st.sampled_from(RecordCategory.values), min_size=1, unique=True),
    },
    optional={
        "legal_process": st.lists(documents, max_size=3),
        "bulk": st.booleans(),
        "emergency": st.booleans(),
    },
)
profiles = st.sampled_from(sorted(SHIPPED_PROFILES))
# No deadline: the first business-day sum loads a year of holidays. No example database:
# the tests leave nothing behind in the working tree.
examples = settings(deadline=None, database=None)


@examples
@given(request=requests, slug=profiles)
def test_it_splits_the_asked_categories_into_releasable_and_withheld(request, slug):
    result = run(slug, request)
    releasable, withheld = set(result["releasable"]), set(result["withheld"])
    assert releasable | withheld == set(request["records"])
    assert not releasable & withheld
    assert result["releasable"] == sorted(releasable)
    assert result["withheld"] == sorted(withheld)


@examples
@given(request=requests, slug=profiles)
def test_it_releases_nothing_on_a_deny(request, slug):
    result = run(slug, request)
    if result["decision"] == "deny":
        assert result["releasable"] == []
        assert any(finding["severity"] == "block" for finding in result["findings"])


@examples
@given(request=requests, slug=profiles)
def test_it_always_denies_a_blocked_agency(request, slug):
    request["agency"]["blocked"] = True
    result = run(slug, request)
    assert result["decision"] == "deny"
    assert result["releasable"] == []
    assert result["findings"][0]["code"] == "AGENCY_BLOCKED"


@examples
@given(request=requests, slug=profiles)
def test_it_gives_subject_notice_only_for_immigration_requests(request, slug):
    result = run(slug, request)
    if not result["immigration"]:
        assert result["subject_notice"] is None


@st.composite
def immigration_request_and_accepted_document(draw):
    """An immigration request under a triggered profile, and a judicial document it accepts."""
    slug = draw(st.sampled_from(TRIGGERED))
    rules = validate_rules(SHIPPED_PROFILES[slug]["rules"])
    request = draw(requests)
    request["agency"]["kind"] = AgencyKind.IMMIGRATION.value
    request["purpose"] = Purpose.CIVIL_IMMIGRATION_ENFORCEMENT.value
    entries = [e for e in rules["immigration_accepted"] if e["type"] in JUDICIAL_TYPES]
    entry = draw(st.sampled_from(entries))
    document = {"type": entry["type"], "issuer": draw(st.sampled_from(entry["issuers"]))}
    if entry["court_state"]:
        document["court_state"] = entry["court_state"]
    return slug, request, document


@examples
@given(case=immigration_request_and_accepted_document())
def test_it_never_worsens_an_immigration_request_for_an_accepted_judicial_document(case):
    slug, request, document = case
    before = run(slug, request)
    after = run(slug, {**request, "legal_process": [*request.get("legal_process", []), document]})
    assert before["immigration"] and after["immigration"]
    assert DECISION_RANK[after["decision"]] >= DECISION_RANK[before["decision"]]
    assert set(after["releasable"]) >= set(before["releasable"])
    assert "INSUFFICIENT_PROCESS" not in [f["code"] for f in after["findings"]]
