"""Install the profiles ca, nm and nv, and record every shipped profile's confidence.

Frozen copies, like 0002: the three new rows of dmvrequests/policy/profiles.py as they
stood when this migration was written, and the confidence table (confidence, sources
with the day they were read, open questions). An installation that already has a
profile under one of these slugs keeps its rules. No profile is marked reviewed: only
an administrator records a state counsel's review (docs/profiles.md).
"""

from django.db import migrations
from django.utils import timezone

NEW_PROFILES = {
    "ca": {
        "description": "California Values Act and the driver's license provisions: records for "
        "civil immigration enforcement only with a court order or judicial warrant "
        "signed by a judge. Partly confirmed: which section holds the court-order "
        "exception, and who must sign the order, are open questions for counsel.",
        "rules": {
            "name": "California",
            "citation": "Cal. Gov. Code 7284.6 (AB 1747, 2019); Veh. Code 12801.9; AB 1766 (2022)",
            "immigration_trigger": ["purpose"],
            "immigration_accepted": [
                {"type": "court_order", "issuers": "judge_signed"},
                {"type": "judicial_warrant", "issuers": "judge_signed"},
            ],
            "immigration_review": [],
            "immigration_barred": [],
            "subject_notice": None,
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "Cal. Gov. Code 7284.6 (AB 1747, 2019); Veh. Code "
                "12801.9; AB 1766 (2022)",
                "immigration_barred": "Cal. Gov. Code 7284.6 (AB 1747, 2019); Veh. "
                "Code 12801.9; AB 1766 (2022)",
                "never_release": "Cal. Gov. Code 7284.6 (AB 1747, 2019); Veh. Code "
                "12801.9; AB 1766 (2022)",
                "restricted": "Cal. Gov. Code 7284.6 (AB 1747, 2019); Veh. Code "
                "12801.9; AB 1766 (2022)",
                "subject_notice": "Cal. Gov. Code 7284.6 (AB 1747, 2019); Veh. "
                "Code 12801.9; AB 1766 (2022)",
            },
        },
    },
    "nm": {
        "description": "Records for civil immigration enforcement only with a court order signed "
        "by a judge. Partly confirmed: the scope of the amendment's felony "
        "carve-out is an open question for counsel; the profile has no such "
        "exception.",
        "rules": {
            "name": "New Mexico",
            "citation": "NMSA 66-2-7.1 as amended by SB 36 (2025)",
            "immigration_trigger": ["purpose"],
            "immigration_accepted": [{"type": "court_order", "issuers": "judge_signed"}],
            "immigration_review": [],
            "immigration_barred": [],
            "subject_notice": None,
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "NMSA 66-2-7.1 as amended by SB 36 (2025)",
                "immigration_barred": "NMSA 66-2-7.1 as amended by SB 36 (2025)",
                "never_release": "NMSA 66-2-7.1 as amended by SB 36 (2025)",
                "restricted": "NMSA 66-2-7.1 as amended by SB 36 (2025)",
                "subject_notice": "NMSA 66-2-7.1 as amended by SB 36 (2025)",
            },
        },
    },
    "nv": {
        "description": "No legal document unlocks a request for civil immigration enforcement by "
        "itself: a court order or judicial warrant signed by a judge goes to "
        "counsel's judgement, anything else is denied; immigration status is never "
        "released for such a request. Partly confirmed: whether AB 407 lets any "
        "process unlock such a request is an open question for counsel.",
        "rules": {
            "name": "Nevada",
            "citation": "SB 303 (2013); AB 407 (2023)",
            "immigration_trigger": ["purpose"],
            "immigration_accepted": [],
            "immigration_review": [
                {"type": "court_order", "issuers": "judge_signed"},
                {"type": "judicial_warrant", "issuers": "judge_signed"},
            ],
            "immigration_barred": ["immigration_status"],
            "subject_notice": None,
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "SB 303 (2013); AB 407 (2023)",
                "immigration_barred": "SB 303 (2013); AB 407 (2023)",
                "never_release": "SB 303 (2013); AB 407 (2023)",
                "restricted": "SB 303 (2013); AB 407 (2023)",
                "subject_notice": "SB 303 (2013); AB 407 (2023)",
            },
        },
    },
}

CONFIDENCE = {
    "dppa": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "ny": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "N.Y. VTL 201(12)(a)", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "il": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "625 ILCS 5/6-110.3", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "ma": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "St. 2022 c.81", "read_on": "2026-11-21"},
            {"citation": "940 CMR 37.00", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "co": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "C.R.S. 24-74 (SB21-131)", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "md": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "Md. Code, Gen. Prov. 4-320.1", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "va": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "Va. Code 46.2-208", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "or": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "ORS 180.805", "read_on": "2026-11-21"},
            {"citation": "ORS 181A.826", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "wa": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "RCW 43.17.425", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "mn": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "Minn. Stat. 171.12 subd. 11", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
    "ca": {
        "confidence": "partly_confirmed",
        "sources": [
            {
                "citation": "Cal. Gov. Code 7284.6 (AB 1747, 2019)",
                "read_on": "2026-11-30",
                "note": "bill text and summaries; not every later subsection could be read",
            },
            {
                "citation": "Cal. Veh. Code 12801.9",
                "read_on": "2026-11-30",
                "note": "bill text and summaries; not every later subsection could be read",
            },
            {
                "citation": "AB 1766 (2022)",
                "read_on": "2026-11-30",
                "note": "bill text and summaries; not every later subsection could be read",
            },
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [
            "Which section holds the court-order exception: the profile unlocks a "
            "request for civil immigration enforcement with a court order or "
            "judicial warrant signed by a judge.",
            "Who must sign the order: the profile accepts any judge, federal or "
            "state; the provision may ask for a particular court or judge.",
        ],
    },
    "nm": {
        "confidence": "partly_confirmed",
        "sources": [
            {
                "citation": "NMSA 66-2-7.1",
                "read_on": "2026-11-30",
                "note": "bill text and summaries; not every later subsection could be read",
            },
            {
                "citation": "SB 36 (2025)",
                "read_on": "2026-11-30",
                "note": "bill text and summaries; not every later subsection could be read",
            },
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [
            "The scope of SB 36's felony carve-out: the profile has no exception "
            "for a felony investigation and unlocks a request for civil immigration "
            "enforcement only with a court order signed by a judge."
        ],
    },
    "nv": {
        "confidence": "partly_confirmed",
        "sources": [
            {
                "citation": "SB 303 (2013)",
                "read_on": "2026-11-30",
                "note": "bill text and summaries; not every later subsection could be read",
            },
            {
                "citation": "AB 407 (2023)",
                "read_on": "2026-11-30",
                "note": "bill text and summaries; not every later subsection could be read",
            },
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [
            "Whether AB 407 lets any legal process unlock a request for civil "
            "immigration enforcement: the profile accepts none, and sends a court "
            "order or judicial warrant signed by a judge to counsel's judgement."
        ],
    },
    "strict": {
        "confidence": "confirmed",
        "sources": [
            {"citation": "NILC and ACLU model policy recommendations", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"},
            {"citation": "18 U.S.C. 2725", "read_on": "2026-11-21"},
        ],
        "open_questions": [],
    },
}


def install(apps, schema_editor):
    PolicyProfile = apps.get_model("policy", "PolicyProfile")
    HistoricalPolicyProfile = apps.get_model("policy", "HistoricalPolicyProfile")
    for slug, shipped in NEW_PROFILES.items():
        if PolicyProfile.objects.filter(slug=slug).exists():
            continue
        rules = shipped["rules"]
        profile = PolicyProfile.objects.create(
            slug=slug,
            name=rules["name"],
            citation=rules["citation"],
            description=shipped["description"],
            rules=rules,
            **CONFIDENCE[slug],
        )
        record_history(HistoricalPolicyProfile, profile, "+", "Installed by migration (shipped).")
    for slug, confidence in CONFIDENCE.items():
        profile = PolicyProfile.objects.filter(slug=slug).first()
        if profile is None or all(getattr(profile, k) == v for k, v in confidence.items()):
            continue
        for field, value in confidence.items():
            setattr(profile, field, value)
        profile.save(update_fields=[*confidence, "updated_at"])
        record_history(HistoricalPolicyProfile, profile, "~", "Confidence recorded by migration.")


def record_history(HistoricalPolicyProfile, profile, history_type, reason):
    # Historical models send no signals inside migrations: write the history row here.
    fields = {
        field.attname: getattr(profile, field.attname) for field in profile._meta.concrete_fields
    }
    HistoricalPolicyProfile.objects.create(
        **fields,
        history_date=timezone.now(),
        history_type=history_type,
        history_change_reason=reason,
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_confidence_and_review")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
