"""Turn a half-filled new-request form into the policy engine's request object.

The preview treats the documents as described as if counsel had verified
them, and says so: it shows the clerk what the request could lead to.
"""

from django.utils import timezone

from dmvrequests.agencies.models import Agency
from dmvrequests.formfields import parse_date, parse_datetime
from dmvrequests.vocabulary import STATE_CODES, Issuer, LegalProcessType

MAX_DOCUMENTS = 10


def _received(raw):
    # Parsed as the form parses it: an impossible date or time (February 31, 25:61)
    # is not filled in yet, so the preview uses today.
    parsed = parse_datetime(raw or "")
    return timezone.localdate(parsed) if parsed else timezone.localdate()


def _agency(raw):
    try:
        return Agency.objects.get(pk=int(raw))
    except (Agency.DoesNotExist, TypeError, ValueError):
        return None


def _documents(data):
    documents = []
    for index in range(MAX_DOCUMENTS):
        prefix = f"docs-{index}-"
        kind = data.get(prefix + "type", "")
        if kind not in LegalProcessType.values:
            continue
        issuer = data.get(prefix + "issuer", "none")
        item = {"type": kind, "issuer": issuer if issuer in Issuer.values else "none"}
        state = (data.get(prefix + "court_state") or "").strip().upper()
        if state in STATE_CODES:
            item["court_state"] = state
        for field, key in (("issued_on", "issued"), ("expires_on", "expires")):
            day = parse_date(data.get(prefix + field) or "")
            if day:
                item[key] = day.isoformat()
        documents.append(item)
    return documents


def preview_input(data):
    """(request object, []) when enough is filled in, else (None, [what is missing])."""
    agency = _agency(data.get("agency"))
    categories = data.getlist("categories")
    purpose = data.get("purpose", "")
    missing = [
        label
        for label, present in (
            ("the agency", agency),
            ("the purpose", purpose),
            ("the records asked for", categories),
        )
        if not present
    ]
    if missing:
        return None, missing
    return (
        {
            "received": _received(data.get("received_at")).isoformat(),
            "agency": {"kind": agency.kind, "name": agency.name, "blocked": agency.blocked},
            "purpose": purpose,
            "records": categories,
            "legal_process": _documents(data),
            "bulk": data.get("bulk") == "on",
            "emergency": data.get("emergency") == "on",
        },
        [],
    )
