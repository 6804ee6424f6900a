"""The policy vocabulary of docs/profiles.md, used verbatim everywhere.

Models, forms, the engine, exports and the command line all take their values
from here so that one word means one thing.
"""

import functools
import re

from django.db import models


class AgencyKind(models.TextChoices):
    IMMIGRATION = "immigration", "Immigration enforcement"
    FEDERAL_LAW_ENFORCEMENT = "federal_law_enforcement", "Federal law enforcement"
    STATE_LAW_ENFORCEMENT = "state_law_enforcement", "State law enforcement"
    LOCAL_LAW_ENFORCEMENT = "local_law_enforcement", "Local law enforcement"
    PROSECUTOR = "prosecutor", "Prosecutor"
    COURT = "court", "Court"
    MOTOR_VEHICLE_AGENCY = "motor_vehicle_agency", "Motor vehicle agency"
    GOVERNMENT = "government", "Other government agency"
    PRIVATE = "private", "Private requester"


class Purpose(models.TextChoices):
    CRIMINAL_INVESTIGATION = "criminal_investigation", "Criminal investigation"
    CIVIL_IMMIGRATION_ENFORCEMENT = "civil_immigration_enforcement", "Civil immigration enforcement"
    LOCATE_PERSON = "locate_person", "Locate a person"
    COURT_PROCEEDING = "court_proceeding", "Court proceeding"
    TRAFFIC_ENFORCEMENT = "traffic_enforcement", "Traffic enforcement"
    EMERGENCY = "emergency", "Emergency"
    VEHICLE_SAFETY = "vehicle_safety", "Vehicle safety"
    INSURANCE = "insurance", "Insurance"
    RESEARCH = "research", "Research"
    EMPLOYMENT_VERIFICATION = "employment_verification", "Employment verification"
    OTHER = "other", "Other"


class LegalProcessType(models.TextChoices):
    JUDICIAL_WARRANT = "judicial_warrant", "Judicial warrant"
    COURT_ORDER = "court_order", "Court order"
    JUDICIAL_SUBPOENA = "judicial_subpoena", "Judicial subpoena"
    GRAND_JURY_SUBPOENA = "grand_jury_subpoena", "Grand jury subpoena"
    TRIAL_SUBPOENA = "trial_subpoena", "Trial subpoena"
    ADMINISTRATIVE_SUBPOENA = "administrative_subpoena", "Administrative subpoena"
    ADMINISTRATIVE_WARRANT = "administrative_warrant", "Administrative warrant (ICE I-200 / I-205)"
    DETAINER = "detainer", "Detainer (ICE I-247A)"
    NOTICE_TO_APPEAR = "notice_to_appear", "Notice to appear (I-862)"
    SUBJECT_CONSENT = "subject_consent", "Subject's written consent"
    NONE = "none", "No legal document"


class Issuer(models.TextChoices):
    ARTICLE_III_JUDGE = (
        "article_iii_judge",
        "Article III judge (US district, circuit or Supreme Court)",
    )
    MAGISTRATE_JUDGE = "magistrate_judge", "US magistrate judge"
    STATE_JUDGE = "state_judge", "State judge"
    COURT_CLERK = "court_clerk", "Clerk of court"
    IMMIGRATION_JUDGE = "immigration_judge", "Immigration judge"
    IMMIGRATION_OFFICER = "immigration_officer", "Immigration officer"
    OTHER_OFFICER = "other_officer", "Other officer"
    NONE = "none", "None"


class RecordCategory(models.TextChoices):
    LICENSE_RECORD = "license_record", "License record"
    ADDRESS = "address", "Address"
    PHOTO = "photo", "Photo"
    SSN = "ssn", "Social Security number"
    MEDICAL = "medical", "Medical information"
    DRIVING_HISTORY = "driving_history", "Driving history"
    VEHICLE_REGISTRATION = "vehicle_registration", "Vehicle registration"
    SOURCE_DOCUMENTS = "source_documents", "Source documents"
    IMMIGRATION_STATUS = "immigration_status", "Immigration status"
    PLACE_OF_BIRTH = "place_of_birth", "Place of birth"
    FACIAL_RECOGNITION = "facial_recognition", "Facial recognition search"
    SIGNATURE = "signature", "Signature"


class Confidence(models.TextChoices):
    """How sure the project is that a profile says what its provisions say (docs/profiles.md)."""

    CONFIRMED = "confirmed", "Confirmed"
    PARTLY_CONFIRMED = "partly_confirmed", "Partly confirmed"


CATEGORY_HELP = {
    RecordCategory.LICENSE_RECORD: "Name, license number, class, status and dates.",
    RecordCategory.ADDRESS: "Residential and mailing address on file.",
    RecordCategory.PHOTO: "The license photo (highly restricted under the DPPA).",
    RecordCategory.SSN: "Social Security number (highly restricted under the DPPA).",
    RecordCategory.MEDICAL: "Medical or disability information (highly restricted under the DPPA).",
    RecordCategory.DRIVING_HISTORY: "Violations, suspensions, crashes and points.",
    RecordCategory.VEHICLE_REGISTRATION: "Vehicles registered to the person, plates and VINs.",
    RecordCategory.SOURCE_DOCUMENTS: "Identity documents presented when applying.",
    RecordCategory.IMMIGRATION_STATUS: "Lawful presence, citizenship, REAL ID compliance markers.",
    RecordCategory.PLACE_OF_BIRTH: "Place of birth as recorded on the application.",
    RecordCategory.FACIAL_RECOGNITION: "A face search against the photo database.",
    RecordCategory.SIGNATURE: "The signature captured on the license.",
}

# Two-letter codes of US states, DC and territories (for ORIs and court states).
_STATE_LIST = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"
)
STATE_CODES = frozenset(_STATE_LIST.split())


# -- Plain words for every code ------------------------------------------------------------------
#
# Codes are for machines (the database, the engine, exports); people read labels.
# label() is the one way from a code to its words: templates use it as the `label`
# filter, the admin and letters call it. The engine's own codes are listed here,
# with the rest of the vocabulary, so that the engine stays free of presentation.

FINDING_LABELS = {
    "AGENCY_BLOCKED": "Agency blocked",
    "BULK_IMMIGRATION": "Bulk immigration request",
    "BULK_REQUEST": "Bulk request",
    "CATEGORY_BARRED_FOR_IMMIGRATION": "Category barred for immigration enforcement",
    "CATEGORY_NEVER_RELEASED": "Category never released",
    "CATEGORY_REQUIRES_PROCESS": "Category needs legal process",
    "EMERGENCY_CLAIM": "Emergency claimed",
    "HRPI_CONSENT_REQUIRED": "Highly restricted information needs consent",
    "IMMIGRATION_REQUEST": "Immigration request",
    "INSUFFICIENT_PROCESS": "Legal process not sufficient",
    "JUDGE_REVIEW": "Judge's signature to check",
    "NONJUDICIAL_PROCESS": "Not signed by a judge (administrative document)",
    "NOTHING_RELEASABLE": "Nothing can be released",
    "NOT_SIGNED_BY_JUDGE": "Not signed by a judge",
    "NO_PERMISSIBLE_USE": "No permissible use",
    "PROCESS_EXPIRED": "Legal process expired",
    "SUBJECT_NOTICE_REQUIRED": "The subject must be told",
}
# The engine's recommendation (not counsel's decision).
ENGINE_DECISION_LABELS = {
    "deny": "Deny",
    "review": "Counsel's review needed",
    "eligible": "Eligible",
}
SEVERITY_LABELS = {
    "block": "Blocks release",
    "review": "Needs counsel's judgement",
    "withhold": "Withholds a category",
    "info": "Note",
}
# "cases.legaldocument 41": an audit record's object type and id.
_OBJECT_TYPE = re.compile(r"^([a-z_]+)\.([a-z_]+)(?: #?(\d+))?$")


def _choices(enum):
    return {str(value): str(text) for value, text in enum.choices}


@functools.cache
def _vocabularies():
    """Name -> {code: label}: the choices of every vocabulary, imported when first
    asked for (the models import this module)."""
    from accounts.roles import Role
    from dmvrequests.audit.models import Action, Kind, Outcome
    from dmvrequests.cases import models as cases

    return {
        "agency_kind": _choices(AgencyKind),
        "purpose": _choices(Purpose),
        "legal_process": _choices(LegalProcessType),
        "issuer": _choices(Issuer),
        "category": _choices(RecordCategory),
        "status": _choices(cases.Status),
        "channel": _choices(cases.Channel),
        "reason": _choices(cases.ReasonCode),
        "outcome": _choices(cases.DecisionOutcome),
        "verification": _choices(cases.VerificationResult),
        "release_method": _choices(cases.ReleaseMethod),
        "notice_status": _choices(cases.NoticeStatus),
        "audit_kind": _choices(Kind),
        "audit_action": _choices(Action),
        "audit_outcome": _choices(Outcome),
        "role": _choices(Role),
        "confidence": _choices(Confidence),
        "finding": FINDING_LABELS,
        "engine_decision": ENGINE_DECISION_LABELS,
        "severity": SEVERITY_LABELS,
    }


@functools.cache
def _every_code():
    """Every code of every vocabulary, and of every model field with choices, in one
    table: the named vocabularies first (a code in two of them takes the first's label)."""
    from django.apps import apps

    table = {}
    for labels in _vocabularies().values():
        for code, text in labels.items():
            table.setdefault(code, text)
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            for code, text in getattr(model_field, "flatchoices", None) or ():
                if isinstance(code, str) and code:
                    table.setdefault(code, str(text))
    return table


def vocabulary_names():
    return tuple(_vocabularies())


def known_codes():
    """Every code a label exists for (the raw-code test looks for these on every page)."""
    return frozenset(_every_code())


def _object_label(match):
    from django.apps import apps
    from django.utils.text import capfirst

    try:
        model = apps.get_model(match[1], match[2])
    except LookupError:
        return None
    words = capfirst(str(model._meta.verbose_name))
    return f"{words} #{match[3]}" if match[3] else words


def _spelled_out(code):
    """The last resort for a code no table knows: "some_code" -> "Some code"."""
    words = code.replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:]


def label(code, vocabulary=None):
    """The words for a code: label("approved_full") -> "Approved: everything asked",
    label("review", "engine_decision"), label("cases.legaldocument 41") ->
    "Legal document #41". A list gives its labels joined with commas. Never the code
    itself: an unknown code is spelled out in words."""
    if code is None or code == "":
        return ""
    if isinstance(code, (list, tuple)):
        return ", ".join(label(c, vocabulary) for c in code)
    code = str(code)
    if vocabulary is not None:
        if vocabulary not in _vocabularies():
            raise KeyError(f"No vocabulary named {vocabulary!r}")
        found = _vocabularies()[vocabulary].get(code)
        if found is not None:
            return found
    found = _every_code().get(code)
    if found is not None:
        return found
    match = _OBJECT_TYPE.match(code)
    if match and (words := _object_label(match)):
        return words
    if re.fullmatch(r"[A-Za-z]+(_[A-Za-z]+)+", code):
        return _spelled_out(code)
    return code
