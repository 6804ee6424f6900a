"""The DMV record identifiers counted in staff email to agencies (rule 4 of docs/outbound.md).

Each kind is found with its false friends excluded:
- `license_number`: any of settings.DMV_LICENSE_NUMBER_PATTERNS (regular expressions, one per
  line) as a whole word; the default is a 9-digit number, optionally in groups of three
  separated by one space or hyphen, or one letter followed by 7 to 14 digits;
- `date_of_birth`: a date (1/2/1980, 01/02/1980, 1980-01-02, January 2, 1980) starting at most
  20 characters after "DOB" or "date of birth" (any case);
- `plate`: 2 to 8 letters and digits with at least one digit, starting at most 12 characters
  after "plate", "tag" or "registration" (any case);
- `vin`: 17 characters of A-H, J-N, P, R-Z, 0-9 whose ninth is the North American check digit
  (49 CFR 565.15);
- `ssn`: NNN-NN-NNNN whose area is not 000, 666 or 9NN, group not 00, serial not 0000 (the
  Social Security Administration's never-issued numbers).

`find_identifiers(text, patterns)` returns the spans, so a page can highlight them;
`count_identifiers` the counts the contract prints. Pure Python, never raises on text, except
PatternTimeout when a caller asks for a time limit (the pattern-test page, where an
administrator types patterns).

License-number patterns are compiled with the `regex` library (the same syntax as `re`), whose
matching takes a time limit: a pattern with nested repetition such as `(a+)+b` can take
exponential time on a long enough text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import regex
from django.conf import settings

KINDS = ("license_number", "date_of_birth", "plate", "vin", "ssn")
KIND_LABELS = {
    "license_number": "Driver's license number",
    "date_of_birth": "Date of birth",
    "plate": "License plate",
    "vin": "Vehicle identification number (VIN)",
    "ssn": "Social Security number",
}
DEFAULT_LICENSE_NUMBER_PATTERNS = "\n".join(
    (
        r"\d{3}([ -]?)\d{3}\1\d{3}",
        r"[A-Za-z]\d{7,14}",
    )
)
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE = (
    rf"(?:\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|(?:{MONTHS})\s+\d{{1,2}},\s*\d{{4}})"
)
DOB_RE = re.compile(
    rf"(?:\bDOB\b|\bdate\s+of\s+birth\b)[\s\S]{{0,20}}?(?<![\w/-])({DATE})(?![\w/])",
    re.IGNORECASE,
)
PLATE_KEYWORD_RE = re.compile(r"\b(?:plate|tag|registration)", re.IGNORECASE)
PLATE_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{2,8}(?![A-Za-z0-9])")
PLATE_WINDOW = 12
VIN_RE = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])")
SSN_RE = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int


class PatternError(ValueError):
    """A license-number pattern that is not a valid regular expression."""


class PatternTimeout(PatternError):
    """A license-number pattern took longer than the caller's time limit on a text."""


def patterns_in_force() -> str:
    """The license-number patterns the journal scan uses (the setting, else the default)."""
    return getattr(settings, "DMV_LICENSE_NUMBER_PATTERNS", DEFAULT_LICENSE_NUMBER_PATTERNS)


def license_patterns(source: str | None = None) -> list[regex.Pattern[str]]:
    """The license-number patterns of `source` (one per line; default: the setting), each
    compiled as a whole word. Raises PatternError naming the line that is not valid."""
    if source is None:
        source = patterns_in_force()
    compiled = []
    for number, line in enumerate(source.splitlines(), start=1):
        pattern = line.strip()
        if not pattern:
            continue
        try:
            # Alone first: an error's position is then in the pattern as typed, and a stray
            # "[" or ")" cannot swallow the whole-word wrapper's own brackets.
            regex.compile(pattern)
            compiled.append(regex.compile(rf"(?<![\w])(?:{pattern})(?![\w])"))
        except regex.error as exc:
            raise PatternError(f"Pattern {number} ({pattern}) is not valid: {exc}.") from exc
    return compiled


def vin_check_digit_valid(vin: str) -> bool:
    """True when the ninth character is the check digit of the other sixteen (49 CFR 565.15)."""
    total = sum(VIN_VALUES[char] * weight for char, weight in zip(vin, VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return vin[8] == ("X" if remainder == 10 else str(remainder))


def ssn_valid(area: str, group: str, serial: str) -> bool:
    return (
        area != "000"
        and area != "666"
        and not area.startswith("9")
        and group != "00"
        and (serial != "0000")
    )


def find_identifiers(
    text: str,
    patterns: list[regex.Pattern[str]] | None = None,
    *,
    timeout: float | None = None,
) -> list[Found]:
    """Every identifier in `text`, in order of position. `timeout`: seconds each license
    pattern may take on the text (None: no limit); PatternTimeout names the pattern over it."""
    if patterns is None:
        patterns = license_patterns()
    found = []
    for number, pattern in enumerate(patterns, start=1):
        try:
            found += [
                Found("license_number", m.start(), m.end())
                for m in pattern.finditer(text, timeout=timeout)
            ]
        except TimeoutError:
            raise PatternTimeout(
                f"Pattern {number} took longer than {_seconds(timeout)} on this text. Nested "
                "repetition such as (a+)+ can take exponential time: write it without "
                "repeating a repeated group."
            ) from None
    found += [Found("date_of_birth", m.start(1), m.end(1)) for m in DOB_RE.finditer(text)]
    found += _plates(text)
    found += [
        Found("vin", m.start(), m.end())
        for m in VIN_RE.finditer(text)
        if vin_check_digit_valid(m.group(0))
    ]
    found += [
        Found("ssn", m.start(), m.end()) for m in SSN_RE.finditer(text) if ssn_valid(*m.groups())
    ]
    return sorted(found, key=lambda item: (item.start, item.end))


def _plates(text: str) -> list[Found]:
    found = []
    for keyword in PLATE_KEYWORD_RE.finditer(text):
        window_end = keyword.end() + PLATE_WINDOW
        for token in PLATE_TOKEN_RE.finditer(text, keyword.end()):
            if token.start() > window_end:
                break
            if any(char.isdigit() for char in token.group(0)):
                found.append(Found("plate", token.start(), token.end()))
                break
    return found


def count_identifiers(
    text: str, patterns: list[regex.Pattern[str]] | None = None
) -> dict[str, int]:
    """{"license_number": n, "date_of_birth": n, "plate": n, "vin": n, "ssn": n}."""
    counts = dict.fromkeys(KINDS, 0)
    for item in find_identifiers(text, patterns):
        counts[item.kind] += 1
    return counts


# The case's subject fields a single identifier of a kind fills (review.item_open_case).
SUBJECT_FIELDS = {
    "license_number": "subject_license_number",
    "date_of_birth": "subject_dob",
    "plate": "subject_plate",
    "vin": "subject_vin",
}
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%B %d, %Y", "%B %d,%Y")


def _seconds(value: float | None) -> str:
    return "1 second" if value == 1 else f"{value:g} seconds"


def subject_identifiers(text: str) -> dict[str, object]:
    """The case's subject fields ({"subject_license_number": "123456789", "subject_dob":
    date(1980, 1, 2), ...}) for each kind of identifier found in `text` with exactly one
    value; a kind with two different values (two people, or a typo) is left for counsel to
    fill in. Social Security numbers are never copied into a case."""
    values: dict[str, set[object]] = {kind: set() for kind in SUBJECT_FIELDS}
    for found in find_identifiers(text):
        if found.kind not in SUBJECT_FIELDS:
            continue
        value = text[found.start : found.end]
        if found.kind == "date_of_birth":
            values[found.kind].add(_parsed_date(value))
        elif found.kind == "license_number":
            values[found.kind].add(re.sub(r"[ -]", "", value).upper())
        else:
            values[found.kind].add(value.upper())
    return {
        SUBJECT_FIELDS[kind]: next(iter(found))
        for kind, found in values.items()
        if len(found) == 1 and None not in found
    }


def _parsed_date(value: str) -> date | None:
    words = " ".join(value.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(words, fmt).date()
        except ValueError:
            continue
    return None


def without_ssns(text: str) -> str:
    """`text` with every Social Security number (as counted) replaced by a marker: what may be
    copied into a case (review.case_narrative)."""
    return SSN_RE.sub(
        lambda m: "[Social Security number not copied]" if ssn_valid(*m.groups()) else m[0],
        text,
    )


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)
