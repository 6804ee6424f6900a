"""Reads folded so that they do not bury the work: on the case page, after the story,
one line per person (`fold_reads`); on the auditor's timeline, in place, one line per
reader for each run of reads between two other events (`fold_reads_in_place`).
`timeline_context` gives templates/audit/_timeline.html what it needs."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.utils import dateformat, timezone

from dmvrequests.cases.timeline import TimelineKind, case_timeline
from dmvrequests.cases.timeline_events import READ_PHRASES

# The case page: the work first, reads folded into one line per person.


@dataclass(frozen=True)
class ReadSummary:
    """Everyone's reads of the case folded into one line: "Ana Diaz viewed the case
    12 times and found the case in a search once, last Nov 29"; `events` unfold it."""

    who: str
    events: tuple
    # In the auditor's timeline a summary stands in the story where its reads happened.
    folded = True
    kind = "read"

    @property
    def kind_label(self):
        return TimelineKind.READ.label

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
        parts = [
            f"{READ_PHRASES.get(action, 'read the case')} {_times(n)}"
            for action, n in sorted(counts.items(), key=lambda item: (-item[1], _order(item[0])))
        ]
        done = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        return f"{self.who} {done}, last {_short_date(self.last)}"


def _order(action):
    return list(READ_PHRASES).index(action) if action in READ_PHRASES else len(READ_PHRASES)


def _times(n):
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _short_date(moment):
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localtime().year
    return dateformat.format(local, "M j" if same_year else "M j, Y")


def fold_reads(events):
    """(every event but the successful reads, one ReadSummary per reader, the latest
    reader first). Refused reads stay in the story: they are not routine."""
    story: list[Any] = []
    reads: dict[Any, list[Any]] = {}
    for event in events:
        if event.read_action:
            reads.setdefault(event.who, []).append(event)
        else:
            story.append(event)
    summaries = [ReadSummary(who, tuple(evs)) for who, evs in reads.items()]
    return story, sorted(summaries, key=lambda s: s.last, reverse=True)


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
    """What templates/audit/_timeline.html needs, filtered by the request's ?kind=.

    With `fold` (the case page), reads leave the list and come as `timeline_reads`,
    one line per person, and only the latest CASE_PAGE_EVENTS events are shown
    (`timeline_earlier` says how many earlier ones the full timeline holds). Without it
    (the auditor's timeline, audit:case_timeline), reads stay in time order, folded run
    by run (fold_reads_in_place), TIMELINE_PAGE_EVENTS a page (?page=, oldest first; a
    page past the last shows the last): every read is still there, one click away.
    """
    selected = [k for k in request.GET.getlist("kind") if k in TimelineKind.values]
    timeline = case_timeline(case, kinds=selected or None)
    reads = []
    page = None
    if fold:
        timeline, reads = fold_reads(timeline)
        total = len(timeline)
        timeline = timeline[-CASE_PAGE_EVENTS:]
    else:
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
