"""Step 1 of policy.md: invalid input is refused with a message naming the field."""

import copy

import pytest

from dmvrequests.policy.engine import PolicyInputError, validate_request, validate_rules
from dmvrequests.policy.profiles import SHIPPED_PROFILES
from dmvrequests.policy.tests.builders import document, immigration_request, make_request


def without(mapping, key):
    return {k: v for k, v in mapping.items() if k != key}


VALID = immigration_request(documents=[document("judicial_warrant", "article_iii_judge")])

BAD_REQUESTS = [
    ("not-an-object", ["a list"], "request"),
    ("missing-received", without(VALID, "received"), "received"),
    ("missing-agency", without(VALID, "agency"), "agency"),
    ("missing-purpose", without(VALID, "purpose"), "purpose"),
    ("missing-records", without(VALID, "records"), "records"),
    ("missing-agency-kind", {**VALID, "agency": {"name": "ICE"}}, "agency.kind"),
    ("unknown-key", {**VALID, "emergncy": True}, "emergncy"),
    ("unknown-agency-key", {**VALID, "agency": {"kind": "court", "blockd": True}}, "agency.blockd"),
    ("unknown-agency-kind", {**VALID, "agency": {"kind": "ice"}}, "agency.kind"),
    ("unknown-purpose", {**VALID, "purpose": "deportation"}, "purpose"),
    ("empty-records", {**VALID, "records": []}, "records"),
    ("records-not-a-list", {**VALID, "records": "address"}, "records"),
    ("unknown-category", {**VALID, "records": ["address", "dna"]}, "records[1]"),
    ("malformed-date", {**VALID, "received": "03/02/2026"}, "received"),
    ("short-date", {**VALID, "received": "2026-3-2"}, "received"),
    ("impossible-date", {**VALID, "received": "2026-02-30"}, "received"),
    ("date-not-text", {**VALID, "received": 20260302}, "received"),
    (
        "blocked-not-boolean",
        {**VALID, "agency": {"kind": "court", "blocked": "no"}},
        "agency.blocked",
    ),
    ("bulk-not-boolean", {**VALID, "bulk": "false"}, "bulk"),
    ("emergency-not-boolean", {**VALID, "emergency": 1}, "emergency"),
    ("agency-name-not-text", {**VALID, "agency": {"kind": "court", "name": 7}}, "agency.name"),
    ("legal-process-not-a-list", {**VALID, "legal_process": {"type": "none"}}, "legal_process"),
    ("document-not-an-object", {**VALID, "legal_process": ["warrant"]}, "legal_process[0]"),
    (
        "document-without-type",
        {**VALID, "legal_process": [{"issuer": "state_judge"}]},
        "legal_process[0].type",
    ),
    (
        "unknown-document-type",
        {**VALID, "legal_process": [{"type": "warrant"}]},
        "legal_process[0].type",
    ),
    (
        "unknown-issuer",
        {**VALID, "legal_process": [{"type": "court_order", "issuer": "judge"}]},
        "legal_process[0].issuer",
    ),
    (
        "unknown-document-key",
        {**VALID, "legal_process": [{"type": "none", "signed": True}]},
        "legal_process[0].signed",
    ),
    (
        "unknown-court-state",
        {**VALID, "legal_process": [{"type": "none", "court_state": "XX"}]},
        "legal_process[0].court_state",
    ),
    (
        "malformed-expiry",
        {**VALID, "legal_process": [{"type": "none", "expires": "soon"}]},
        "legal_process[0].expires",
    ),
    (
        "malformed-issue-date",
        {**VALID, "legal_process": [{"type": "none"}, {"type": "none", "issued": "2026-13-01"}]},
        "legal_process[1].issued",
    ),
]


class TestValidateRequest:
    @pytest.mark.parametrize(
        "raw, field", [pytest.param(raw, field, id=name) for name, raw, field in BAD_REQUESTS]
    )
    def test_it_refuses_bad_input_naming_the_field(self, raw, field):
        with pytest.raises(PolicyInputError) as refused:
            validate_request(raw)
        assert refused.value.field == field
        assert str(refused.value).startswith(f"{field}: ")

    def test_it_fills_in_the_defaults(self):
        normalised = validate_request(
            make_request(records=["address"], legal_process=[{"type": "court_order"}])
        )
        assert normalised["bulk"] is False
        assert normalised["emergency"] is False
        assert normalised["agency"]["blocked"] is False
        assert normalised["legal_process"] == [
            {
                "type": "court_order",
                "issuer": "none",
                "court_state": None,
                "issued": None,
                "expires": None,
            }
        ]

    def test_it_treats_a_null_optional_field_as_not_given(self):
        raw = make_request(legal_process=[{"type": "court_order", "expires": None}])
        raw["agency"]["name"] = None
        normalised = validate_request(raw)
        assert normalised["legal_process"][0]["expires"] is None
        assert normalised["agency"]["name"] == ""

    def test_it_upper_cases_the_court_state(self):
        raw = make_request(
            legal_process=[document("judicial_warrant", "state_judge", court_state="md")]
        )
        assert validate_request(raw)["legal_process"][0]["court_state"] == "MD"

    def test_it_drops_repeated_categories(self):
        assert validate_request(make_request(records=["address", "address"]))["records"] == [
            "address"
        ]

    def test_it_is_idempotent(self):
        normalised = validate_request(VALID)
        assert validate_request(normalised) == normalised


def shipped(slug="strict"):
    return copy.deepcopy(SHIPPED_PROFILES[slug]["rules"])


def edited(path_and_value, slug="strict"):
    rules = shipped(slug)
    target = rules
    *parents, last = path_and_value[0]
    for key in parents:
        target = target[key]
    target[last] = path_and_value[1]
    return rules


BAD_RULES = [
    ("unknown-key", (("bulk_outcome",), "deny"), "bulk_outcome"),
    ("bad-bulk", (("bulk",), "allow"), "bulk"),
    ("empty-name", (("name",), " "), "name"),
    ("bad-trigger", (("immigration_trigger",), ["agency", "ice"]), "immigration_trigger[1]"),
    (
        "bad-process-type",
        (("immigration_accepted", 0, "type"), "warrant"),
        "immigration_accepted[0].type",
    ),
    (
        "bad-issuer",
        (("immigration_accepted", 1, "issuers"), ["judge"]),
        "immigration_accepted[1].issuers[0]",
    ),
    (
        "bad-issuer-group",
        (("immigration_accepted", 1, "issuers"), "judges"),
        "immigration_accepted[1].issuers",
    ),
    (
        "empty-issuers",
        (("immigration_accepted", 0, "issuers"), []),
        "immigration_accepted[0].issuers",
    ),
    (
        "warrant-without-judge",
        (("immigration_accepted", 0, "issuers"), ["court_clerk"]),
        "immigration_accepted[0].issuers",
    ),
    (
        "unknown-process-key",
        (("immigration_accepted", 0, "signed"), True),
        "immigration_accepted[0].signed",
    ),
    (
        "bad-court-state",
        (("immigration_accepted", 0, "court_state"), "Maryland"),
        "immigration_accepted[0].court_state",
    ),
    ("bad-barred-category", (("immigration_barred",), ["dna"]), "immigration_barred[0]"),
    ("bad-notice-days", (("subject_notice", "days"), 0), "subject_notice.days"),
    ("notice-days-as-text", (("subject_notice", "days"), "3"), "subject_notice.days"),
    ("bad-notice-unit", (("subject_notice", "unit"), "weeks"), "subject_notice.unit"),
    ("bad-restricted-category", (("restricted", 0, "category"), "dna"), "restricted[0].category"),
    ("empty-restricted-process", (("restricted", 0, "process"), []), "restricted[0].process"),
    ("unknown-citation-key", (("citations", "hrpl"), "18 U.S.C. 2725"), "citations.hrpl"),
    ("empty-citation", (("citations", "bulk"), ""), "citations.bulk"),
]


class TestValidateRules:
    @pytest.mark.parametrize(
        "change, field", [pytest.param(change, field, id=name) for name, change, field in BAD_RULES]
    )
    def test_it_refuses_malformed_rules_naming_the_key(self, change, field):
        with pytest.raises(PolicyInputError) as refused:
            validate_rules(edited(change))
        assert refused.value.field == field

    def test_it_refuses_rules_that_are_not_an_object(self):
        with pytest.raises(PolicyInputError) as refused:
            validate_rules(["not", "rules"])
        assert refused.value.field == "rules"

    def test_it_refuses_a_missing_bulk_rule(self):
        rules = shipped()
        del rules["bulk"]
        with pytest.raises(PolicyInputError) as refused:
            validate_rules(rules)
        assert refused.value.field == "bulk"

    def test_it_refuses_immigration_rules_without_a_trigger(self):
        rules = edited((("immigration_trigger",), []), slug="ny")
        with pytest.raises(PolicyInputError) as refused:
            validate_rules(rules)
        assert refused.value.field == "immigration_accepted"

    def test_it_refuses_a_category_restricted_twice(self):
        rules = shipped()
        rules["restricted"].append(copy.deepcopy(rules["restricted"][0]))
        with pytest.raises(PolicyInputError) as refused:
            validate_rules(rules)
        assert refused.value.field == "restricted[1].category"

    def test_it_expands_issuer_shorthands(self):
        rules = validate_rules(shipped("ma"))
        by_type = {entry["type"]: entry["issuers"] for entry in rules["immigration_accepted"]}
        assert by_type["court_order"] == ["article_iii_judge", "magistrate_judge", "state_judge"]
        assert by_type["trial_subpoena"] == [
            "article_iii_judge",
            "magistrate_judge",
            "state_judge",
            "court_clerk",
        ]
        assert len(by_type["grand_jury_subpoena"]) == 8

    def test_it_fills_in_left_out_lists(self):
        rules = validate_rules({"name": "Minimal", "citation": "18 U.S.C. 2721", "bulk": "review"})
        assert rules["immigration_trigger"] == []
        assert rules["restricted"] == []
        assert rules["subject_notice"] is None
