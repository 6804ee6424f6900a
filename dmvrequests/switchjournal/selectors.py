"""Reading the switch journal: the figures of `switch_log_stats` (docs/network-queries.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from dmvrequests.agencies.directory import ori_directory
from dmvrequests.switchjournal.models import UNKNOWN_KIND, Burst, Direction, JournalEntry
from dmvrequests.vocabulary import AgencyKind

TOP_ORIS = 20
FLAGS = ("image", "name_only", "partial_plate", "blocked")


def local_day_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start, end): from midnight starting `date_from` to midnight ending `date_to`, in the
    state's time zone (TIME_ZONE), as aware datetimes."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return start, end


def journal_stats(date_from: date, date_to: date) -> dict[str, Any]:
    """The journal's figures over messages whose timestamp falls on `date_from`..`date_to`
    (inclusive, in TIME_ZONE): the object `switch_log_stats --json` prints, its fields in the
    contract's order."""
    start, end = local_day_bounds(date_from, date_to)
    period = JournalEntry.objects.filter(timestamp__gte=start, timestamp__lt=end)
    queries = period.filter(direction=Direction.IN)
    immigration = Q(agency_kind=AgencyKind.IMMIGRATION)
    counts = queries.aggregate(
        queries=Count("id"),
        immigration=Count("id", filter=immigration),
        immigration_image=Count("id", filter=immigration & Q(image=True)),
        **{flag: Count("id", filter=Q(**{flag: True})) for flag in FLAGS},
    )
    responses = period.filter(direction=Direction.OUT).aggregate(
        responses=Count("id"), block_leaks=Count("id", filter=Q(block_leak=True))
    )
    by_key = {
        row["message_key"]: row["n"]
        for row in queries.values("message_key").annotate(n=Count("id")).order_by("message_key")
    }
    by_kind = dict.fromkeys([*AgencyKind.values, UNKNOWN_KIND], 0)
    for kind_row in queries.values("agency_kind").annotate(n=Count("id")).order_by():
        kind = kind_row["agency_kind"]
        by_kind[kind] = by_kind.get(kind, 0) + kind_row["n"]
    bursts = [
        {"ori": b.ori, "start": timezone.localtime(b.start).isoformat(), "queries": b.queries}
        for b in Burst.objects.filter(start__gte=start, start__lt=end).order_by("start", "ori")
    ]
    directory = ori_directory()
    by_ori = []
    top = (
        queries.values("sender_ori").annotate(n=Count("id")).order_by("-n", "sender_ori")[:TOP_ORIS]
    )
    for row in top:
        agency = directory.attribute(row["sender_ori"])
        by_ori.append(
            {
                "ori": row["sender_ori"],
                "agency": agency.name,
                "kind": agency.kind,
                "queries": row["n"],
            }
        )
    return {
        "queries": counts["queries"],
        "responses": responses["responses"],
        "by_message_key": by_key,
        "by_agency_kind": by_kind,
        "immigration": counts["immigration"],
        "image": counts["image"],
        "name_only": counts["name_only"],
        "partial_plate": counts["partial_plate"],
        "blocked": counts["blocked"],
        "immigration_image": counts["immigration_image"],
        "block_leaks": responses["block_leaks"],
        "bursts": bursts,
        "by_ori": by_ori,
    }
