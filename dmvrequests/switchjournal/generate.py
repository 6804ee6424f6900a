"""Realistic switch traffic for the demo and the benchmark (`manage.py seed_switch_log`).

Mostly local and state police, some federal agencies, ICE and HSI ORIs; bursts of bulk
queries; photo requests, name-only and partial-plate queries; a response to each query, a few
saying NO RECORD; and a blocked ORI answered by mistake (a block leak). Deterministic for a seed.
Every name, plate and number is made up.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

STATE_ORI = "NY0000000"
# (ORI, share of the traffic): local police, state police, federal, immigration, unknown.
SENDERS = [
    *[(f"NY001{n:02d}00", 6) for n in range(10, 30)],
    *[(f"NY014{n:02d}00", 6) for n in range(10)],
    *[(f"NYSP00{n:02d}0", 10) for n in range(1, 6)],
    *[(f"PA0{n:02d}0000", 2) for n in range(1, 10)],
    *[(f"DCFBI0{n:02d}0", 2) for n in range(1, 6)],
    *[(f"DCICE0{n:02d}0", 3) for n in range(1, 9)],
    *[(f"DCHSI0{n:02d}0", 4) for n in range(1, 9)],
    ("NY0330100", 1),
    ("TX0570000", 1),
    ("ZZ1234567", 1),
]
# The ORI blocked at the switch that is still answered now and then (a block leak).
LEAKING_ORI = "DCICE0990"
# Demo ORIs given to the directory's agencies (by slug) when they have none.
DEMO_ORIS = {
    "ice-ero": "DCICE*",
    "ice-hsi": "DCHSI*",
    "fbi": "DCFBI*",
    "cbp": "DCCBP*",
    "nysp": "NYSP*",
    "albany-pd": "NY001*",
    "erie-sheriff": "NY014*",
}
LAST_NAMES = ["GARCIA", "SMITH", "NGUYEN", "JOHNSON", "LOPEZ", "BROWN", "KIM", "DAVIS", "PATEL"]
FIRST_NAMES = ["MARIA", "JOHN", "LINH", "JAMES", "ANA", "ROBERT", "MIN", "SARAH", "RAJ"]


def _plate(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)) + str(
        rng.randint(1000, 9999)
    )


def _query(rng: random.Random, ori: str) -> tuple[str, str]:
    """(message key, text) of a query from `ori`."""
    immigration = ori.startswith(("DCICE", "DCHSI"))
    photo = "IMQ/Y." if rng.random() < (0.3 if immigration else 0.05) else ""
    name = f"NAM/{rng.choice(LAST_NAMES)},{rng.choice(FIRST_NAMES)}."
    roll = rng.random()
    if roll < 0.35:
        return "DQ", f"OLN/D{rng.randint(1000000, 9999999)}.{photo}"
    if roll < 0.55:
        dob = f"DOB/19{rng.randint(50, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return "DQ", f"{name}{dob}.SEX/{rng.choice('MF')}.{photo}"
    if roll < 0.60:
        return ("DNQ", f"{name}{photo}") if rng.random() < 0.7 else ("DQ", f"{name}{photo}")
    if roll < 0.88:
        return "RQ", f"LIC/{_plate(rng)}.LIY/2026.LIT/PC."
    if roll < 0.92:
        return "RNQ", name
    if roll < 0.97:
        return "RPQ", f"LIC/{_plate(rng)[:4]}*."
    return "RQ", f"VIN/1HGCM826{rng.randint(10000, 99999)}A00{rng.randint(1000, 9999)}."


def _response(rng: random.Random, key: str, text: str) -> tuple[str, str]:
    answer = {"DQ": "DR", "DNQ": "DNR", "RQ": "RR", "RNQ": "RR", "RPQ": "RPR"}[key]
    if rng.random() < 0.08:
        return answer, "NO RECORD FOUND."
    return answer, text.replace("IMQ/Y.", "") + "STS/VALID."


def _entry(stamp: datetime, direction: str, sequence: int, header: str, text: str) -> str:
    stamp = stamp.replace(microsecond=0)
    return f"{stamp.isoformat()} {direction} {sequence}\n{header}\n{text}\n\n"


def traffic(
    *, entries: int, seed: int, start: datetime, end: datetime
) -> Iterator[tuple[datetime, str]]:
    """About `entries` messages (queries and their responses) between `start` and `end`
    (aware datetimes) in time order, as (timestamp, text-journal entry). The queries come a
    little faster than the span needs (the last within a few days of `end`), and a message that
    would still fall after `end` is dated `end`: the import refuses messages dated in the
    future."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    oris = [ori for ori, _ in SENDERS]
    weights = [weight for _, weight in SENDERS]
    queries = max(1, entries // 2)
    span = (end - start).total_seconds()
    # A little faster than the span needs (bursts take time of their own, and a sum of random
    # gaps runs a little long or short): with 0.9 the demo's 90 days ended nine days early.
    step = span / queries * 0.97
    sequence = 100000
    moment = start
    burst_left, burst_ori = 0, ""
    produced = 0
    while produced < entries:
        if burst_left:
            ori, burst_left = burst_ori, burst_left - 1
            moment += timedelta(seconds=rng.uniform(1, 6))
        else:
            moment += timedelta(seconds=rng.expovariate(1 / step))
            if rng.random() < 0.0005:
                burst_ori, burst_left = rng.choice(["DCHSI0030", "DCICE0050", "NY0011500"]), 60
            ori = LEAKING_ORI if rng.random() < 0.002 else rng.choices(oris, weights)[0]
        moment = min(moment, end)
        key, text = _query(rng, ori)
        control = f".C{sequence % 100000:05d}" if rng.random() < 0.5 else ""
        sequence += 1
        yield moment, _entry(moment, "IN", sequence, f"{key}.{ori}.NY{control}.TXT", text)
        produced += 1
        if produced >= entries:
            return
        answer, reply = _response(rng, key, text)
        if ori == LEAKING_ORI and rng.random() < 0.6:
            reply = "ACCESS DENIED. ORI NOT AUTHORIZED."
        sequence += 1
        answered = min(moment + timedelta(seconds=rng.uniform(0.5, 3)), end)
        header = f"{answer}.{STATE_ORI}.{ori}{control}.TXT"
        yield answered, _entry(answered, "OUT", sequence, header, reply)
        produced += 1
