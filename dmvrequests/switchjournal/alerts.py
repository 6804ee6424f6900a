"""Alerts from an import of the switch journal, through the notifications outbox.

After each file (docs/network-queries.md, "Alerts"), counsel and administrators are told, at
most once per import and kind of event:

- a **block leak**: responses of this import that carried data to an ORI blocked at the time,
  said to have come after the block was handed over to the switch (the block at the switch did
  not hold) or before (it had not yet reached the switch: agencies.blocklist.SwitchLists);
- **photo requests** from an immigration agency or from an ORI of no known agency;
- a **burst** that this import revealed.

Each alert says in plain words what happened, how often, which ORIs and agencies and when; it
holds no personal data (no names, plates or record data: those stay in the journal, behind
audited pages). An alert's outbox key is made of the messages or bursts it reports, so
importing the same file again, or a retried import, never sends it twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, Max, Min, Q

from accounts.models import User
from dmvrequests.agencies.blocklist import (
    LEAK_AFTER,
    LEAK_AFTER_MEANS,
    LEAK_BEFORE,
    LEAK_BEFORE_MEANS,
    leak_timing,
    switch_lists,
)
from dmvrequests.agencies.directory import ori_directory
from dmvrequests.notifications.models import Kind
from dmvrequests.notifications.services import email_queue
from dmvrequests.switchjournal.models import UNKNOWN_KIND, Burst, Direction, JournalEntry
from dmvrequests.timewords import moment_words
from dmvrequests.vocabulary import AgencyKind

TEMPLATE = "notifications/switch_alert.txt"
SHOWN = 10  # ORIs or bursts listed in one alert; the rest are counted


@dataclass
class Alert:
    """One alert: its subject, its opening sentence, one line per ORI or burst, the key that
    keeps it from being sent twice."""

    subject: str
    opening: str
    lines: list[str] = field(default_factory=list)
    key: str = ""


def _party(ori: str) -> str:
    agency = ori_directory().attribute(ori)
    return f"{ori} ({agency.name})" if agency.name else f"{ori} (no agency in the directory)"


def _key(prefix: str, values: Any) -> str:
    digest = hashlib.sha256(repr(values).encode()).hexdigest()[:32]
    return f"switch-alert:{prefix}:{digest}"


def _rows_by_ori(rows: Any, column: str) -> list[dict[str, Any]]:
    return list(
        rows.values(column)
        .annotate(n=Count("id"), first=Min("timestamp"), last=Max("timestamp"))
        .order_by("-n", column)
    )


def _ori_lines(
    rows: list[dict[str, Any]], column: str, noun: str, notes: dict[str, str] | None = None
) -> list[str]:
    """One line per ORI (the first SHOWN), "; " and its note when `notes` has one."""
    notes = notes or {}
    lines = [
        f"- {_party(row[column])}: {intcomma(row['n'])} {noun if row['n'] == 1 else noun + 's'}, "
        f"{moment_words(row['first'])} to {moment_words(row['last'])}"
        + (f"; {notes[row[column]]}" if row[column] in notes else "")
        for row in rows[:SHOWN]
    ]
    if len(rows) > SHOWN:
        lines.append(f"- and {len(rows) - SHOWN} other ORIs")
    return lines


def block_leak_alert(new: Any, name: str) -> Alert | None:
    """The alert for the block leaks among the messages `new` (a QuerySet), or None. Its
    words say whether they came after their block was handed over to the switch (it did not
    hold: ask the switch's administrator for the fix) or before (it had not yet reached the
    switch: hand the list over), counted when both (docs/network-queries.md, "Alerts")."""
    leaks = new.filter(direction=Direction.OUT, block_leak=True)
    rows = _rows_by_ori(leaks, "destination")
    if not rows:
        return None
    sent = list(leaks.values_list("id", "destination", "timestamp"))
    lists = switch_lists()
    by_ori: dict[str, tuple[int, int]] = {}  # {ORI: (leaks after the hand-over, before)}
    for _, ori, when in sent:
        after, before = by_ori.get(ori, (0, 0))
        held = lists.at_switch(ori, when)
        by_ori[ori] = (after + held, before + (not held))
    total, late = len(sent), sum(after for after, _ in by_ori.values())
    notes = {ori: leak_timing(*counts) for ori, counts in by_ori.items()}
    return Alert(
        subject=f"Block leak: the switch answered {intcomma(total)} "
        f"{'query' if total == 1 else 'queries'} from blocked ORIs{_subject_timing(late, total)}",
        opening=(
            f"The switch journal imported from {name} shows {intcomma(total)} "
            f"{'response' if total == 1 else 'responses'} that carried DMV record data to "
            f"an ORI that was on the block list at the time. {_leak_steps(late, total - late)}"
        ),
        lines=_ori_lines(rows, "destination", "response", notes),
        key=_key("leak", sorted(leak[0] for leak in sent)),
    )


def _subject_timing(after: int, total: int) -> str:
    """The subject's end: nothing when every leak came after the hand-over (the serious
    case, as the subject always said), else how many did."""
    if after == total:
        return ""
    return f" ({intcomma(after)} {LEAK_AFTER})" if after else f" ({LEAK_BEFORE})"


def _leak_steps(after: int, before: int) -> str:
    """What the leaks mean and what to do, by when they came."""
    steps = []
    if after:
        steps.append(
            f"{_count_of(after, after + before)}came {LEAK_AFTER}: {LEAK_AFTER_MEANS}. "
            "Give the switch's administrator the entries and the block list, and ask for "
            "the fix in writing."
        )
    if before:
        steps.append(
            f"{_count_of(before, after + before)}came {LEAK_BEFORE}: {LEAK_BEFORE_MEANS}, "
            f"which could not refuse {'it' if before == 1 else 'them'}. Check on the block "
            "list page that the block has since been handed over; if not, give the list to "
            "the switch's administrator and record the hand-over there."
        )
    return " ".join(steps)


def _count_of(part: int, total: int) -> str:
    """The subject of a sentence on `part` of `total` leaks: "It" or "They" for every one,
    "3 of them" otherwise (with a space after it)."""
    if part == total:
        return "It " if total == 1 else "They "
    return f"{intcomma(part)} of them "


def photo_alert(new: Any, name: str) -> Alert | None:
    """The alert for photo requests (IMQ/Y) from immigration agencies or unknown ORIs."""
    asked = new.filter(direction=Direction.IN, image=True).filter(
        Q(agency_kind=AgencyKind.IMMIGRATION) | Q(agency_kind=UNKNOWN_KIND)
    )
    rows = _rows_by_ori(asked, "sender_ori")
    if not rows:
        return None
    total = sum(row["n"] for row in rows)
    ids = sorted(asked.values_list("id", flat=True))
    return Alert(
        subject=f"Photo requests from immigration agencies or unknown ORIs: {intcomma(total)}",
        opening=(
            f"The switch journal imported from {name} holds {intcomma(total)} "
            f"{'query' if total == 1 else 'queries'} asking for the driver's photo from an "
            "immigration agency or from an ORI the directory does not know. An unknown ORI "
            "can be attributed to its agency by an administrator."
        ),
        lines=_ori_lines(rows, "sender_ori", "photo request"),
        key=_key("photo", ids),
    )


def burst_alert(bursts: list[Burst], name: str) -> Alert | None:
    """The alert for the bursts this import revealed."""
    if not bursts:
        return None
    bursts = sorted(bursts, key=lambda b: (b.start, b.ori))
    lines = [
        f"- {_party(b.ori)}: {intcomma(b.queries)} queries from {moment_words(b.start)} to {moment_words(b.end)}"
        for b in bursts[:SHOWN]
    ]
    if len(bursts) > SHOWN:
        lines.append(f"- and {len(bursts) - SHOWN} other bursts")
    return Alert(
        subject=f"Bulk queries: {len(bursts)} {'burst' if len(bursts) == 1 else 'bursts'} "
        "in the switch journal",
        opening=(
            f"The switch journal imported from {name} shows an ORI sending many queries in a "
            "few minutes, as when a list of people or every vehicle at an address is looked up."
        ),
        lines=lines,
        key=_key("burst", [(b.ori, b.start.isoformat()) for b in bursts]),
    )


def recipients() -> list[User]:
    """Counsel and administrators, active."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=["Counsel", "Administrator"])
        .distinct()
        .order_by("pk")
    )


def send(alerts: list[Alert | None]) -> int:
    """Queue each alert to counsel and administrators; the outbox rows written."""
    people = recipients()
    written = 0
    for alert in alerts:
        if alert is None:
            continue
        written += len(
            email_queue(
                kind=Kind.SWITCH_ALERT,
                recipients=people,
                subject=alert.subject,
                template=TEMPLATE,
                context={"opening": alert.opening, "lines": alert.lines},
                dedupe=alert.key,
            )
        )
    return written


def import_alerts(*, after_id: int, new_bursts: list[Burst], name: str) -> int:
    """Alert on what the import of `name` stored (messages with an id above `after_id`) and
    on the bursts it revealed; the outbox rows written (0 when nothing to tell)."""
    new = JournalEntry.objects.filter(id__gt=after_id)
    name = "standard input" if name == "-" else name
    return send(
        [
            block_leak_alert(new, name),
            photo_alert(new, name),
            burst_alert(new_bursts, name),
        ]
    )
