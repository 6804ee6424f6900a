"""The chain format: which fields are hashed, and how.

A record's hash is SHA-256 over the canonical JSON of its hashed fields, its
predecessor's hash included. Canonical means: keys sorted, no whitespace,
UTF-8, the time in UTC with microseconds, so the same record always gives the
same bytes whichever database stored it. No ORM here: verify_audit and the
append path share these functions, and they are easy to test alone.
"""

import hashlib
import json
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder

# The first record's predecessor.
GENESIS_HASH = "0" * 64
# Bumped if the hashed fields ever change; older records keep their version.
FORMAT_VERSION = 1

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "kind",
    "action",
    "outcome",
    "user_id",
    "username",
    "office",
    "ip_address",
    "object_type",
    "object_id",
    "case_number",
    "detail",
    "prev_hash",
)


def normalise_detail(detail):
    """The detail as it will read back from a JSON column (dates become strings)."""
    return json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))


def canonical_bytes(values):
    """`values` maps each name in HASHED_FIELDS to the record's value."""
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = (
        values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    )
    payload["v"] = FORMAT_VERSION
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def record_hash(values):
    return hashlib.sha256(canonical_bytes(values)).hexdigest()
