"""Every shipped profile, every rule and every finding code of policy.md, table by table."""

import pytest

from dmvrequests.policy.engine import (
    RESULT_FIELDS,
    SEVERITIES,
    decision_summary,
    describe_process,
    evaluate,
    public_result,
    validate_request,
    validate_rules,
)
from dmvrequests.policy.profiles import SHIPPED_PROFILES
from dmvrequests.policy.tests.builders import (
    FBI,
    ICE,
    INSURER,
    INVESTIGATOR,
    codes,
    document,
    finding,
    immigration_request,
    make_request,
    run,
)

A3 = "article_iii_judge"
I200 = document("administrative_warrant", "immigration_officer")
A3_WARRANT = document("judicial_warrant", A3)
MAGISTRATE_WARRANT = document("judicial_warrant", "magistrate_judge")
STATE_WARRANT = document("judicial_warrant", "state_judge")
CONSENT = document("subject_consent")
NY_NOTICE = {"required": True, "due": "2026-03-05", "days": 3, "unit": "calendar"}
BUSINESS_NOTICE = {"required": True, "due": "2026-03-05", "days": 3, "unit": "business"}
NO_DEADLINE = {"required": True, "due": None, "days": None, "unit": None}
ALL_CODES = {
    "AGENCY_BLOCKED",
    "IMMIGRATION_REQUEST",
    "CATEGORY_NEVER_RELEASED",
    "CATEGORY_BARRED_FOR_IMMIGRATION",
    "CATEGORY_REQUIRES_PROCESS",
    "HRPI_CONSENT_REQUIRED",
    "NO_PERMISSIBLE_USE",
    "BULK_IMMIGRATION",
    "BULK_REQUEST",
    "JUDGE_REVIEW",
    "INSUFFICIENT_PROCESS",
    "NONJUDICIAL_PROCESS",
    "EMERGENCY_CLAIM",
    "NOTHING_RELEASABLE",
    "SUBJECT_NOTICE_REQUIRED",
    "NOT_SIGNED_BY_JUDGE",
    "PROCESS_EXPIRED",
}


def case(case_id, slug, request, decision, releasable, withheld, findings, notice=None):
    return pytest.param(slug, request, decision, releasable, withheld, findings, notice, id=case_id)


CASES = [
    # -- The worked examples of docs/policy-check.md.
    case(
        "ny-i200-address-denied-with-notice",
        "ny",
        immigration_request(documents=[I200]),
        "deny",
        [],
        ["address"],
        [
            "IMMIGRATION_REQUEST",
            "INSUFFICIENT_PROCESS",
            "NONJUDICIAL_PROCESS",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        NY_NOTICE,
    ),
    case(
        "ny-article-iii-warrant-eligible-with-notice",
        "ny",
        immigration_request(documents=[A3_WARRANT]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "co-burglary-place-of-birth-never-released",
        "co",
        make_request(records=["license_record", "address", "place_of_birth"]),
        "eligible",
        ["address", "license_record"],
        ["place_of_birth"],
        ["CATEGORY_NEVER_RELEASED"],
    ),
    case(
        "dppa-insurer-gets-photo",
        "dppa",
        make_request(INSURER, "insurance", ["license_record", "photo"]),
        "eligible",
        ["license_record", "photo"],
        [],
        [],
    ),
    case(
        "dppa-investigator-photo-withheld",
        "dppa",
        make_request(INVESTIGATOR, "locate_person", ["license_record", "photo"]),
        "eligible",
        ["license_record"],
        ["photo"],
        ["HRPI_CONSENT_REQUIRED"],
    ),
    # -- dppa: the federal baseline.
    case(
        "dppa-investigator-with-consent-gets-photo",
        "dppa",
        make_request(INVESTIGATOR, "locate_person", ["photo"], legal_process=[CONSENT]),
        "eligible",
        ["photo"],
        [],
        [],
    ),
    case(
        "dppa-employer-gets-ssn",
        "dppa",
        make_request(INVESTIGATOR, "employment_verification", ["ssn", "medical"]),
        "eligible",
        ["medical", "ssn"],
        [],
        [],
    ),
    case(
        "dppa-attorney-court-proceeding-gets-medical",
        "dppa",
        make_request(INVESTIGATOR, "court_proceeding", ["medical"]),
        "eligible",
        ["medical"],
        [],
        [],
    ),
    case(
        "dppa-investigator-only-hrpi-nothing-left",
        "dppa",
        make_request(INVESTIGATOR, "research", ["photo", "ssn"]),
        "deny",
        [],
        ["photo", "ssn"],
        ["HRPI_CONSENT_REQUIRED", "HRPI_CONSENT_REQUIRED", "NOTHING_RELEASABLE"],
    ),
    case(
        "dppa-private-other-purpose-denied",
        "dppa",
        make_request(INVESTIGATOR, "other", ["address"]),
        "deny",
        [],
        ["address"],
        ["NO_PERMISSIBLE_USE"],
    ),
    case(
        "dppa-private-other-purpose-with-consent",
        "dppa",
        make_request(INVESTIGATOR, "other", ["address"], legal_process=[CONSENT]),
        "eligible",
        ["address"],
        [],
        [],
    ),
    case(
        "dppa-expired-consent-does-not-count",
        "dppa",
        make_request(
            INVESTIGATOR,
            "other",
            ["address"],
            legal_process=[document("subject_consent", expires="2026-03-01")],
        ),
        "deny",
        [],
        ["address"],
        ["PROCESS_EXPIRED", "NO_PERMISSIBLE_USE"],
    ),
    case(
        "dppa-has-no-immigration-rule",
        "dppa",
        immigration_request(documents=[I200]),
        "eligible",
        ["address"],
        [],
        [],
    ),
    case(
        "dppa-bulk-goes-to-review",
        "dppa",
        make_request(records=["vehicle_registration"], bulk=True),
        "review",
        ["vehicle_registration"],
        [],
        ["BULK_REQUEST"],
    ),
    case(
        "dppa-emergency-flag-goes-to-review",
        "dppa",
        make_request(emergency=True),
        "review",
        ["address"],
        [],
        ["EMERGENCY_CLAIM"],
    ),
    case(
        "dppa-emergency-purpose-goes-to-review",
        "dppa",
        make_request(purpose="emergency"),
        "review",
        ["address"],
        [],
        ["EMERGENCY_CLAIM"],
    ),
    case(
        "dppa-blocked-agency-denied",
        "dppa",
        make_request({"kind": "local_law_enforcement", "name": "Rogue PD", "blocked": True}),
        "deny",
        [],
        ["address"],
        ["AGENCY_BLOCKED"],
    ),
    # -- ny: N.Y. VTL 201(12)(a).
    case(
        "ny-article-iii-court-order-eligible",
        "ny",
        immigration_request(documents=[document("court_order", A3)]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "ny-magistrate-warrant-goes-to-review",
        "ny",
        immigration_request(documents=[MAGISTRATE_WARRANT]),
        "review",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "JUDGE_REVIEW", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "ny-magistrate-court-order-goes-to-review",
        "ny",
        immigration_request(documents=[document("court_order", "magistrate_judge")]),
        "review",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "JUDGE_REVIEW", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "ny-state-judge-warrant-insufficient",
        "ny",
        immigration_request(documents=[STATE_WARRANT]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "ny-warrant-signed-by-immigration-judge-is-not-judicial",
        "ny",
        immigration_request(documents=[document("judicial_warrant", "immigration_judge")]),
        "deny",
        [],
        ["address"],
        [
            "IMMIGRATION_REQUEST",
            "NOT_SIGNED_BY_JUDGE",
            "INSUFFICIENT_PROCESS",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        NY_NOTICE,
    ),
    case(
        "ny-expired-article-iii-warrant-ignored",
        "ny",
        immigration_request(documents=[document("judicial_warrant", A3, expires="2026-03-01")]),
        "deny",
        [],
        ["address"],
        [
            "IMMIGRATION_REQUEST",
            "PROCESS_EXPIRED",
            "INSUFFICIENT_PROCESS",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        NY_NOTICE,
    ),
    case(
        "ny-warrant-expiring-on-the-day-received-counts",
        "ny",
        immigration_request(documents=[document("judicial_warrant", A3, expires="2026-03-02")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "ny-expired-warrant-does-not-hide-a-valid-one",
        "ny",
        immigration_request(
            documents=[document("judicial_warrant", A3, expires="2026-01-01"), A3_WARRANT]
        ),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "PROCESS_EXPIRED", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "ny-trigger-is-the-agency-only",
        "ny",
        make_request(purpose="civil_immigration_enforcement"),
        "eligible",
        ["address"],
        [],
        [],
    ),
    case(
        "ny-bulk-immigration-denied-even-with-warrant",
        "ny",
        immigration_request(documents=[A3_WARRANT], bulk=True),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "BULK_IMMIGRATION", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    case(
        "ny-emergency-never-unlocks-immigration",
        "ny",
        immigration_request(emergency=True),
        "deny",
        [],
        ["address"],
        [
            "IMMIGRATION_REQUEST",
            "INSUFFICIENT_PROCESS",
            "EMERGENCY_CLAIM",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        NY_NOTICE,
    ),
    case(
        "ny-every-nonjudicial-document-named",
        "ny",
        immigration_request(
            documents=[
                document("detainer", "immigration_officer"),
                document("notice_to_appear", "immigration_officer"),
                document("administrative_subpoena", "immigration_officer"),
            ]
        ),
        "deny",
        [],
        ["address"],
        [
            "IMMIGRATION_REQUEST",
            "INSUFFICIENT_PROCESS",
            "NONJUDICIAL_PROCESS",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        NY_NOTICE,
    ),
    case(
        "ny-blocked-immigration-agency-still-gets-notice",
        "ny",
        immigration_request(documents=[A3_WARRANT], agency={**ICE, "blocked": True}),
        "deny",
        [],
        ["address"],
        ["AGENCY_BLOCKED", "IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        NY_NOTICE,
    ),
    # -- il: 625 ILCS 5/6-110.3.
    case(
        "il-state-judge-court-order-eligible",
        "il",
        immigration_request(documents=[document("court_order", "state_judge")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "il-clerk-issued-judicial-subpoena-eligible",
        "il",
        immigration_request(documents=[document("judicial_subpoena", "court_clerk")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "il-magistrate-warrant-goes-to-review",
        "il",
        immigration_request(documents=[MAGISTRATE_WARRANT]),
        "review",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "JUDGE_REVIEW", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "il-state-judge-warrant-insufficient",
        "il",
        immigration_request(documents=[STATE_WARRANT]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "il-hsi-customs-summons-nonjudicial",
        "il",
        immigration_request(documents=[document("administrative_subpoena", "other_officer")]),
        "deny",
        [],
        ["address"],
        [
            "IMMIGRATION_REQUEST",
            "INSUFFICIENT_PROCESS",
            "NONJUDICIAL_PROCESS",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        BUSINESS_NOTICE,
    ),
    # -- ma: St. 2022 c.81.
    case(
        "ma-purpose-triggers-for-city-police",
        "ma",
        make_request(purpose="civil_immigration_enforcement"),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "ma-grand-jury-subpoena-any-issuer",
        "ma",
        immigration_request(documents=[document("grand_jury_subpoena", "other_officer")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "ma-trial-subpoena-from-clerk",
        "ma",
        immigration_request(documents=[document("trial_subpoena", "court_clerk")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "ma-trial-subpoena-from-officer-insufficient",
        "ma",
        immigration_request(documents=[document("trial_subpoena", "immigration_officer")]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "ma-immigration-status-barred-whatever-the-warrant",
        "ma",
        immigration_request(["address", "immigration_status"], documents=[A3_WARRANT]),
        "eligible",
        ["address"],
        ["immigration_status"],
        ["IMMIGRATION_REQUEST", "CATEGORY_BARRED_FOR_IMMIGRATION", "SUBJECT_NOTICE_REQUIRED"],
        BUSINESS_NOTICE,
    ),
    case(
        "ma-only-barred-category-nothing-releasable",
        "ma",
        immigration_request(["immigration_status"], documents=[A3_WARRANT]),
        "deny",
        [],
        ["immigration_status"],
        [
            "IMMIGRATION_REQUEST",
            "CATEGORY_BARRED_FOR_IMMIGRATION",
            "NOTHING_RELEASABLE",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        BUSINESS_NOTICE,
    ),
    case(
        "ma-immigration-status-not-barred-outside-immigration",
        "ma",
        make_request(FBI, records=["immigration_status"]),
        "eligible",
        ["immigration_status"],
        [],
        [],
    ),
    # -- co: C.R.S. 24-74.
    case(
        "co-immigration-status-never-released-to-fbi",
        "co",
        make_request(FBI, records=["immigration_status", "driving_history"]),
        "eligible",
        ["driving_history"],
        ["immigration_status"],
        ["CATEGORY_NEVER_RELEASED"],
    ),
    case(
        "co-judicial-subpoena-unlocks-without-notice",
        "co",
        immigration_request(documents=[document("judicial_subpoena", "court_clerk")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "co-no-document-denied-without-notice",
        "co",
        immigration_request(),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS"],
    ),
    # -- md: Gen. Prov. 4-320.1.
    case(
        "md-maryland-state-judge-warrant-eligible",
        "md",
        immigration_request(
            documents=[document("judicial_warrant", "state_judge", court_state="MD")]
        ),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "md-virginia-state-judge-warrant-insufficient",
        "md",
        immigration_request(
            documents=[document("judicial_warrant", "state_judge", court_state="VA")]
        ),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS"],
    ),
    case(
        "md-state-judge-warrant-without-court-state-insufficient",
        "md",
        immigration_request(documents=[STATE_WARRANT]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS"],
    ),
    case(
        "md-magistrate-warrant-eligible",
        "md",
        immigration_request(documents=[MAGISTRATE_WARRANT]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "md-court-order-is-not-a-warrant",
        "md",
        immigration_request(documents=[document("court_order", A3)]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS"],
    ),
    # -- va: Va. Code 46.2-208.
    case(
        "va-trigger-is-the-purpose-only",
        "va",
        make_request(ICE, "criminal_investigation"),
        "eligible",
        ["address"],
        [],
        [],
    ),
    case(
        "va-subject-consent-unlocks",
        "va",
        immigration_request(documents=[CONSENT]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "SUBJECT_NOTICE_REQUIRED"],
        NO_DEADLINE,
    ),
    case(
        "va-letter-insufficient-notice-without-deadline",
        "va",
        immigration_request(documents=[document("none")]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "SUBJECT_NOTICE_REQUIRED"],
        NO_DEADLINE,
    ),
    # -- or: ORS 180.805, 181A.826.
    case(
        "or-clerk-issued-judicial-subpoena-eligible",
        "or",
        immigration_request(documents=[document("judicial_subpoena", "court_clerk")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "or-court-order-signed-by-clerk-is-not-judicial",
        "or",
        immigration_request(documents=[document("court_order", "court_clerk")]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "NOT_SIGNED_BY_JUDGE", "INSUFFICIENT_PROCESS"],
    ),
    # -- wa: RCW 43.17.425.
    case(
        "wa-magistrate-court-order-eligible",
        "wa",
        immigration_request(documents=[document("court_order", "magistrate_judge")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "wa-state-judge-warrant-goes-to-review",
        "wa",
        immigration_request(documents=[STATE_WARRANT]),
        "review",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "JUDGE_REVIEW"],
    ),
    case(
        "wa-judicial-subpoena-insufficient",
        "wa",
        immigration_request(documents=[document("judicial_subpoena", "court_clerk")]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS"],
    ),
    # -- mn: Minn. Stat. 171.12 subd. 11.
    case(
        "mn-immigration-status-never-released",
        "mn",
        make_request(FBI, records=["license_record", "immigration_status"]),
        "eligible",
        ["license_record"],
        ["immigration_status"],
        ["CATEGORY_NEVER_RELEASED"],
    ),
    case(
        "mn-has-no-immigration-rule",
        "mn",
        immigration_request(),
        "eligible",
        ["address"],
        [],
        [],
    ),
    # -- ca: Cal. Gov. Code 7284.6; Veh. Code 12801.9 (partly confirmed).
    case(
        "ca-state-judge-court-order-eligible",
        "ca",
        immigration_request(documents=[document("court_order", "state_judge")]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "ca-magistrate-warrant-eligible",
        "ca",
        immigration_request(documents=[MAGISTRATE_WARRANT]),
        "eligible",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "ca-i200-denied",
        "ca",
        immigration_request(documents=[I200]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "NONJUDICIAL_PROCESS"],
    ),
    case(
        "ca-judicial-subpoena-insufficient",
        "ca",
        immigration_request(documents=[document("judicial_subpoena", "court_clerk")]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS"],
    ),
    case(
        "ca-immigration-agency-on-a-criminal-case-is-not-immigration",
        "ca",
        make_request(ICE, "criminal_investigation", ["address", "immigration_status"]),
        "eligible",
        ["address", "immigration_status"],
        [],
        [],
    ),
    # -- nm: NMSA 66-2-7.1 as amended by SB 36 (partly confirmed).
    case(
        "nm-judge-signed-court-order-eligible",
        "nm",
        immigration_request(
            ["address", "immigration_status"], documents=[document("court_order", A3)]
        ),
        "eligible",
        ["address", "immigration_status"],
        [],
        ["IMMIGRATION_REQUEST"],
    ),
    case(
        "nm-judicial-warrant-insufficient",
        "nm",
        immigration_request(documents=[A3_WARRANT]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS"],
    ),
    case(
        "nm-court-order-signed-by-a-clerk-is-not-judicial",
        "nm",
        immigration_request(documents=[document("court_order", "court_clerk")]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "NOT_SIGNED_BY_JUDGE", "INSUFFICIENT_PROCESS"],
    ),
    case(
        "nm-police-criminal-case-not-immigration",
        "nm",
        make_request(records=["license_record", "immigration_status"]),
        "eligible",
        ["immigration_status", "license_record"],
        [],
        [],
    ),
    # -- nv: SB 303; AB 407 (partly confirmed).
    case(
        "nv-judge-signed-court-order-goes-to-counsel-status-withheld",
        "nv",
        immigration_request(
            ["address", "immigration_status"], documents=[document("court_order", "state_judge")]
        ),
        "review",
        ["address"],
        ["immigration_status"],
        ["IMMIGRATION_REQUEST", "CATEGORY_BARRED_FOR_IMMIGRATION", "JUDGE_REVIEW"],
    ),
    case(
        "nv-article-iii-warrant-goes-to-counsel",
        "nv",
        immigration_request(documents=[A3_WARRANT]),
        "review",
        ["address"],
        [],
        ["IMMIGRATION_REQUEST", "JUDGE_REVIEW"],
    ),
    case(
        "nv-i200-denied",
        "nv",
        immigration_request(documents=[I200]),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "NONJUDICIAL_PROCESS"],
    ),
    case(
        "nv-only-immigration-status-asked-nothing-releasable",
        "nv",
        immigration_request(["immigration_status"], documents=[A3_WARRANT]),
        "deny",
        [],
        ["immigration_status"],
        [
            "IMMIGRATION_REQUEST",
            "CATEGORY_BARRED_FOR_IMMIGRATION",
            "JUDGE_REVIEW",
            "NOTHING_RELEASABLE",
        ],
    ),
    case(
        "nv-immigration-agency-on-a-criminal-case-gets-status",
        "nv",
        make_request(ICE, "criminal_investigation", ["immigration_status"]),
        "eligible",
        ["immigration_status"],
        [],
        [],
    ),
    case(
        "nv-emergency-never-unlocks-immigration",
        "nv",
        immigration_request(emergency=True),
        "deny",
        [],
        ["address"],
        ["IMMIGRATION_REQUEST", "INSUFFICIENT_PROCESS", "EMERGENCY_CLAIM"],
    ),
    # -- strict: NILC/ACLU recommendations.
    case(
        "strict-barred-categories-withheld-from-immigration",
        "strict",
        immigration_request(
            ["address", "source_documents", "immigration_status", "place_of_birth"],
            documents=[STATE_WARRANT],
        ),
        "eligible",
        ["address"],
        ["immigration_status", "place_of_birth", "source_documents"],
        [
            "IMMIGRATION_REQUEST",
            "CATEGORY_BARRED_FOR_IMMIGRATION",
            "CATEGORY_BARRED_FOR_IMMIGRATION",
            "CATEGORY_BARRED_FOR_IMMIGRATION",
            "SUBJECT_NOTICE_REQUIRED",
        ],
        NY_NOTICE,
    ),
    case(
        "strict-face-search-needs-a-judicial-warrant",
        "strict",
        make_request(records=["license_record", "facial_recognition"]),
        "eligible",
        ["license_record"],
        ["facial_recognition"],
        ["CATEGORY_REQUIRES_PROCESS"],
    ),
    case(
        "strict-face-search-with-state-warrant",
        "strict",
        make_request(records=["facial_recognition"], legal_process=[STATE_WARRANT]),
        "eligible",
        ["facial_recognition"],
        [],
        [],
    ),
    case(
        "strict-face-search-with-expired-warrant",
        "strict",
        make_request(
            records=["facial_recognition"],
            legal_process=[document("judicial_warrant", "state_judge", expires="2026-02-01")],
        ),
        "deny",
        [],
        ["facial_recognition"],
        ["PROCESS_EXPIRED", "CATEGORY_REQUIRES_PROCESS", "NOTHING_RELEASABLE"],
    ),
    case(
        "strict-bulk-denied",
        "strict",
        make_request(records=["vehicle_registration"], bulk=True),
        "deny",
        [],
        ["vehicle_registration"],
        ["BULK_REQUEST"],
    ),
]


class TestShippedProfiles:
    @pytest.mark.parametrize(
        "slug, request_object, decision, releasable, withheld, expected_codes, notice", CASES
    )
    def test_it_decides_as_the_rulebook_says(
        self, slug, request_object, decision, releasable, withheld, expected_codes, notice
    ):
        result = run(slug, request_object)
        assert result["profile"] == slug
        assert result["decision"] == decision
        assert result["releasable"] == releasable
        assert result["withheld"] == withheld
        assert codes(result) == expected_codes
        assert result["subject_notice"] == notice

    def test_it_covers_every_finding_code_in_the_table(self):
        covered = {code for param in CASES for code in param.values[5]}
        assert covered == ALL_CODES

    def test_it_covers_every_shipped_profile_in_the_table(self):
        assert {param.values[0] for param in CASES} == set(SHIPPED_PROFILES)

    @pytest.mark.parametrize("slug", sorted(SHIPPED_PROFILES))
    def test_it_ships_valid_rules(self, slug):
        rules = validate_rules(SHIPPED_PROFILES[slug]["rules"])
        assert validate_rules(rules) == rules  # normalised rules validate to themselves

    def test_it_ships_the_fourteen_profiles_of_the_rulebook(self):
        assert set(SHIPPED_PROFILES) == {
            "dppa",
            "ny",
            "il",
            "ma",
            "co",
            "md",
            "va",
            "or",
            "wa",
            "mn",
            "ca",
            "nm",
            "nv",
            "strict",
        }


class TestSubjectNoticeDates:
    @pytest.mark.parametrize(
        "received, due",
        [
            ("2026-07-31", "2026-08-05"),  # Friday -> Wednesday
            ("2026-11-19", "2026-11-24"),  # Thursday -> Tuesday
            ("2026-11-24", "2026-11-30"),  # Tuesday -> Monday: Thanksgiving 2026-11-26 skipped
        ],
    )
    def test_it_counts_illinois_business_days(self, received, due):
        result = run("il", immigration_request(received=received))
        assert result["subject_notice"] == {
            "required": True,
            "due": due,
            "days": 3,
            "unit": "business",
        }

    def test_it_counts_new_york_calendar_days_across_a_weekend(self):
        result = run("ny", immigration_request(received="2026-07-31"))
        assert result["subject_notice"]["due"] == "2026-08-03"

    def test_it_gives_no_notice_outside_immigration_requests(self):
        assert run("ny", make_request())["subject_notice"] is None


class TestFindings:
    def test_it_gives_every_finding_a_known_severity_a_sentence_and_a_citation(self):
        for param in CASES:
            slug, request_object = param.values[:2]
            for item in run(slug, request_object)["findings"]:
                assert item["severity"] in SEVERITIES
                assert item["message"][0].isupper() and item["message"].endswith(".")
                assert item["citation"]

    @pytest.mark.parametrize(
        "code, severity",
        [
            ("IMMIGRATION_REQUEST", "info"),
            ("INSUFFICIENT_PROCESS", "block"),
            ("NONJUDICIAL_PROCESS", "block"),
            ("SUBJECT_NOTICE_REQUIRED", "info"),
        ],
    )
    def test_it_grades_the_ny_denial(self, code, severity):
        result = run("ny", immigration_request(documents=[I200]))
        assert finding(result, code)["severity"] == severity

    def test_it_says_what_process_new_york_needs(self):
        result = run("ny", immigration_request(documents=[I200]))
        assert finding(result, "INSUFFICIENT_PROCESS")["message"] == (
            "Deny: the documents offered do not include a judicial warrant or court order "
            "signed by an Article III judge."
        )
        assert finding(result, "INSUFFICIENT_PROCESS")["citation"] == "N.Y. VTL 201(12)(a)"
        assert "administrative warrant" in finding(result, "NONJUDICIAL_PROCESS")["message"]

    def test_it_says_that_nothing_unlocks_a_nevada_request_by_itself(self):
        review = run("nv", immigration_request(documents=[A3_WARRANT]))
        assert finding(review, "JUDGE_REVIEW")["message"] == (
            "Review: the request comes with a court order or judicial warrant signed by a judge; "
            "no document unlocks an immigration request under this profile by itself, so "
            "counsel decides whether it is enough."
        )
        denied = run("nv", immigration_request(documents=[I200]))
        assert finding(denied, "INSUFFICIENT_PROCESS")["message"] == (
            "Deny: no document unlocks an immigration request under this profile by itself, and "
            "the documents offered do not include a court order or judicial warrant signed by a "
            "judge, which counsel could weigh."
        )
        assert finding(denied, "INSUFFICIENT_PROCESS")["citation"] == "SB 303 (2013); AB 407 (2023)"

    def test_it_denies_under_a_profile_that_weighs_no_document(self):
        rules = {**SHIPPED_PROFILES["nv"]["rules"], "immigration_review": []}
        result = evaluate(immigration_request(documents=[A3_WARRANT]), rules, profile="edited")
        assert finding(result, "INSUFFICIENT_PROCESS")["message"] == (
            "Deny: no document unlocks an immigration request under this profile."
        )

    def test_it_cites_the_dppa_for_highly_restricted_information(self):
        result = run("ny", make_request(INVESTIGATOR, "locate_person", ["photo", "address"]))
        assert finding(result, "HRPI_CONSENT_REQUIRED")["citation"].startswith("18 U.S.C. 2721")
        assert finding(result, "HRPI_CONSENT_REQUIRED")["category"] == "photo"

    def test_it_names_the_withheld_category_in_its_finding(self):
        result = run("co", make_request(records=["place_of_birth", "address"]))
        item = finding(result, "CATEGORY_NEVER_RELEASED")
        assert item["category"] == "place_of_birth"
        assert "place of birth" in item["message"]
        assert item["citation"] == "C.R.S. 24-74 (SB21-131)"

    def test_it_grades_bulk_by_the_profile(self):
        assert finding(run("dppa", make_request(bulk=True)), "BULK_REQUEST")["severity"] == "review"
        assert (
            finding(run("strict", make_request(bulk=True)), "BULK_REQUEST")["severity"] == "block"
        )

    def test_it_keeps_the_emergency_claim_as_a_note_for_immigration_requests(self):
        result = run("ny", immigration_request(emergency=True))
        assert finding(result, "EMERGENCY_CLAIM")["severity"] == "info"

    def test_it_says_a_warrant_without_a_judge_is_not_judicial(self):
        bad = document("judicial_warrant", "immigration_officer")
        message = finding(run("ny", immigration_request(documents=[bad])), "NOT_SIGNED_BY_JUDGE")
        assert "an immigration officer" in message["message"]

    def test_it_says_when_a_document_expired(self):
        old = document("court_order", A3, expires="2026-02-27")
        message = finding(run("ny", immigration_request(documents=[old])), "PROCESS_EXPIRED")
        assert "expired on Feb 27, 2026, before" in message["message"]
        assert "2026-02-27" not in message["message"]


class TestDecisionSummary:
    def test_it_gives_the_reason_for_a_denial(self):
        result = run("ny", immigration_request(documents=[I200]))
        assert decision_summary(result) == (
            "Deny: the documents offered do not include a judicial warrant or court order "
            "signed by an Article III judge."
        )

    def test_it_gives_the_reason_for_a_review(self):
        result = run("ny", immigration_request(documents=[MAGISTRATE_WARRANT]))
        assert decision_summary(result).startswith("Review: the request comes with a judicial")

    def test_it_lists_what_may_be_released_and_what_is_withheld(self):
        result = run("co", make_request(records=["license_record", "address", "place_of_birth"]))
        assert decision_summary(result) == (
            "Eligible: counsel may approve releasing the license record and the address. "
            "The place of birth is withheld."
        )

    def test_it_blames_the_blocked_agency_first(self):
        result = run("ny", immigration_request(agency={**ICE, "blocked": True}))
        assert decision_summary(result) == (
            "Deny: ICE ERO is blocked in the agency directory; nothing is released to it."
        )


class TestDescribeProcess:
    @pytest.mark.parametrize(
        "slug, words",
        [
            ("ny", "a judicial warrant or court order signed by an Article III judge"),
            (
                "il",
                "a court order signed by a judge, a judicial warrant signed by an Article III "
                "judge, or a judicial subpoena issued by a court",
            ),
            (
                "md",
                "a judicial warrant signed by an Article III judge or a US magistrate judge, or "
                "a judicial warrant signed by a state judge of a court in MD",
            ),
            (
                "va",
                "a court order or judicial warrant signed by a judge, a judicial subpoena issued "
                "by a court, or the written consent of the subject",
            ),
        ],
    )
    def test_it_puts_accepted_process_in_words(self, slug, words):
        rules = validate_rules(SHIPPED_PROFILES[slug]["rules"])
        assert describe_process(rules["immigration_accepted"]) == words


class TestResultShape:
    def test_it_returns_the_fields_of_the_spec(self):
        result = run("ny", immigration_request(documents=[I200]))
        assert tuple(result) == RESULT_FIELDS

    def test_it_strips_panel_keys_from_the_public_result(self):
        result = run("co", make_request(records=["place_of_birth", "address"]))
        public = public_result(result)
        assert all(
            set(item) == {"code", "severity", "message", "citation"} for item in public["findings"]
        )
        assert public["withheld"] == ["place_of_birth"]

    def test_it_accepts_an_already_validated_request(self):
        raw = immigration_request(documents=[A3_WARRANT])
        rules = SHIPPED_PROFILES["ny"]["rules"]
        assert evaluate(validate_request(raw), rules, profile="ny") == evaluate(
            raw, rules, profile="ny"
        )

    def test_it_does_not_change_its_inputs(self):
        raw = immigration_request(documents=[I200])
        before = repr(raw)
        run("ny", raw)
        assert repr(raw) == before
