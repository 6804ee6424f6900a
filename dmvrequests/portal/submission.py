"""An officer's request for records, from the portal's form to a case: what the policy engine
needs, the preview of what the legal document can unlock under the active profile (in words:
never the engine's findings or counsel's notes), and the case created through the case
services (channel "portal", the requester verified by the officer's account)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from dmvrequests.cases.services import document_add, officer_case_create
from dmvrequests.policy.services import evaluate_with_profile, profile_active
from dmvrequests.timewords import moment_words
from dmvrequests.vocabulary import LegalProcessType, label

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dmvrequests.agencies.models import Officer
    from dmvrequests.cases.models import DisclosureRequest

SUBJECT_FIELDS = (
    "subject_name",
    "subject_dob",
    "subject_license_number",
    "subject_plate",
    "subject_vin",
)
DOCUMENT_FIELDS = ("court", "court_state", "docket_number", "issued_on", "expires_on")


def engine_input(*, officer: Officer, data: dict[str, Any]) -> dict[str, Any]:
    """The policy engine's request object (docs/policy-check.md) for the form's cleaned
    `data`: received today, the officer's agency, the purpose, the records, the document."""
    documents = []
    if data.get("document_type") and data["document_type"] != LegalProcessType.NONE:
        item: dict[str, Any] = {
            "type": data["document_type"],
            "issuer": data.get("issuer") or "none",
        }
        if data.get("court_state"):
            item["court_state"] = data["court_state"]
        for field, key in (("issued_on", "issued"), ("expires_on", "expires")):
            if data.get(field):
                item[key] = data[field].isoformat()
        documents.append(item)
    agency = officer.agency
    return {
        "received": timezone.localdate().isoformat(),
        "agency": {"kind": agency.kind, "name": agency.name, "blocked": agency.blocked},
        "purpose": data["purpose"],
        "records": list(data["categories"]),
        "legal_process": documents,
        "bulk": bool(data.get("bulk")),
        "emergency": bool(data.get("emergency")),
    }


def unlock_preview(*, officer: Officer, data: dict[str, Any]) -> dict[str, Any]:
    """What the document offered can and cannot unlock under the active profile, in words:
    {"profile": the profile's name, "decision": "eligible" | "review" | "deny",
    "unlocks": [record labels], "not_unlocked": [record labels]}. Only the rule's outcome:
    never the engine's findings, citations for counsel, or any note of a case."""
    profile = profile_active()
    result = evaluate_with_profile(disclosure_request=engine_input(officer=officer, data=data))
    return {
        "profile": profile.name,
        "decision": result["decision"],
        "unlocks": [label(code) for code in result["releasable"]],
        "not_unlocked": [label(code) for code in result["withheld"]],
    }


def attestation_text(officer: Officer, when: Any) -> str:
    return (
        f"Attested under penalty of perjury on the agency portal by {officer.name}"
        f"{', badge ' + officer.badge if officer.badge else ''}, {officer.agency.name}, "
        f"{moment_words(when)}: the information in this request is "
        "true and the purpose is as stated."
    )


@transaction.atomic
def portal_request_submit(
    *, officer: Officer, data: dict[str, Any], upload: UploadedFile | None = None
) -> DisclosureRequest:
    """Create the case of an officer's request through `officer_case_create`, the one rule the
    API follows too (channel "portal", received now at the office PORTAL_OFFICE names, the
    officer's agency and requester, verified by the account), the attestation recorded at
    the end of the narrative, and the legal document (with its file) when one is offered.
    Raises PermissionDenied with the reason when the officer may not submit (a blocked agency,
    no approval, a deactivated account), ValidationError or cases' WorkflowError (a file of the
    wrong type or too large) for what must be corrected; nothing is saved then."""
    refusal = officer.submit_refusal()
    if refusal:
        raise PermissionDenied(refusal)
    narrative = (data.get("narrative") or "").strip()
    narrative = f"{narrative}\n\n{attestation_text(officer, timezone.now())}".strip()
    case = officer_case_create(
        officer=officer,
        purpose=data["purpose"],
        categories=list(data["categories"]),
        attested=True,
        narrative=narrative,
        emergency=bool(data.get("emergency")),
        bulk=bool(data.get("bulk")),
        **{field: data.get(field) or _blank(field) for field in SUBJECT_FIELDS},
    )
    if data.get("document_type") and data["document_type"] != LegalProcessType.NONE:
        document_add(
            case=case,
            actor=officer.user,
            type=data["document_type"],
            issuer=data.get("issuer") or "none",
            upload=upload,
            **{field: data.get(field) or _blank(field) for field in DOCUMENT_FIELDS},
        )
    return case


def _blank(field: str) -> Any:
    return None if field in ("subject_dob", "issued_on", "expires_on") else ""
