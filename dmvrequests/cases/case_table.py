"""What the table of cases (jinja2/cases/_case_table.html: the queues and the search)
reads of each case: the columns it shows, the agency's name, and the number the list's
audit records name. The rest of the case's row (its texts, the search keys) and its office
and counsel are not read for a list: fewer columns to send and fewer objects to make, fifty
rows a page. A deferred field read later would cost a query per row: the query-count tests
of the queues and the search (cases/tests/test_query_counts.py) hold it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def for_case_table(cases: DisclosureRequestQuerySet) -> DisclosureRequestQuerySet:
    """`cases` reading only CASE_TABLE_COLUMNS (and the primary key), the agency joined."""
    return cases.select_related(None).select_related("agency").only(*CASE_TABLE_COLUMNS)
