"""Validation of the engine's two inputs: a request object and a profile's rules.

- `validate_request(raw)` checks a request object against docs/policy-check.md and
  returns it normalised (defaults filled in).
- `validate_rules(rules)` checks a profile's structured rules (docs/profiles.md)
  and returns them normalised (issuer shorthands expanded to lists).

Both raise `PolicyInputError` naming the offending field, and both are idempotent:
a normalised value validates to itself.
"""

import re
from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from dmvrequests.codes import STATE_CODES, Issuer
from dmvrequests.policy.rules.schema import (
    AGENCY_FIELDS,
    AGENCY_KINDS,
    BULK_OUTCOMES,
    CATEGORIES,
    CITATION_KEYS,
    DOCUMENT_FIELDS,
    ISSUER_GROUPS,
    ISSUERS,
    JUDGE_ONLY_TYPES,
    JUDGE_SIGNED,
    NOTICE_FIELDS,
    NOTICE_UNITS,
    PROCESS_FIELDS,
    PROCESS_TYPES,
    PURPOSES,
    REQUEST_FIELDS,
    RESTRICTED_FIELDS,
    RULES_FIELDS,
    TRIGGERS,
    Agency,
    Document,
    Notice,
    PolicyInputError,
    ProcessEntry,
    Request,
    Restriction,
    Rules,
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- Validation helpers ---------------------------------------------------------------------------


def _path(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _check_object(
    value: object,
    field: str,
    allowed: frozenset[str],
    required: tuple[str, ...] = (),
    *,
    whole: str = "request",
) -> dict[str, Any]:
    """`value` as a JSON object with only `allowed` keys and every `required` one.

    `field` is "" for the top level, where `whole` names the object in a message."""
    if not isinstance(value, dict):
        raise PolicyInputError(field or whole, "must be a JSON object")
    for key in value:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise PolicyInputError(
                _path(field, str(key)), f"is not a known field (known fields: {known})"
            )
    for key in required:
        if key not in value:
            raise PolicyInputError(_path(field, key), "is required")
    return value


def _check_choice(value: object, field: str, choices: Collection[str], noun: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise PolicyInputError(field, f"{value!r} is not {noun}; use one of: {', '.join(choices)}")
    return value


def _check_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyInputError(field, f"must be true or false, not {value!r}")
    return value


def _check_list(value: object, field: str, *, allow_empty: bool = True) -> list[Any]:
    if not isinstance(value, list):
        raise PolicyInputError(field, "must be a JSON list")
    if not value and not allow_empty:
        raise PolicyInputError(field, "must list at least one value")
    return value


def _check_date(value: object, field: str) -> str:
    """A YYYY-MM-DD string naming a real day; returns it unchanged."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PolicyInputError(field, f"must be a date written YYYY-MM-DD, not {value!r}")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PolicyInputError(field, f"{value!r} is not a real calendar date") from None
    return value


def _check_state(value: object, field: str) -> str:
    if not isinstance(value, str) or value.upper() not in STATE_CODES:
        raise PolicyInputError(
            field, f"{value!r} is not a two-letter US state or territory code such as MD"
        )
    return value.upper()


def _optional(check: Callable[[object, str], str], value: object, field: str) -> str | None:
    """An optional field: null means not given; any other value must pass `check`."""
    return None if value is None else check(value, field)


def _check_categories(value: object, field: str, *, allow_empty: bool = True) -> list[str]:
    categories: list[str] = []
    for index, category in enumerate(_check_list(value, field, allow_empty=allow_empty)):
        category = _check_choice(category, f"{field}[{index}]", CATEGORIES, "a record category")
        if category not in categories:
            categories.append(category)
    return categories


# -- Requests (docs/policy-check.md, "Request object") -------------------------------------------


def validate_request(raw: object) -> Request:
    """Check a request object and return it normalised; raise PolicyInputError naming the field.

    Unknown keys are errors: a typo must not silently change a legal outcome. Optional
    fields get their defaults (issuer `none`, blocked/bulk/emergency false); `name`,
    `court_state`, `issued` and `expires` may be null, meaning not given. Records keep
    their order with duplicates dropped. The result validates to itself.
    """
    raw = _check_object(raw, "", REQUEST_FIELDS, ("received", "agency", "purpose", "records"))
    documents = _check_list(raw.get("legal_process", []), "legal_process")
    return {
        "received": _check_date(raw["received"], "received"),
        "agency": _validate_agency(raw["agency"]),
        "purpose": _check_choice(raw["purpose"], "purpose", PURPOSES, "a purpose"),
        "records": _check_categories(raw["records"], "records", allow_empty=False),
        "legal_process": [
            _validate_document(document, f"legal_process[{index}]")
            for index, document in enumerate(documents)
        ],
        "bulk": _check_bool(raw.get("bulk", False), "bulk"),
        "emergency": _check_bool(raw.get("emergency", False), "emergency"),
    }


def _validate_agency(value: object) -> Agency:
    agency = _check_object(value, "agency", AGENCY_FIELDS, ("kind",))
    name = agency.get("name")
    if name is None:
        name = ""
    if not isinstance(name, str):
        raise PolicyInputError("agency.name", "must be text")
    return {
        "kind": _check_choice(agency["kind"], "agency.kind", AGENCY_KINDS, "an agency kind"),
        "name": name.strip(),
        "blocked": _check_bool(agency.get("blocked", False), "agency.blocked"),
    }


def _validate_document(value: object, field: str) -> Document:
    document = _check_object(value, field, DOCUMENT_FIELDS, ("type",))
    issuer = document.get("issuer", Issuer.NONE.value)
    return {
        "type": _check_choice(
            document["type"], f"{field}.type", PROCESS_TYPES, "a legal process type"
        ),
        "issuer": _check_choice(issuer, f"{field}.issuer", ISSUERS, "an issuer"),
        "court_state": _optional(_check_state, document.get("court_state"), f"{field}.court_state"),
        "issued": _optional(_check_date, document.get("issued"), f"{field}.issued"),
        "expires": _optional(_check_date, document.get("expires"), f"{field}.expires"),
    }


# -- Profile rules (docs/profiles.md, "Rules schema") ---------------------------------------------


def validate_rules(raw: object) -> Rules:
    """Check a profile's rules and return them normalised; raise PolicyInputError naming the key.

    Issuer shorthands (`any`, `judge_signed`, `court_issued`) come back as lists and
    list-valued keys left out come back empty, so the engine reads one shape only.
    """
    rules = _check_object(raw, "", RULES_FIELDS, ("name", "citation", "bulk"), whole="rules")
    trigger = _validate_trigger(rules.get("immigration_trigger", []))
    normalised: Rules = {
        "name": _check_text(rules["name"], "name"),
        "citation": _check_text(rules["citation"], "citation"),
        "immigration_trigger": trigger,
        "immigration_accepted": _validate_process_list(
            rules.get("immigration_accepted", []), "immigration_accepted"
        ),
        "immigration_review": _validate_process_list(
            rules.get("immigration_review", []), "immigration_review"
        ),
        "immigration_barred": _check_categories(
            rules.get("immigration_barred", []), "immigration_barred"
        ),
        "subject_notice": _validate_notice(rules.get("subject_notice")),
        "never_release": _check_categories(rules.get("never_release", []), "never_release"),
        "restricted": _validate_restricted(rules.get("restricted", [])),
        "bulk": _check_choice(rules["bulk"], "bulk", BULK_OUTCOMES, "a bulk outcome"),
        "citations": _validate_citations(rules.get("citations", {})),
    }
    if not trigger:
        _check_no_immigration_rules(normalised)
    return normalised


def _check_text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PolicyInputError(field, "must be non-empty text")
    return value.strip()


def _validate_trigger(value: object) -> list[str]:
    trigger: list[str] = []
    for index, item in enumerate(_check_list(value, "immigration_trigger")):
        item = _check_choice(item, f"immigration_trigger[{index}]", TRIGGERS, "a trigger")
        if item not in trigger:
            trigger.append(item)
    return trigger


def _validate_process_list(value: object, field: str) -> list[ProcessEntry]:
    return [
        _validate_process(entry, f"{field}[{index}]")
        for index, entry in enumerate(_check_list(value, field))
    ]


def _validate_process(value: object, field: str) -> ProcessEntry:
    entry = _check_object(value, field, PROCESS_FIELDS, ("type", "issuers"))
    process_type = _check_choice(
        entry["type"], f"{field}.type", PROCESS_TYPES, "a legal process type"
    )
    issuers = _validate_issuers(entry["issuers"], f"{field}.issuers")
    if process_type in JUDGE_ONLY_TYPES and not set(issuers) <= set(JUDGE_SIGNED):
        # docs/profiles.md: a warrant or order not signed by a judge is not judicial, so it never matches.
        raise PolicyInputError(
            f"{field}.issuers",
            f"a {process_type} counts only when signed by a judge; "
            "use judge_signed or a list of article_iii_judge, magistrate_judge, state_judge",
        )
    return {
        "type": process_type,
        "issuers": issuers,
        "court_state": _optional(_check_state, entry.get("court_state"), f"{field}.court_state"),
    }


def _validate_issuers(value: object, field: str) -> list[str]:
    if isinstance(value, str):
        if value not in ISSUER_GROUPS:
            groups = ", ".join(ISSUER_GROUPS)
            raise PolicyInputError(
                field, f"{value!r} is not a list of issuers nor one of: {groups}"
            )
        return list(ISSUER_GROUPS[value])
    issuers: list[str] = []
    for index, issuer in enumerate(_check_list(value, field, allow_empty=False)):
        issuer = _check_choice(issuer, f"{field}[{index}]", ISSUERS, "an issuer")
        if issuer not in issuers:
            issuers.append(issuer)
    return issuers


def _validate_notice(value: object) -> Notice | None:
    if value is None:
        return None
    notice = _check_object(value, "subject_notice", NOTICE_FIELDS, ("days", "unit"))
    days, unit = notice["days"], notice["unit"]
    if days is None and unit is None:
        return {"days": None, "unit": None}  # required, no fixed deadline
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise PolicyInputError(
            "subject_notice.days", "must be a whole number of days from 1 to 365 (or null)"
        )
    return {
        "days": days,
        "unit": _check_choice(unit, "subject_notice.unit", NOTICE_UNITS, "a unit"),
    }


def _validate_restricted(value: object) -> list[Restriction]:
    restricted: list[Restriction] = []
    seen: set[str] = set()
    for index, item in enumerate(_check_list(value, "restricted")):
        field = f"restricted[{index}]"
        entry = _check_object(item, field, RESTRICTED_FIELDS, ("category", "process"))
        category = _check_choice(
            entry["category"], f"{field}.category", CATEGORIES, "a record category"
        )
        if category in seen:
            raise PolicyInputError(f"{field}.category", f"{category} is already restricted above")
        seen.add(category)
        process = _check_list(entry["process"], f"{field}.process", allow_empty=False)
        restricted.append(
            {"category": category, "process": _validate_process_list(process, f"{field}.process")}
        )
    return restricted


def _validate_citations(value: object) -> dict[str, str]:
    citations = _check_object(value, "citations", frozenset(CITATION_KEYS))
    return {key: _check_text(text, f"citations.{key}") for key, text in citations.items()}


def _check_no_immigration_rules(rules: Rules) -> None:
    # Without a trigger no request is an immigration request: these keys could never apply.
    unused = {
        "immigration_accepted": rules["immigration_accepted"],
        "immigration_review": rules["immigration_review"],
        "immigration_barred": rules["immigration_barred"],
    }
    for key, value in unused.items():
        if value:
            raise PolicyInputError(key, "has no effect: immigration_trigger is empty")
    if rules["subject_notice"] is not None:
        raise PolicyInputError("subject_notice", "has no effect: immigration_trigger is empty")
