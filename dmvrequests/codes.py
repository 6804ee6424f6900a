"""The codes of the policy vocabulary (docs/profiles.md, "Vocabulary"), in pure Python.

The engine, the models, forms and exports all take their values from here so that one
word means one thing. This module imports nothing but the standard library: the pure
policy engine uses it, and CI forbids the engine any import of Django or of the apps
(docs/decisions/0006-app-boundaries.md). `dmvrequests.vocabulary` re-exports every name
and adds `label()`, the words for any code of any app.
"""

import enum
from typing import TYPE_CHECKING, Any, Self


class _CodesType(enum.EnumType):
    """Gives a code class what Django's `TextChoices` gives: `values`, `labels` and
    `choices` (a new list of `(code, label)` pairs on every access, for form and model
    fields), so Django code uses these classes as it would use `TextChoices`."""

    def _members(cls) -> list[Any]:
        return list(cls.__members__.values())

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls._members()]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls._members()]

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls._members()]


class Codes(enum.StrEnum, metaclass=_CodesType):
    """A code and its words: `NAME = "code", "Label"`. A member is the `str` of its code
    (`Purpose.OTHER == "other"`) and carries `.label`."""

    label: str

    # Django templates call callables; a code class is data, not a function.
    do_not_call_in_templates = enum.nonmember(True)

    if TYPE_CHECKING:
        # What a caller sees: `Purpose("other")` looks a member up by its code.
        def __new__(cls, value: str) -> Self: ...

    else:

        def __new__(cls, value, label):
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            return member


class AgencyKind(Codes):
    IMMIGRATION = "immigration", "Immigration enforcement"
    FEDERAL_LAW_ENFORCEMENT = "federal_law_enforcement", "Federal law enforcement"
    STATE_LAW_ENFORCEMENT = "state_law_enforcement", "State law enforcement"
    LOCAL_LAW_ENFORCEMENT = "local_law_enforcement", "Local law enforcement"
    PROSECUTOR = "prosecutor", "Prosecutor"
    COURT = "court", "Court"
    MOTOR_VEHICLE_AGENCY = "motor_vehicle_agency", "Motor vehicle agency"
    GOVERNMENT = "government", "Other government agency"
    PRIVATE = "private", "Private requester"


class Purpose(Codes):
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


class LegalProcessType(Codes):
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


class Issuer(Codes):
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


class RecordCategory(Codes):
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


class Confidence(Codes):
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

# Two-letter codes of US states, DC and territories (for ORIs and court states), with the names
# said in sentences ("an ORI of DC (the District of Columbia)"): DC and the territories are not
# states, so words about another code than the DMV's own name it rather than say "state".
STATE_NAMES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "the District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "the Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "the U.S. Virgin Islands",
}
STATE_CODES = frozenset(STATE_NAMES)


def state_words(code: str) -> str:
    """A state's (DC's, a territory's) code with its name, as sentences say it: "NJ (New
    Jersey)", "DC (the District of Columbia)"; the code alone when it is none of them."""
    name = STATE_NAMES.get(code)
    return f"{code} ({name})" if name else code
