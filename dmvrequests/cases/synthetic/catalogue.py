"""What synthetic cases are made of: names, kinds of request, agencies, words."""

from dataclasses import dataclass
from itertools import accumulate

from faker.providers.person.en_US import Provider as UnitedStatesNames

from dmvrequests.cases.models import DecisionOutcome, ReasonCode
from dmvrequests.vocabulary import AgencyKind


def _words(text):
    return tuple(text.split())


OFFICE_NAMES = (
    "Albany",
    "Buffalo",
    "Rochester",
    "Syracuse",
    "Manhattan",
    "Brooklyn",
    "Queens",
    "Bronx",
    "Long Island",
    "Westchester",
    "Utica",
    "Binghamton",
)
FIRST_NAMES = _words(
    "Maria James John Wei Fatima Carlos Anna Samuel Linh Priya David Aisha Michael Sofia "
    "Daniel Olga Kwame Elena Luis Grace Omar Hannah Diego Mei Ivan Chloe Ahmed Laura Juan "
    "Nadia Peter Rosa Tomas Yusuf Emily Mateo Leila Robert Ana Kevin Sara Hiroshi Julia Andre "
    "Zoe Ming"
)
LAST_NAMES = _words(
    "Lopez Smith Chen Diallo Romero Kowalski Okafor Nguyen Patel Cohen Johnson Garcia Kim "
    "Brown Rossi Ivanova Mensah Haddad Williams Martinez Singh Murphy Silva Tanaka Novak "
    "Jones Ortiz Khan Davis Miller Wilson Moore Taylor Anderson Thomas Jackson White Harris "
    "Martin Thompson Clark Lewis Walker Hall Allen Young Hernandez King Wright Scott Green "
    "Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres "
    "Parker Collins Edwards"
)


def _frequency_table(*tables):
    """(names, cumulative weights) of one or more {name: frequency} tables, each table
    counting as much as the others (`random.choices(names, cum_weights=...)`)."""
    names: list[str] = []
    weights: list[float] = []
    for table in tables:
        total = sum(table.values()) * len(tables)
        names.extend(table)
        weights.extend(weight / total for weight in table.values())
    return tuple(names), tuple(accumulate(weights))


# Subjects' names, drawn as often as people carry them: Faker's en_US tables are the US
# Census Bureau's most frequent first names (381 women's and 322 men's, half the draws
# each) and 1,000 surnames, with their frequencies. A first and last name then repeat
# as they do in a state's records (a subject's full name is shared by about 17 cases at
# 1,000,000, a first name by about 5,000), where the 46 first and 69 last names above,
# drawn evenly, made every full name one of 3,174 and each name ~315 cases at 1,000,000
# (~6 at 20,000): a search's matches then grew with the table fifty times over.
SUBJECT_FIRST_NAMES = _frequency_table(
    UnitedStatesNames.first_names_female, UnitedStatesNames.first_names_male
)
SUBJECT_LAST_NAMES = _frequency_table(UnitedStatesNames.last_names)

COUNTIES = _words(
    "Albany Erie Monroe Onondaga Westchester Suffolk Nassau Oneida Broome Dutchess Orange "
    "Rensselaer Saratoga Schenectady Ulster Niagara Chautauqua Oswego Jefferson Ontario"
)
NEIGHBOUR_STATES = _words("NJ PA CT VT MA OH MI MD")
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O or Q in a VIN

# How requests arrive (shares in percent).
CHANNEL_WEIGHTS = {"email": 45, "portal": 10, "fax": 12, "phone": 10, "mail": 18, "in_person": 5}


@dataclass(frozen=True)
class Archetype:
    """A kind of request a legal unit sees every day, with its share of the mix."""

    weight: int
    kinds: tuple
    purpose: str
    categories: tuple
    documents: tuple  # (type, issuer) pairs
    emergency: bool = False
    bulk: bool = False


# weight | agency kinds | purpose | categories asked | legal document type/issuer | flags
ARCHETYPE_TABLE = """
18 | local_law_enforcement state_law_enforcement | criminal_investigation | address license_record | judicial_subpoena/court_clerk |
10 | local_law_enforcement state_law_enforcement | criminal_investigation | address license_record photo | judicial_warrant/state_judge |
10 | local_law_enforcement state_law_enforcement | criminal_investigation | vehicle_registration | |
 8 | local_law_enforcement state_law_enforcement | traffic_enforcement | driving_history license_record | |
 2 | local_law_enforcement | emergency | address | | emergency
 1 | local_law_enforcement | criminal_investigation | vehicle_registration | | bulk
 6 | prosecutor | court_proceeding | driving_history license_record photo | trial_subpoena/court_clerk |
 4 | court | court_proceeding | address license_record | court_order/state_judge |
 4 | federal_law_enforcement | criminal_investigation | address license_record photo | judicial_warrant/magistrate_judge |
 2 | federal_law_enforcement | criminal_investigation | address | administrative_subpoena/other_officer |
 5 | immigration | civil_immigration_enforcement | address photo | administrative_warrant/immigration_officer |
 2 | immigration | civil_immigration_enforcement | address | judicial_warrant/article_iii_judge |
 1 | immigration | criminal_investigation | license_record place_of_birth | judicial_warrant/magistrate_judge |
 4 | motor_vehicle_agency | vehicle_safety | driving_history vehicle_registration | |
 3 | government | employment_verification | license_record | subject_consent/none |
 8 | private | insurance | driving_history license_record | |
 3 | private | locate_person | address photo | |
 1 | private | research | driving_history | |
"""


def _archetypes(table):
    archetypes = []
    for line in table.strip().splitlines():
        weight, kinds, purpose, categories, document, flags = (p.strip() for p in line.split("|"))
        archetypes.append(
            Archetype(
                weight=int(weight),
                kinds=_words(kinds),
                purpose=purpose,
                categories=_words(categories),
                documents=(tuple(document.split("/")),) if document else (),
                emergency="emergency" in flags,
                bulk="bulk" in flags,
            )
        )
    return tuple(archetypes)


ARCHETYPES = _archetypes(ARCHETYPE_TABLE)
JUDICIAL_ISSUERS = frozenset(
    {"article_iii_judge", "magistrate_judge", "state_judge", "court_clerk"}
)

LOCAL, STATE = AgencyKind.LOCAL_LAW_ENFORCEMENT, AgencyKind.STATE_LAW_ENFORCEMENT
# Agencies made up per kind, times a scale that grows with the number of cases; the
# federal directory (agencies migration 0002) is used as it is.
AGENCY_PLAN = (
    (LOCAL, "{county} Police Department", 40),
    (LOCAL, "{county} County Sheriff", 15),
    (STATE, "State Police Troop {letter}", 8),
    (AgencyKind.PROSECUTOR, "{county} County District Attorney", 15),
    (AgencyKind.COURT, "{county} County Court", 10),
    (AgencyKind.MOTOR_VEHICLE_AGENCY, "{state} Motor Vehicle Department", 8),
    (AgencyKind.GOVERNMENT, "{county} County Department of Social Services", 5),
    (AgencyKind.PRIVATE, "{last} Mutual Insurance", 10),
    (AgencyKind.PRIVATE, "{last} Investigations", 5),
)
LAW_ENFORCEMENT = frozenset({LOCAL, STATE, AgencyKind.PROSECUTOR})

RATIONALES = {
    DecisionOutcome.APPROVED: "Verified the legal process with the issuing court; its scope "
    "covers the records released.",
    DecisionOutcome.DENIED: "No accepted legal process was offered for the records asked.",
}
# The engine's finding behind a denial -> the reason code counsel would choose.
DENIAL_REASONS = {
    "NONJUDICIAL_PROCESS": ReasonCode.NON_JUDICIAL_DOCUMENT,
    "NOT_SIGNED_BY_JUDGE": ReasonCode.NON_JUDICIAL_DOCUMENT,
    "NO_PERMISSIBLE_USE": ReasonCode.PROHIBITED_PURPOSE,
    "BULK_REQUEST": ReasonCode.BULK_REQUEST,
    "BULK_IMMIGRATION": ReasonCode.BULK_REQUEST,
    "AGENCY_BLOCKED": ReasonCode.AGENCY_BLOCKED,
    "CATEGORY_NEVER_RELEASED": ReasonCode.CATEGORY_RESTRICTED,
    "CATEGORY_BARRED_FOR_IMMIGRATION": ReasonCode.CATEGORY_RESTRICTED,
}
QUESTION = "Send the signed court order; the copy we have is unsigned."
ANSWER = "The agency sent the signed order by secure email."
NOTICE_EXEMPTION = "Notice would jeopardise an ongoing criminal investigation."
NOTICE_METHOD = "First-class mail"
CHECKLIST_FIELDS = (
    "type_identified",
    "signed_by_judge",
    "court_named",
    "docket_present",
    "dates_valid",
    "subject_matches",
    "scope_covers",
    "confirmed_with_court",
)
