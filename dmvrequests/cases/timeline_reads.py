"""Reads folded so that they do not bury the work: on the case page, after the story,
one line per person, counted in the database (`case_readers`: the page costs the same for
a case read a thousand times); on the auditor's timeline, in place, one line per reader for
each run of reads between two other events (`fold_reads_in_place`).
`timeline_context` gives jinja2/audit/_timeline.html what it needs."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Q, Window
from django.db.models.functions import RowNumber
from django.utils import dateformat, timezone

from accounts.models import User
from dmvrequests.audit.models import Action, AuditRecord, Kind, Outcome
from dmvrequests.cases.timeline import TimelineKind, case_timeline, record_event
from dmvrequests.cases.timeline_events import READ_PHRASES
from dmvrequests.cases.timeline_union import PERSON
from dmvrequests.prepared import PreparedQuery


class _ReadLine:
    """A line of the timeline that stands for several reads (the template's `folded`)."""

    folded = True
    kind = "read"

    @property
    def kind_label(self):
        return TimelineKind.READ.label


# The auditor's timeline: each run of reads, one line per reader, where it happened.


@dataclass(frozen=True)
class ReadSummary(_ReadLine):
    """A reader's reads in one run folded into one line: "Ana Diaz viewed the case
    12 times and found the case in a search once, last Nov 29"; `events` unfold it."""

    who: str
    events: tuple

    @property
    def when(self):
        return min(e.when for e in self.events)

    @property
    def times(self):
        return sum(e.times for e in self.events)

    @property
    def last(self):
        return max(e.when for e in self.events)

    @property
    def sentence(self):
        counts: dict[Any, int] = {}
        for event in self.events:
            counts[event.read_action] = counts.get(event.read_action, 0) + event.times
        return _read_sentence(self.who, counts, self.last)


def _order(action):
    return list(READ_PHRASES).index(action) if action in READ_PHRASES else len(READ_PHRASES)


def _times(n):
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _short_date(moment):
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localtime().year
    return dateformat.format(local, "M j" if same_year else "M j, Y")


# The case page: the work first, then one line per person, who opens to their latest reads;
# every read is on the full timeline.
READS_SHOWN = 10


@dataclass(frozen=True)
class ReaderSummary(_ReadLine):
    """One person's reads of the case, counted in the database (`case_readers`): "Ana Diaz
    viewed the case 120 times and found the case in a search once, last Nov 29".

    `counts` {audit action: reads}; `first` and `last` the first and latest read (aware
    datetimes); `events` the latest READS_SHOWN reads (TimelineEvents, oldest first);
    `earlier` how many older reads only the full timeline lists."""

    who: str
    counts: tuple  # ((action, reads), ...)
    first: Any
    last: Any
    events: tuple

    @property
    def when(self):
        return self.first

    @property
    def times(self):
        return sum(n for _, n in self.counts)

    @property
    def earlier(self):
        return self.times - len(self.events)

    @property
    def sentence(self):
        return _read_sentence(self.who, dict(self.counts), self.last)


def _read_sentence(who, counts, last):
    parts = [
        f"{READ_PHRASES.get(action, 'read the case')} {_times(n)}"
        for action, n in sorted(counts.items(), key=lambda item: (-item[1], _order(item[0])))
    ]
    done = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{who} {done}, last {_short_date(last)}"


# The columns case_readers reads of each record, in this order (_Read's fields but `user`).
_READ_COLUMNS = (
    "occurred_at",
    "kind",
    "action",
    "outcome",
    "username",
    "ip_address",
    "detail",
    "user_id",
    *(f"user__{name}" for name in PERSON),
    "reads",
    "first_read",
    "action_rank",
    "person_rank",
)
_ACTION_LABELS = dict(Action.choices)


@dataclass(frozen=True, slots=True)
class _Read:
    """A successful read of the case as case_readers reads it: what `record_event` tells of an
    audit record, without making an AuditRecord and a User for each of a page's reads (about
    2 ms of CPU for sixty of them); `user` is one User per person, made from the names read."""

    occurred_at: Any
    kind: str
    action: str
    outcome: str
    username: str
    ip_address: str
    detail: Any
    user_id: Any
    user: Any
    reads: int
    first_read: Any
    action_rank: int
    person_rank: int

    def get_action_display(self) -> str:
        return str(_ACTION_LABELS.get(self.action, self.action))


def _reads_of(number):
    """The query of case_readers: each person's latest reads, and each action's counted."""
    person = [F("user_id"), F("username")]
    each_action = [*person, F("action")]
    return (
        AuditRecord.objects.for_case(number)
        .filter(kind=Kind.ACCESS, outcome=Outcome.SUCCESS)
        .annotate(
            reads=Window(Count("pk"), partition_by=each_action),
            first_read=Window(Min("occurred_at"), partition_by=each_action),
            action_rank=Window(RowNumber(), partition_by=each_action, order_by=F("seq").desc()),
            person_rank=Window(RowNumber(), partition_by=person, order_by=F("seq").desc()),
        )
        .filter(Q(person_rank__lte=READS_SHOWN) | Q(action_rank=1))
        .order_by("seq")
        .values_list(*_READ_COLUMNS)
    )


# Its SQL compiled once (dmvrequests/prepared.py): about 1.2 ms of CPU a case page.
_READERS = PreparedQuery(_reads_of, probes=["\x1fprobe-case-number"])


def _reads(number):
    """case_readers' rows as _Read, each person made once: a row is _READ_COLUMNS, whose
    user's three names (after `user_id`) become the one `user`."""
    people: dict[Any, Any] = {}
    reads = []
    for row in _READERS.run(number):
        user_id, login, first_name, last_name = row[7:11]
        user = people.get(user_id)
        if user is None and user_id is not None:
            user = people[user_id] = User(
                pk=user_id, username=login, first_name=first_name, last_name=last_name
            )
        reads.append(_Read(*row[:8], user, *row[11:]))  # type: ignore[call-arg]  # _READ_COLUMNS
    return reads


def case_readers(case):
    """Everyone who read `case` successfully (the audit log's ACCESS records, list pages
    included), one ReaderSummary each, the latest reader first.

    One query whatever the number of reads: window functions count each person's reads by
    action and number them newest first, and only each person's latest READS_SHOWN reads
    and the latest read of each action come back (the one that carries its count)."""
    people: dict[Any, dict[str, Any]] = {}
    for row in _reads(case.number):
        event = record_event(row)
        reader = people.setdefault(
            (row.user_id, row.username),
            {
                "who": event.who,
                "counts": {},
                "first": row.first_read,
                "last": row.occurred_at,
                "events": [],
            },
        )
        if row.action_rank == 1:
            reader["counts"][row.action] = row.reads
            reader["first"] = min(reader["first"], row.first_read)
            reader["last"] = max(reader["last"], row.occurred_at)
        if row.person_rank <= READS_SHOWN:
            reader["events"].append(event)
    summaries = [
        ReaderSummary(
            who=reader["who"],
            counts=tuple(reader["counts"].items()),
            first=reader["first"],
            last=reader["last"],
            events=tuple(reader["events"]),
        )
        for reader in people.values()
    ]
    return sorted(summaries, key=lambda summary: summary.last, reverse=True)


def fold_reads_in_place(events):
    """The auditor's timeline: every event in time order, each run of successful reads
    between two other events folded into one ReadSummary per reader (in the order they
    first read), standing where the run began; each summary unfolds to every read.
    Refused reads stay on their own line."""
    story: list[Any] = []
    run: dict[Any, list[Any]] = {}

    def close_run():
        story.extend(ReadSummary(who, tuple(evs)) for who, evs in run.items())
        run.clear()

    for event in events:
        if event.read_action:
            run.setdefault(event.who, []).append(event)
        else:
            close_run()
            story.append(event)
    close_run()
    return story


# The case page shows the latest events of the story (its reads folded apart); the full
# timeline (audit:case_timeline) shows every event, a page at a time.
CASE_PAGE_EVENTS = 25
TIMELINE_PAGE_EVENTS = 50


def timeline_context(request, case, *, fold=False):
    """What jinja2/audit/_timeline.html needs, filtered by the request's ?kind=.

    With `fold` (the case page), successful reads leave the list and come as
    `timeline_reads` (case_readers: one ReaderSummary per person, with their latest
    READS_SHOWN reads), and only the latest CASE_PAGE_EVENTS events are shown
    (`timeline_earlier` says how many earlier ones the full timeline holds). Without it
    (the auditor's timeline, audit:case_timeline), reads stay in time order, folded run
    by run (fold_reads_in_place), TIMELINE_PAGE_EVENTS a page (?page=, oldest first; a
    page past the last shows the last): every read is still there, one click away.
    """
    selected = [k for k in request.GET.getlist("kind") if k in TimelineKind.values]
    reads = []
    page = None
    if fold:
        timeline = case_timeline(case, kinds=selected or None, reads=False)
        if not selected or TimelineKind.READ in selected:
            reads = case_readers(case)
        total = len(timeline)
        timeline = timeline[-CASE_PAGE_EVENTS:]
    else:
        timeline = case_timeline(case, kinds=selected or None)
        everything = fold_reads_in_place(timeline)
        total = len(everything)
        page = Paginator(everything, TIMELINE_PAGE_EVENTS).get_page(request.GET.get("page"))
        timeline = list(page.object_list)
    return {
        "timeline": timeline,
        "timeline_total": total,
        "timeline_earlier": total - len(timeline) if fold else 0,
        "timeline_page": page if page is not None and page.paginator.num_pages > 1 else None,
        "timeline_reads": reads,
        "timeline_folded_in_place": not fold,
        "timeline_kinds": TimelineKind.choices,
        "timeline_filter": selected,
    }
