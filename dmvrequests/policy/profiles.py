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
    "ca": profile(
        "California",
        "Cal. Gov. Code 7284.6 (AB 1747, 2019); Veh. Code 12801.9; AB 1766 (2022)",
        "California Values Act and the driver's license provisions: records for civil "
        "immigration enforcement only with a court order or judicial warrant signed by a judge. "
        "Partly confirmed: which section holds the court-order exception, and who must sign the "
        "order, are open questions for counsel.",
        immigration_trigger=["purpose"],
        immigration_accepted=[
            process("court_order", JUDGE_SIGNED),
            process("judicial_warrant", JUDGE_SIGNED),
        ],
    ),
    "nm": profile(
        "New Mexico",
        "NMSA 66-2-7.1 as amended by SB 36 (2025)",
        "Records for civil immigration enforcement only with a court order signed by a judge. "
        "Partly confirmed: the scope of the amendment's felony carve-out is an open question for "
        "counsel; the profile has no such exception.",
        immigration_trigger=["purpose"],
        immigration_accepted=[process("court_order", JUDGE_SIGNED)],
    ),
    "nv": profile(
        "Nevada",
        "SB 303 (2013); AB 407 (2023)",
        "No legal document unlocks a request for civil immigration enforcement by itself: a "
        "court order or judicial warrant signed by a judge goes to counsel's judgement, anything "
        "else is denied; immigration status is never released for such a request. Partly "
        "confirmed: whether AB 407 lets any process unlock such a request is an open question "
        "for counsel.",
        immigration_trigger=["purpose"],
        immigration_review=[
            process("court_order", JUDGE_SIGNED),
            process("judicial_warrant", JUDGE_SIGNED),
        ],
        immigration_barred=["immigration_status"],
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


# -- Confidence (docs/profiles.md, "Confidence and review") ---------------------------------------
#
# How sure the project is that each shipped profile says what its provisions say: the sources
# it was written from (with the day they were read) and the questions those sources left open.
# A profile whose open questions are not empty is "partly confirmed". The data migration 0004
# installs a frozen copy of this table.

CONFIRMED = "confirmed"
PARTLY_CONFIRMED = "partly_confirmed"
FIRST_READ = "2026-11-21"  # the first eleven profiles
SECOND_READ = "2026-11-30"  # ca, nm and nv
PARTIAL_TEXT = "bill text and summaries; not every later subsection could be read"
DPPA_SOURCES = [
    {"citation": "18 U.S.C. 2721", "read_on": FIRST_READ},
    {"citation": "18 U.S.C. 2725", "read_on": FIRST_READ},
]


def sources(*citations, read_on=FIRST_READ, note=""):
    """The profile's own provisions, then the DPPA that every profile applies."""
    own = [{"citation": citation, "read_on": read_on} for citation in citations]
    if note:
        own = [{**source, "note": note} for source in own]
    return [*own, *DPPA_SOURCES]


def confirmed(*citations):
    return {"confidence": CONFIRMED, "sources": sources(*citations), "open_questions": []}


PROFILE_CONFIDENCE = {
    "dppa": {"confidence": CONFIRMED, "sources": list(DPPA_SOURCES), "open_questions": []},
    "ny": confirmed("N.Y. VTL 201(12)(a)"),
    "il": confirmed("625 ILCS 5/6-110.3"),
    "ma": confirmed("St. 2022 c.81", "940 CMR 37.00"),
    "co": confirmed("C.R.S. 24-74 (SB21-131)"),
    "md": confirmed("Md. Code, Gen. Prov. 4-320.1"),
    "va": confirmed("Va. Code 46.2-208"),
    "or": confirmed("ORS 180.805", "ORS 181A.826"),
    "wa": confirmed("RCW 43.17.425"),
    "mn": confirmed("Minn. Stat. 171.12 subd. 11"),
    "ca": {
        "confidence": PARTLY_CONFIRMED,
        "sources": sources(
            "Cal. Gov. Code 7284.6 (AB 1747, 2019)",
            "Cal. Veh. Code 12801.9",
            "AB 1766 (2022)",
            read_on=SECOND_READ,
            note=PARTIAL_TEXT,
        ),
        "open_questions": [
            "Which section holds the court-order exception: the profile unlocks a request for "
            "civil immigration enforcement with a court order or judicial warrant signed by a "
            "judge.",
            "Who must sign the order: the profile accepts any judge, federal or state; the "
            "provision may ask for a particular court or judge.",
        ],
    },
    "nm": {
        "confidence": PARTLY_CONFIRMED,
        "sources": sources("NMSA 66-2-7.1", "SB 36 (2025)", read_on=SECOND_READ, note=PARTIAL_TEXT),
        "open_questions": [
            "The scope of SB 36's felony carve-out: the profile has no exception for a felony "
            "investigation and unlocks a request for civil immigration enforcement only with a "
            "court order signed by a judge.",
        ],
    },
    "nv": {
        "confidence": PARTLY_CONFIRMED,
        "sources": sources(
            "SB 303 (2013)", "AB 407 (2023)", read_on=SECOND_READ, note=PARTIAL_TEXT
        ),
        "open_questions": [
            "Whether AB 407 lets any legal process unlock a request for civil immigration "
            "enforcement: the profile accepts none, and sends a court order or judicial warrant "
            "signed by a judge to counsel's judgement.",
        ],
    },
    "strict": confirmed("NILC and ACLU model policy recommendations"),
}
