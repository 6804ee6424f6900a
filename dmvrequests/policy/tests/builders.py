"""Request objects for the policy tests, in the vocabulary of policy.md."""

from dmvrequests.policy.engine import evaluate
from dmvrequests.policy.profiles import SHIPPED_PROFILES

RECEIVED = "2026-03-02"  # a Monday

ICE = {"kind": "immigration", "name": "ICE ERO"}
CITY_POLICE = {"kind": "local_law_enforcement", "name": "Albany Police Department"}
FBI = {"kind": "federal_law_enforcement", "name": "FBI Albany"}
INSURER = {"kind": "private", "name": "Acme Insurance"}
INVESTIGATOR = {"kind": "private", "name": "Smith Investigations"}


def make_request(
    agency=CITY_POLICE, purpose="criminal_investigation", records=("address",), **extra
):
    request = {
        "received": RECEIVED,
        "agency": dict(agency),
        "purpose": purpose,
        "records": list(records),
    }
    request.update(extra)
    return request


def immigration_request(records=("address",), documents=(), agency=ICE, **extra):
    return make_request(
        agency, "civil_immigration_enforcement", records, legal_process=list(documents), **extra
    )


def document(process_type, issuer="none", **extra):
    return {"type": process_type, "issuer": issuer, **extra}


def run(slug, request):
    return evaluate(request, SHIPPED_PROFILES[slug]["rules"], profile=slug)


def codes(result):
    return [finding["code"] for finding in result["findings"]]


def finding(result, code):
    return next(f for f in result["findings"] if f["code"] == code)
