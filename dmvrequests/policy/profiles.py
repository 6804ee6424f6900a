"""The shipped profiles of docs/profiles.md ("Shipped profiles"), as data.

Each entry is `slug -> {"description": ..., "rules": ...}`; the rules follow the schema
of docs/profiles.md and pass `engine.validate_rules`. They are starting templates that
summarise the cited provisions: each state's counsel reviews and adjusts its profile
before use. The data migration 0002 installs a frozen copy of this table; editing this
module later changes neither that migration nor an installed database.
"""

# Issuer shorthands of the rules schema (engine.ISSUER_GROUPS).
ANY = "any"
JUDGE_SIGNED = "judge_signed"
COURT_ISSUED = "court_issued"
FEDERAL_JUDGES = ["article_iii_judge", "magistrate_judge"]


def process(process_type, issuers, **extra):
    return {"type": process_type, "issuers": issuers, **extra}


# Federal provisions that every profile cites for the DPPA rules (18 U.S.C. 2721-2725).
DPPA_CITATIONS = {
    "agency_blocked": "Agency directory: blocked by the DMV",
    "hrpi": "18 U.S.C. 2721(a)(2); 18 U.S.C. 2725(4)",
    "permissible_use": "18 U.S.C. 2721(b)",
    "bulk": "18 U.S.C. 2721(b)",
    "emergency": "18 U.S.C. 2721(b)(1)",
}


def state_citations(citation):
    """Citations of a state profile: the state provision for state rules, DPPA for the rest."""
    return {
        **DPPA_CITATIONS,
        "immigration": citation,
        "immigration_barred": citation,
        "never_release": citation,
        "restricted": citation,
        "subject_notice": citation,
    }


def profile(name, citation, description, **rules):
    return {
        "description": description,
        "rules": {
            "name": name,
            "citation": citation,
            "immigration_trigger": [],
            "immigration_accepted": [],
            "immigration_review": [],
            "immigration_barred": [],
            "subject_notice": None,
            "never_release": [],
            "restricted": [],
            "bulk": "review",
            "citations": state_citations(citation),
            **rules,
        },
    }


SHIPPED_PROFILES = {
    "dppa": profile(
        "Federal baseline (DPPA)",
        "18 U.S.C. 2721",
        "The Driver's Privacy Protection Act alone: permissible uses, highly restricted "
        "personal information, no rule for immigration requests.",
        citations={**DPPA_CITATIONS},
    ),
    "ny": profile(
        "New York",
        "N.Y. VTL 201(12)(a)",
        "Green Light law: an agency that primarily enforces immigration law gets records only "
        "with a judicial warrant or court order signed by an Article III judge; the subject is "
        "notified within 3 days.",
        immigration_trigger=["agency"],
        immigration_accepted=[
            process("judicial_warrant", ["article_iii_judge"]),
            process("court_order", ["article_iii_judge"]),
        ],
        immigration_review=[
            process("judicial_warrant", ["magistrate_judge"]),
            process("court_order", ["magistrate_judge"]),
        ],
        subject_notice={"days": 3, "unit": "calendar"},
    ),
    "il": profile(
        "Illinois",
        "625 ILCS 5/6-110.3",
        "An immigration agency gets records only with a court order, a judicial warrant signed "
        "by an Article III judge, or a judicial subpoena; the subject is notified within 3 "
        "business days.",
        immigration_trigger=["agency"],
        immigration_accepted=[
            process("court_order", JUDGE_SIGNED),
            process("judicial_warrant", ["article_iii_judge"]),
            process("judicial_subpoena", COURT_ISSUED),
        ],
        immigration_review=[process("judicial_warrant", ["magistrate_judge"])],
        subject_notice={"days": 3, "unit": "business"},
    ),
    "ma": profile(
        "Massachusetts",
        "St. 2022 c.81; 940 CMR 37.00",
        "Work and Family Mobility Act: immigration requests need a court order, a judicial "
        "warrant signed by an Article III judge, or a grand jury or trial subpoena; immigration "
        "status is never released for them; the subject is notified within 3 business days.",
        immigration_trigger=["agency", "purpose"],
        immigration_accepted=[
            process("court_order", JUDGE_SIGNED),
            process("judicial_warrant", ["article_iii_judge"]),
            process("grand_jury_subpoena", ANY),
            process("trial_subpoena", COURT_ISSUED),
        ],
        immigration_review=[process("judicial_warrant", ["magistrate_judge"])],
        immigration_barred=["immigration_status"],
        subject_notice={"days": 3, "unit": "business"},
    ),
    "co": profile(
        "Colorado",
        "C.R.S. 24-74 (SB21-131)",
        "Records for civil immigration enforcement only with a judicial subpoena, judicial "
        "warrant or court order; immigration status and place of birth are never released.",
        immigration_trigger=["agency", "purpose"],
        immigration_accepted=[
            process("judicial_subpoena", COURT_ISSUED),
            process("judicial_warrant", JUDGE_SIGNED),
            process("court_order", JUDGE_SIGNED),
        ],
        never_release=["immigration_status", "place_of_birth"],
    ),
    "md": profile(
        "Maryland",
        "Md. Code, Gen. Prov. 4-320.1",
        "An immigration agency gets records only with a judicial warrant signed by a federal "
        "judge or by a judge of a Maryland court.",
        immigration_trigger=["agency"],
        immigration_accepted=[
            process("judicial_warrant", FEDERAL_JUDGES),
            process("judicial_warrant", ["state_judge"], court_state="MD"),
        ],
    ),
    "va": profile(
        "Virginia",
        "Va. Code 46.2-208",
        "Records for civil immigration enforcement only with a court order, judicial subpoena, "
        "judicial warrant or the subject's consent; the subject is notified (no fixed deadline).",
        immigration_trigger=["purpose"],
        immigration_accepted=[
            process("court_order", JUDGE_SIGNED),
            process("judicial_subpoena", COURT_ISSUED),
            process("judicial_warrant", JUDGE_SIGNED),
            process("subject_consent", ANY),
        ],
        subject_notice={"days": None, "unit": None},
    ),
    "or": profile(
        "Oregon",
        "ORS 180.805, 181A.826",
        "Records for immigration enforcement only with a judicial subpoena, court order or "
        "judicial warrant.",
        immigration_trigger=["agency", "purpose"],
        immigration_accepted=[
            process("judicial_subpoena", COURT_ISSUED),
            process("court_order", JUDGE_SIGNED),
            process("judicial_warrant", JUDGE_SIGNED),
        ],
    ),
    "wa": profile(
        "Washington",
        "RCW 43.17.425",
        "Records for immigration enforcement only with a court order or judicial warrant signed "
        "by a federal judge; one signed by a state judge goes to counsel for review.",
        immigration_trigger=["agency", "purpose"],
        immigration_accepted=[
            process("court_order", FEDERAL_JUDGES),
            process("judicial_warrant", FEDERAL_JUDGES),
        ],
        immigration_review=[
            process("court_order", ["state_judge"]),
            process("judicial_warrant", ["state_judge"]),
        ],
    ),
    "mn": profile(
        "Minnesota",
        "Minn. Stat. 171.12 subd. 11",
        "The DPPA baseline, and immigration status is never released to an outside requester.",
        never_release=["immigration_status"],
    ),
    "strict": profile(
        "Strict (NILC/ACLU recommendations)",
        "NILC and ACLU model policy recommendations",
        "The most protective template: immigration requests need a judicial warrant or court "
        "order signed by a judge; immigration status, place of birth and source documents are "
        "never released for them; face searches need a judicial warrant; bulk requests are "
        "denied; the subject is notified within 3 days.",
        immigration_trigger=["agency", "purpose"],
        immigration_accepted=[
            process("judicial_warrant", JUDGE_SIGNED),
            process("court_order", JUDGE_SIGNED),
        ],
        immigration_barred=["immigration_status", "place_of_birth", "source_documents"],
        subject_notice={"days": 3, "unit": "calendar"},
        restricted=[
            {
                "category": "facial_recognition",
                "process": [process("judicial_warrant", JUDGE_SIGNED)],
            }
        ],
        bulk="deny",
    ),
}
