"""Loading a state's ORI list into the directory (`manage.py import_agencies`).

The file is CSV with the header `name,kind,oris,email_domains,published_phone,blocked,
blocked_reason,blocked_since` (docs/network-queries.md, "Loading the directory"). A row whose
name (ignoring case) or one of whose ORIs matches an existing agency updates it; otherwise it
creates one. Each row is saved on its own (a refused row changes nothing and the others are
still loaded); every change is in the agency's history, made by `actor`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dmvrequests.agencies.directory import ori_directory
from dmvrequests.agencies.models import Agency, parse_ori_list, validate_ori
from dmvrequests.agencies.signals import directory_changed
from dmvrequests.vocabulary import AgencyKind

if TYPE_CHECKING:
    from accounts.models import User

HEADER = [
    "name",
    "kind",
    "oris",
    "email_domains",
    "published_phone",
    "blocked",
    "blocked_reason",
    "blocked_since",
]
# The history's reason for a version saved by an import: with no user, the auditors'
# "Directory changes" screen tells an import from the system by it.
IMPORT_REASON = "Loaded from an agency list (import)"
SAVED_FIELDS = [
    "name",
    "kind",
    "ori",
    "oris",
    "email_domains",
    "published_phone",
    "blocked",
    "blocked_reason",
    "blocked_since",
]


class AgencyFileError(Exception):
    """The file cannot be loaded at all (its header is not the contract's)."""


class RowError(Exception):
    """One row is refused; the message says what to change."""


@dataclass
class AgencyImportResult:
    created: int = 0
    updated: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "rejected": self.rejected}


def _blocked(value: str) -> bool:
    value = value.strip().lower()
    if value in ("true", "false", ""):
        return value == "true"
    raise RowError(f"blocked must be true or false, not {value[:40]!r}.")


def parse_since(value: str) -> datetime | None:
    """An ISO 8601 date (midnight in the state's time zone, TIME_ZONE) or date-time (in
    TIME_ZONE when it has no offset); None for an empty value. Raises RowError."""
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time.min)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(
            f"blocked_since must be an ISO 8601 date or date-time such as 2026-03-01, "
            f"not {value[:40]!r}."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _holders(oris: list[str]) -> set[int]:
    wanted = set(oris)
    return {a.pk for a in Agency.objects.all() if wanted.intersection(a.ori_list)}


def _find(name: str, oris: list[str]) -> Agency | None:
    by_name = Agency.objects.filter(name__iexact=name).order_by("pk").first()
    holders = _holders(oris) if oris else set()
    if by_name is not None:
        holders.discard(by_name.pk)
        if holders:
            other = Agency.objects.get(pk=min(holders))
            raise RowError(
                f"An ORI of this row belongs to {other.name!r}, another agency than "
                f"{by_name.name!r}; give each ORI to one agency."
            )
        return by_name
    if len(holders) > 1:
        raise RowError("The ORIs of this row belong to several agencies; give each to one.")
    return Agency.objects.get(pk=holders.pop()) if holders else None


def _check_patterns(oris: list[str], agency: Agency | None) -> None:
    """Refuse a value of the row that an ORI pattern of another agency covers (the agency
    that would get its queries today), as adding an ORI on the site does. Raises RowError."""
    directory = ori_directory()
    for value in oris:
        found = directory.attribute(value[:-1] if value.endswith("*") else value)
        if found.agency_id is None or (agency is not None and found.agency_id == agency.pk):
            continue
        other = Agency.objects.get(pk=found.agency_id)
        covering = [p for p in other.ori_list if p.endswith("*") and value.startswith(p[:-1])]
        pattern = max(covering, key=len) if covering else value
        raise RowError(
            f"{value} falls under {pattern} of {other.name!r}, another agency; an ORI belongs to "
            f"one agency. Remove {value} from this row, or change {other.name!r} first."
        )


def _unique_slug(name: str) -> str:
    base = (slugify(name) or "agency")[:70]
    slug, n = base, 1
    while Agency.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(agency: Agency, row: dict[str, str], now: datetime) -> None:
    oris = parse_ori_list(row["oris"])
    blocked = _blocked(row["blocked"])
    since = parse_since(row["blocked_since"])
    agency.name = row["name"].strip()
    agency.kind = row["kind"].strip()
    main = [v for v in oris if not v.endswith("*") and not _invalid_main(v)]
    agency.ori = main[0] if main else ""
    agency.oris = " ".join(v for v in oris if v != agency.ori)
    agency.email_domains = row["email_domains"]
    agency.published_phone = row["published_phone"].strip()
    agency.blocked_reason = row["blocked_reason"].strip()
    if blocked:
        agency.blocked_since = since or (agency.blocked_since if agency.blocked else None) or now
    agency.blocked = blocked


def _invalid_main(value: str) -> bool:
    try:
        validate_ori(value)
    except ValidationError:
        return True
    return False


def _check_row(row: dict[str, str]) -> None:
    if not row["name"].strip():
        raise RowError("The name is empty.")
    if row["kind"].strip() not in AgencyKind.values:
        raise RowError(
            f"Unknown agency kind {row['kind'][:40]!r}; use one of: {', '.join(AgencyKind.values)}."
        )


def _load_row(row: dict[str, str], *, actor: User | None, now: datetime) -> bool:
    """Save one row; True when it created an agency. Raises RowError or ValidationError."""
    _check_row(row)
    oris = parse_ori_list(row["oris"])
    agency = _find(row["name"].strip(), oris)
    _check_patterns(oris, agency)
    created = agency is None
    if agency is None:
        agency = Agency(slug=_unique_slug(row["name"].strip()))
    before = {name: getattr(agency, name) for name in SAVED_FIELDS}
    _apply(agency, row, now)
    agency.full_clean()
    if created or any(getattr(agency, name) != before[name] for name in SAVED_FIELDS):
        agency._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
        agency._change_reason = IMPORT_REASON  # type: ignore[attr-defined]  # idem
        agency.save()
    return created


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return " ".join(
                f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()
            )
        return " ".join(error.messages)
    return str(error)


def agencies_import(
    *, lines: Iterable[str], actor: User | None = None, now: datetime | None = None
) -> AgencyImportResult:
    """Load the CSV text `lines` (an open text file). Returns the counts and the refused rows
    with their line numbers. Raises AgencyFileError when the header is not HEADER, and
    UnicodeDecodeError when the file is not UTF-8 text. Sends `directory_changed` when a row
    was saved."""
    now = now or timezone.now()
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or [h.strip().lower().lstrip("\ufeff") for h in header] != HEADER:
        raise AgencyFileError("the first line must be the header " + ",".join(HEADER))
    result = AgencyImportResult()
    line = reader.line_num + 1
    for values in reader:
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(HEADER):
            result.rejected.append(
                {"line": start, "reason": f"{len(values)} columns, not {len(HEADER)}."}
            )
            continue
        try:
            with transaction.atomic():
                created = _load_row(dict(zip(HEADER, values, strict=True)), actor=actor, now=now)
        except (RowError, ValidationError) as error:
            result.rejected.append({"line": start, "reason": _reason(error)})
            continue
        if created:
            result.created += 1
        else:
            result.updated += 1
    if result.created or result.updated:
        directory_changed.send(sender=Agency)
    return result
