"""Install the eleven shipped policy profiles and activate settings.POLICY_PROFILE.

The profiles are a frozen copy of dmvrequests/policy/profiles.py as it stood when this
migration was written: a migration must give the same database whenever it runs, so
later edits to profiles.py do not reach it (ship them as a new migration or through
the admin, where every change bumps the version and is recorded in the history).
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

FALLBACK_PROFILE = "dppa"

SHIPPED_PROFILES = {
    "dppa": {
        "description": "The Driver's Privacy Protection Act alone: permissible uses, highly "
        "restricted personal information, no rule for immigration requests.",
        "rules": {
            "name": "Federal baseline (DPPA)",
            "citation": "18 U.S.C. 2721",
            "immigration_trigger": [],
            "immigration_accepted": [],
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
            },
        },
    },
    "ny": {
        "description": "Green Light law: an agency that primarily enforces immigration law gets "
        "records only with a judicial warrant or court order signed by an Article "
        "III judge; the subject is notified within 3 days.",
        "rules": {
            "name": "New York",
            "citation": "N.Y. VTL 201(12)(a)",
            "immigration_trigger": ["agency"],
            "immigration_accepted": [
                {"type": "judicial_warrant", "issuers": ["article_iii_judge"]},
                {"type": "court_order", "issuers": ["article_iii_judge"]},
            ],
            "immigration_review": [
                {"type": "judicial_warrant", "issuers": ["magistrate_judge"]},
                {"type": "court_order", "issuers": ["magistrate_judge"]},
            ],
            "immigration_barred": [],
            "subject_notice": {"days": 3, "unit": "calendar"},
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "N.Y. VTL 201(12)(a)",
                "immigration_barred": "N.Y. VTL 201(12)(a)",
                "never_release": "N.Y. VTL 201(12)(a)",
                "restricted": "N.Y. VTL 201(12)(a)",
                "subject_notice": "N.Y. VTL 201(12)(a)",
            },
        },
    },
    "il": {
        "description": "An immigration agency gets records only with a court order, a judicial "
        "warrant signed by an Article III judge, or a judicial subpoena; the "
        "subject is notified within 3 business days.",
        "rules": {
            "name": "Illinois",
            "citation": "625 ILCS 5/6-110.3",
            "immigration_trigger": ["agency"],
            "immigration_accepted": [
                {"type": "court_order", "issuers": "judge_signed"},
                {"type": "judicial_warrant", "issuers": ["article_iii_judge"]},
                {"type": "judicial_subpoena", "issuers": "court_issued"},
            ],
            "immigration_review": [{"type": "judicial_warrant", "issuers": ["magistrate_judge"]}],
            "immigration_barred": [],
            "subject_notice": {"days": 3, "unit": "business"},
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "625 ILCS 5/6-110.3",
                "immigration_barred": "625 ILCS 5/6-110.3",
                "never_release": "625 ILCS 5/6-110.3",
                "restricted": "625 ILCS 5/6-110.3",
                "subject_notice": "625 ILCS 5/6-110.3",
            },
        },
    },
    "ma": {
        "description": "Work and Family Mobility Act: immigration requests need a court order, a "
        "judicial warrant signed by an Article III judge, or a grand jury or trial "
        "subpoena; immigration status is never released for them; the subject is "
        "notified within 3 business days.",
        "rules": {
            "name": "Massachusetts",
            "citation": "St. 2022 c.81; 940 CMR 37.00",
            "immigration_trigger": ["agency", "purpose"],
            "immigration_accepted": [
                {"type": "court_order", "issuers": "judge_signed"},
                {"type": "judicial_warrant", "issuers": ["article_iii_judge"]},
                {"type": "grand_jury_subpoena", "issuers": "any"},
                {"type": "trial_subpoena", "issuers": "court_issued"},
            ],
            "immigration_review": [{"type": "judicial_warrant", "issuers": ["magistrate_judge"]}],
            "immigration_barred": ["immigration_status"],
            "subject_notice": {"days": 3, "unit": "business"},
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "St. 2022 c.81; 940 CMR 37.00",
                "immigration_barred": "St. 2022 c.81; 940 CMR 37.00",
                "never_release": "St. 2022 c.81; 940 CMR 37.00",
                "restricted": "St. 2022 c.81; 940 CMR 37.00",
                "subject_notice": "St. 2022 c.81; 940 CMR 37.00",
            },
        },
    },
    "co": {
        "description": "Records for civil immigration enforcement only with a judicial subpoena, "
        "judicial warrant or court order; immigration status and place of birth are "
        "never released.",
        "rules": {
            "name": "Colorado",
            "citation": "C.R.S. 24-74 (SB21-131)",
            "immigration_trigger": ["agency", "purpose"],
            "immigration_accepted": [
                {"type": "judicial_subpoena", "issuers": "court_issued"},
                {"type": "judicial_warrant", "issuers": "judge_signed"},
                {"type": "court_order", "issuers": "judge_signed"},
            ],
            "immigration_review": [],
            "immigration_barred": [],
            "subject_notice": None,
            "never_release": ["immigration_status", "place_of_birth"],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "C.R.S. 24-74 (SB21-131)",
                "immigration_barred": "C.R.S. 24-74 (SB21-131)",
                "never_release": "C.R.S. 24-74 (SB21-131)",
                "restricted": "C.R.S. 24-74 (SB21-131)",
                "subject_notice": "C.R.S. 24-74 (SB21-131)",
            },
        },
    },
    "md": {
        "description": "An immigration agency gets records only with a judicial warrant signed by "
        "a federal judge or by a judge of a Maryland court.",
        "rules": {
            "name": "Maryland",
            "citation": "Md. Code, Gen. Prov. 4-320.1",
            "immigration_trigger": ["agency"],
            "immigration_accepted": [
                {"type": "judicial_warrant", "issuers": ["article_iii_judge", "magistrate_judge"]},
                {"type": "judicial_warrant", "issuers": ["state_judge"], "court_state": "MD"},
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
                "immigration": "Md. Code, Gen. Prov. 4-320.1",
                "immigration_barred": "Md. Code, Gen. Prov. 4-320.1",
                "never_release": "Md. Code, Gen. Prov. 4-320.1",
                "restricted": "Md. Code, Gen. Prov. 4-320.1",
                "subject_notice": "Md. Code, Gen. Prov. 4-320.1",
            },
        },
    },
    "va": {
        "description": "Records for civil immigration enforcement only with a court order, "
        "judicial subpoena, judicial warrant or the subject's consent; the subject "
        "is notified (no fixed deadline).",
        "rules": {
            "name": "Virginia",
            "citation": "Va. Code 46.2-208",
            "immigration_trigger": ["purpose"],
            "immigration_accepted": [
                {"type": "court_order", "issuers": "judge_signed"},
                {"type": "judicial_subpoena", "issuers": "court_issued"},
                {"type": "judicial_warrant", "issuers": "judge_signed"},
                {"type": "subject_consent", "issuers": "any"},
            ],
            "immigration_review": [],
            "immigration_barred": [],
            "subject_notice": {"days": None, "unit": None},
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "Va. Code 46.2-208",
                "immigration_barred": "Va. Code 46.2-208",
                "never_release": "Va. Code 46.2-208",
                "restricted": "Va. Code 46.2-208",
                "subject_notice": "Va. Code 46.2-208",
            },
        },
    },
    "or": {
        "description": "Records for immigration enforcement only with a judicial subpoena, court "
        "order or judicial warrant.",
        "rules": {
            "name": "Oregon",
            "citation": "ORS 180.805, 181A.826",
            "immigration_trigger": ["agency", "purpose"],
            "immigration_accepted": [
                {"type": "judicial_subpoena", "issuers": "court_issued"},
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
                "immigration": "ORS 180.805, 181A.826",
                "immigration_barred": "ORS 180.805, 181A.826",
                "never_release": "ORS 180.805, 181A.826",
                "restricted": "ORS 180.805, 181A.826",
                "subject_notice": "ORS 180.805, 181A.826",
            },
        },
    },
    "wa": {
        "description": "Records for immigration enforcement only with a court order or judicial "
        "warrant signed by a federal judge; one signed by a state judge goes to "
        "counsel for review.",
        "rules": {
            "name": "Washington",
            "citation": "RCW 43.17.425",
            "immigration_trigger": ["agency", "purpose"],
            "immigration_accepted": [
                {"type": "court_order", "issuers": ["article_iii_judge", "magistrate_judge"]},
                {"type": "judicial_warrant", "issuers": ["article_iii_judge", "magistrate_judge"]},
            ],
            "immigration_review": [
                {"type": "court_order", "issuers": ["state_judge"]},
                {"type": "judicial_warrant", "issuers": ["state_judge"]},
            ],
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
                "immigration": "RCW 43.17.425",
                "immigration_barred": "RCW 43.17.425",
                "never_release": "RCW 43.17.425",
                "restricted": "RCW 43.17.425",
                "subject_notice": "RCW 43.17.425",
            },
        },
    },
    "mn": {
        "description": "The DPPA baseline, and immigration status is never released to an outside "
        "requester.",
        "rules": {
            "name": "Minnesota",
            "citation": "Minn. Stat. 171.12 subd. 11",
            "immigration_trigger": [],
            "immigration_accepted": [],
            "immigration_review": [],
            "immigration_barred": [],
            "subject_notice": None,
            "never_release": ["immigration_status"],
            "restricted": [],
            "bulk": "review",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "Minn. Stat. 171.12 subd. 11",
                "immigration_barred": "Minn. Stat. 171.12 subd. 11",
                "never_release": "Minn. Stat. 171.12 subd. 11",
                "restricted": "Minn. Stat. 171.12 subd. 11",
                "subject_notice": "Minn. Stat. 171.12 subd. 11",
            },
        },
    },
    "strict": {
        "description": "The most protective template: immigration requests need a judicial "
        "warrant or court order signed by a judge; immigration status, place of "
        "birth and source documents are never released for them; face searches "
        "need a judicial warrant; bulk requests are denied; the subject is "
        "notified within 3 days.",
        "rules": {
            "name": "Strict (NILC/ACLU recommendations)",
            "citation": "NILC and ACLU model policy recommendations",
            "immigration_trigger": ["agency", "purpose"],
            "immigration_accepted": [
                {"type": "judicial_warrant", "issuers": "judge_signed"},
                {"type": "court_order", "issuers": "judge_signed"},
            ],
            "immigration_review": [],
            "immigration_barred": ["immigration_status", "place_of_birth", "source_documents"],
            "subject_notice": {"days": 3, "unit": "calendar"},
            "never_release": [],
            "restricted": [
                {
                    "category": "facial_recognition",
                    "process": [{"type": "judicial_warrant", "issuers": "judge_signed"}],
                }
            ],
            "bulk": "deny",
            "citations": {
                "agency_blocked": "Agency directory: blocked by the DMV",
                "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
                "permissible_use": "18 U.S.C. 2721(b)",
                "bulk": "18 U.S.C. 2721(b)",
                "emergency": "18 U.S.C. 2721(b)(1)",
                "immigration": "NILC and ACLU model policy recommendations",
                "immigration_barred": "NILC and ACLU model policy recommendations",
                "never_release": "NILC and ACLU model policy recommendations",
                "restricted": "NILC and ACLU model policy recommendations",
                "subject_notice": "NILC and ACLU model policy recommendations",
            },
        },
    },
}


def install_profiles(apps, schema_editor):
    PolicyProfile = apps.get_model("policy", "PolicyProfile")
    HistoricalPolicyProfile = apps.get_model("policy", "HistoricalPolicyProfile")
    for slug, shipped in SHIPPED_PROFILES.items():
        if PolicyProfile.objects.filter(slug=slug).exists():
            continue
        rules = shipped["rules"]
        profile = PolicyProfile.objects.create(
            slug=slug,
            name=rules["name"],
            citation=rules["citation"],
            description=shipped["description"],
            rules=rules,
        )
        record_history(HistoricalPolicyProfile, profile, "+", "Installed by migration (shipped).")
    if not PolicyProfile.objects.filter(is_active=True).exists():
        profile = PolicyProfile.objects.get(slug=configured_slug())
        profile.is_active = True
        profile.save(update_fields=["is_active", "updated_at"])
        record_history(HistoricalPolicyProfile, profile, "~", "Activated by migration.")


def configured_slug():
    slug = getattr(settings, "POLICY_PROFILE", FALLBACK_PROFILE)
    # An unknown POLICY_PROFILE falls back to the federal baseline.
    return slug if slug in SHIPPED_PROFILES else FALLBACK_PROFILE


def record_history(HistoricalPolicyProfile, profile, history_type, reason):
    # Historical models send no signals inside migrations: write the history row here.
    fields = ("id", "slug", "name", "citation", "description", "rules", "version", "is_active")
    HistoricalPolicyProfile.objects.create(
        **{field: getattr(profile, field) for field in fields},
        created_at=profile.created_at,
        updated_at=profile.updated_at,
        history_date=timezone.now(),
        history_type=history_type,
        history_change_reason=reason,
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(install_profiles, migrations.RunPython.noop)]
