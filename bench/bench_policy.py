"""Time the policy engine: 10,000 evaluations over a realistic mix of requests and profiles.

    .venv/bin/python bench/bench_policy.py [--count N]

Engine only: no database and no Django setup (the engine is pure). Every evaluation
validates its request and its profile's rules, as in production. Target: 10,000
evaluations in under one second.
"""

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dmvrequests.policy.engine import evaluate  # noqa: E402
from dmvrequests.policy.profiles import SHIPPED_PROFILES  # noqa: E402

TARGET_SECONDS = 1.0
ICE = {"kind": "immigration", "name": "ICE ERO"}
POLICE = {"kind": "local_law_enforcement", "name": "City Police Department"}
TROOPERS = {"kind": "state_law_enforcement", "name": "State Police"}
INSURER = {"kind": "private", "name": "Acme Insurance"}
INVESTIGATOR = {"kind": "private", "name": "Smith Investigations"}
I200 = {"type": "administrative_warrant", "issuer": "immigration_officer"}
ARTICLE_III_WARRANT = {"type": "judicial_warrant", "issuer": "article_iii_judge"}
STATE_WARRANT = {"type": "judicial_warrant", "issuer": "state_judge", "court_state": "MD"}


def request(agency, purpose, records, documents=(), **flags):
    return {
        "received": "2026-11-24",  # the Tuesday before Thanksgiving: business days cross a holiday
        "agency": agency,
        "purpose": purpose,
        "records": list(records),
        "legal_process": list(documents),
        **flags,
    }


# Roughly the daily mix of a state legal unit: mostly police and insurers, some immigration.
MIX = [
    request(POLICE, "criminal_investigation", ["license_record", "address", "photo"]),
    request(POLICE, "criminal_investigation", ["vehicle_registration"], [STATE_WARRANT]),
    request(TROOPERS, "traffic_enforcement", ["driving_history", "license_record"]),
    request(POLICE, "emergency", ["address"], emergency=True),
    request(POLICE, "criminal_investigation", ["vehicle_registration"], bulk=True),
    request(INSURER, "insurance", ["license_record", "driving_history", "photo"]),
    request(INVESTIGATOR, "locate_person", ["address", "photo", "ssn"]),
    request(INVESTIGATOR, "other", ["address"]),
    request(ICE, "civil_immigration_enforcement", ["address", "photo"], [I200]),
    request(ICE, "civil_immigration_enforcement", ["address"], [ARTICLE_III_WARRANT]),
    request(
        ICE, "criminal_investigation", ["immigration_status", "place_of_birth"], [STATE_WARRANT]
    ),
    request(POLICE, "civil_immigration_enforcement", ["facial_recognition", "address"]),
]


def workload(count):
    """`count` (request, (slug, rules)) pairs: each request of the mix under each profile."""
    profiles = [(slug, shipped["rules"]) for slug, shipped in SHIPPED_PROFILES.items()]
    pairs = list(itertools.product(MIX, profiles))
    return list(itertools.islice(itertools.cycle(pairs), count))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    count = parser.parse_args().count
    jobs = workload(count)
    decisions = {"deny": 0, "review": 0, "eligible": 0}
    start = time.perf_counter()
    for request_object, (slug, rules) in jobs:
        decisions[evaluate(request_object, rules, profile=slug)["decision"]] += 1
    elapsed = time.perf_counter() - start
    per_second = count / elapsed
    print(f"{count} evaluations in {elapsed:.3f} s: {per_second:,.0f} evaluations/second")
    print("decisions: " + ", ".join(f"{name} {n}" for name, n in decisions.items()))
    budget = TARGET_SECONDS * count / 10_000
    verdict = "within" if elapsed <= budget else "OVER"
    print(f"{verdict} the budget of {budget:.2f} s ({TARGET_SECONDS:.0f} s per 10,000)")
    return 0 if elapsed <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
