"""What the table of cases (jinja2/cases/_case_table.html: the queues and the search)
reads of each case: the columns it shows, the agency's name, and the number the list's
audit records name, as plain rows (`CaseRow`), not model instances.

The rest of the case's row (its texts, the search keys) and its office and counsel are not
read for a list: fewer columns to send. And a list does not need a case's model instance:
Django's model constructor visits every field of the model for each row (with the agency's,
about 40% of reading fifty cases), where a `CaseRow` takes the row's ten values as they come
from `values_list`. The query-count tests of the queues and the search
(cases/tests/test_query_counts.py) hold that a page of rows is read in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from dmvrequests.cases.case_urls import case_url
from dmvrequests.cases.models import Channel, Status

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from dmvrequests.cases.models import DisclosureRequestQuerySet

CASE_TABLE_COLUMNS = (
    "number",
    "status",
    "channel",
    "received_at",
    "emergency",
    "bulk",
    "subject_name",
    "due_date",
    "agency__name",
)

_STATUS_LABELS = {value: str(label) for value, label in Status.choices}
_CHANNEL_LABELS = {value: str(label) for value, label in Channel.choices}


class CaseRow:
    """One case of the table, as `for_case_table` reads it: `pk`, the columns of
    CASE_TABLE_COLUMNS under the case's own names (`agency_name` for the agency's), and what
    the table asks of a case as a DisclosureRequest answers it (its address, the labels of
    its status and channel)."""

    __slots__ = (
        "pk",
        "number",
        "status",
        "channel",
        "received_at",
        "emergency",
        "bulk",
        "subject_name",
        "due_date",
        "agency_name",
    )

    def __init__(
        self,
        pk: int,
        number: str,
        status: str,
        channel: str,
        received_at: datetime,
        emergency: bool,
        bulk: bool,
        subject_name: str,
        due_date: date | None,
        agency_name: str,
    ) -> None:
        self.pk = pk
        self.number = number
        self.status = status
        self.channel = channel
        self.received_at = received_at
        self.emergency = emergency
        self.bulk = bulk
        self.subject_name = subject_name
        self.due_date = due_date
        self.agency_name = agency_name

    def __repr__(self) -> str:
        return f"<CaseRow {self.number}>"

    def get_absolute_url(self) -> str:
        return case_url(self.number)

    def get_status_display(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)

    def get_channel_display(self) -> str:
        return _CHANNEL_LABELS.get(self.channel, self.channel)


def for_case_table(cases: DisclosureRequestQuerySet) -> QuerySet[Any, tuple[Any, ...]]:
    """`cases` reading only the primary key and CASE_TABLE_COLUMNS, the agency's name
    joined: tuples in the order of CaseRow's arguments (`case_rows` makes the rows)."""
    return cases.select_related(None).values_list("pk", *CASE_TABLE_COLUMNS)


def case_rows(values: Iterable[tuple[Any, ...]]) -> list[CaseRow]:
    """The CaseRow of each tuple `for_case_table` read."""
    return [CaseRow(*row) for row in values]
