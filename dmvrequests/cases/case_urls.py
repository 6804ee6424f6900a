"""A case's addresses without running Django's `reverse` for each.

The queues and the search list fifty cases, each linked to its page
(`DisclosureRequest.get_absolute_url`), and a case page links to some twenty of the case's
own addresses (its forms' actions, its documents); `reverse` resolves the pattern afresh each
time (about 30 to 50 µs, 1.5 ms a page). `case_url` reverses each pattern once per script
prefix and URL configuration with a stand-in number (and stand-in ids) and puts the case's
number (and ids) in their place. A number holding anything that `reverse` would quote (case
numbers are letters, digits and hyphens: `DR-2026-003657`), or an id that is not an int, goes
through `reverse` itself, so the address is always the one `reverse` gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import get_script_prefix, get_urlconf, reverse

STAND_IN = "0-STAND-IN-0"
# Stand-ins for ids (an <int:...> part takes digits only): no real id is this long.
ID_STAND_INS = ("730100000000000001", "730100000000000002")
PLAIN = re.compile(r"[A-Za-z0-9-]+")
# {(script prefix, URL configuration, name, ids): the address with the stand-ins}
_PATTERNS: dict[tuple[str, object, str, int], str] = {}


def _pattern(name: str, ids: int) -> str:
    """The address of pattern `name` with the stand-ins for the number and `ids` ids,
    reversed once per script prefix and URL configuration."""
    key = (get_script_prefix(), get_urlconf(), name, ids)
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = _PATTERNS[key] = reverse(name, args=[STAND_IN, *ID_STAND_INS[:ids]])
    return pattern


def case_address(name: str = "cases:detail") -> Callable[[str], str]:
    """case_url(number, name) as a function of the number alone, the pattern looked up once:
    for a table of cases, which links each row to its case (`name` takes the number only)."""
    pattern = _pattern(name, 0)

    def address(number: str) -> str:
        if isinstance(number, str) and PLAIN.fullmatch(number):
            return pattern.replace(STAND_IN, number, 1)
        return reverse(name, args=[number])

    return address


def case_url(number: str, name: str = "cases:detail", *ids: object) -> str:
    """`reverse(name, args=[number, *ids])`: by default the case's page. `name` is a URL
    pattern whose first part is the case number and whose others (at most two) are ids."""
    plain = isinstance(number, str) and PLAIN.fullmatch(number) and len(ids) <= len(ID_STAND_INS)
    if not plain or not all(type(i) is int and i >= 0 for i in ids):
        return reverse(name, args=[number, *ids])
    pattern = _pattern(name, len(ids))
    for stand_in, value in zip(ID_STAND_INS, ids, strict=False):
        pattern = pattern.replace(stand_in, str(value), 1)
    return pattern.replace(STAND_IN, number, 1)
