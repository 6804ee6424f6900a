"""An import walks again only the bursts its queries can change (bursts.journal_find_bursts
with `since`): after every file, in time order or not, the bursts are those of the whole
walk over every stored query."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from dmvrequests.switchjournal.bursts import journal_find_bursts
from dmvrequests.switchjournal.models import Burst
from dmvrequests.switchjournal.tests.journals import entry, journal

pytestmark = pytest.mark.django_db

ORIS = ("DCICE0100", "DCHSI0030", "NY0010100")
START = datetime(2026, 5, 30, 22, tzinfo=UTC)  # over a month's end: two partitions


def bursty_queries(seed, count):
    """(time, ORI) of `count` queries, each ORI's about as frequent as a burst needs (five
    in ten minutes, as set below), faster and slower by turns: bursts that start and end
    anywhere, across every file's first query."""
    rng = random.Random(seed)
    found: list[tuple[datetime, str]] = []
    moment = START
    while len(found) < count:
        pace = rng.choice([15, 25, 40, 80])  # mean seconds between two queries
        for _ in range(rng.randint(10, 60)):
            moment += timedelta(seconds=rng.expovariate(1 / pace))
            found.append((moment, rng.choice(ORIS)))
    return found[:count]


def as_journal(queries, first_sequence):
    return journal(
        *[
            entry(when, "IN", first_sequence + n, f"DQ.{ori}.NY.TXT", f"OLN/D{n:07d}.")
            for n, (when, ori) in enumerate(queries)
        ]
    )


def bursts():
    return set(Burst.objects.values_list("ori", "start", "end", "queries"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_each_file_the_bursts_are_those_of_the_whole_walk(import_log, settings, seed):
    settings.SWITCH_BURST_MIN_QUERIES = 5
    settings.SWITCH_BURST_WINDOW_MINUTES = 10
    queries = sorted(bursty_queries(seed, 900))
    later = queries[::3]  # every third query comes in a file of its own, after the others
    kept = [q for n, q in enumerate(queries) if n % 3]
    files = [kept[:200], kept[200:400], kept[400:], later[:150], later[150:]]
    seen_any = False
    for number, part in enumerate(files):
        code, _, _ = import_log(as_journal(part, 10_000 * (number + 1)), f"part{number}.txt")
        assert code == 0
        after_import = bursts()
        journal_find_bursts(ORIS)  # the whole walk, every query from the first
        assert after_import == bursts(), f"file {number}"
        seen_any = seen_any or bool(after_import)
    assert seen_any
