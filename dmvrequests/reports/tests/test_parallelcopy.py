"""The case CSV COPYed in parallel ranges of case ids, in one snapshot (reports/parallelcopy.py):
the same bytes as one COPY and as the Python writer, empty ranges included; a range that
fails fails the export and leaves no thread, spool file or open transaction behind."""

import io
import threading
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.reports import copyexport, exports, formats, parallelcopy
from dmvrequests.reports.filters import ReportFilters
from dmvrequests.reports.tests.conftest import period_filters
from dmvrequests.reports.tests.test_exports import hostile_case


class TestIdRanges:
    def test_they_cover_every_id_of_the_span_in_order(self):
        ranges = parallelcopy.id_ranges(101, 200, 4)
        assert ranges == [(101, 126), (126, 151), (151, 176), (176, 201)]

    def test_no_more_ranges_than_ids(self):
        assert parallelcopy.id_ranges(7, 8, 5) == [(7, 8), (8, 9)]

    @pytest.mark.parametrize(
        ("low", "high", "parts", "ranges"),
        [(None, None, 4, [(None, None)]), (5, 5, 4, [(5, 6)]), (1, 9, 1, [(1, 10)])],
    )
    def test_one_range_when_there_is_nothing_to_split(self, low, high, parts, ranges):
        assert parallelcopy.id_ranges(low, high, parts) == ranges

    def test_a_range_becomes_sql_bounds(self):
        assert copyexport.id_bounds("c.id", (None, None)) == []
        assert copyexport.id_bounds("c.id", (3, 9)) == ["c.id >= 3", "c.id < 9"]
        assert copyexport.id_bounds("d.case_id", (None, 9)) == ["d.case_id < 9"]


def every_case():
    return ReportFilters(date_from=date(2000, 1, 1), date_to=timezone.localdate())


def python_csv(filters, identifiers):
    header = exports.case_header(identifiers)
    rows = exports.case_rows(filters, include_identifiers=identifiers)
    return "".join(formats.csv_chunks(header, rows))


def copied_csv(filters, identifiers):
    return "".join(exports.text_chunks("csv", "cases", filters, identifiers))


@pytest.fixture
def ranges_used(monkeypatch):
    """How many statements each parallel COPY ran (none: every export was one COPY)."""
    used = []
    original = parallelcopy.copy_chunks

    def counting(statements, setup):
        def counted():
            made = statements()
            used.append(len(made))
            return made

        return original(counted, setup)

    monkeypatch.setattr(parallelcopy, "copy_chunks", counting)
    return used


def split_in(monkeypatch, settings, connections):
    monkeypatch.setattr(copyexport, "PARALLEL_FROM_CASES", 0)
    settings.EXPORT_COPY_CONNECTIONS = connections


def holds(id_range, pk):
    low, high = id_range
    return (low is None or pk >= low) and (high is None or pk < high)


def no_spooler_left():
    return not [t for t in threading.enumerate() if isinstance(t, parallelcopy.Spooler)]


@pytest.mark.postgres
class TestInsideATransaction:
    """A test's own transaction holds its rows from other connections: one COPY then."""

    def test_an_export_inside_a_transaction_is_one_copy(
        self, dataset, monkeypatch, settings, ranges_used
    ):
        split_in(monkeypatch, settings, 4)
        assert connection.in_atomic_block
        assert copied_csv(every_case(), False) == python_csv(every_case(), False)
        assert ranges_used == []


# serialized_rollback: restore the data migrations (roles, profiles) that a flush removes;
# transaction: the other connections see only committed rows.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestParallelCopy:
    # 50: more connections than cases, so one range per case, most of them empty.
    @pytest.mark.parametrize(("identifiers", "connections"), [(False, 2), (True, 3), (True, 50)])
    def test_the_same_bytes_as_one_copy_and_as_python(
        self, dataset, office, clerk, monkeypatch, settings, ranges_used, related, identifiers,
        connections,
    ):  # fmt: skip
        hostile_case(office, clerk)
        filters = every_case()
        split_in(monkeypatch, settings, 1)
        single = copied_csv(filters, identifiers)
        assert ranges_used == []
        split_in(monkeypatch, settings, connections)
        parallel = copied_csv(filters, identifiers)
        ids = sorted(filters.cases().values_list("pk", flat=True))
        assert ranges_used == [len(parallelcopy.id_ranges(ids[0], ids[-1], connections))]
        assert ranges_used[0] == min(connections, ids[-1] - ids[0] + 1) > 1
        assert parallel.count("\r\n") >= len(ids) + 1
        assert parallel == single == python_csv(filters, identifiers)
        assert no_spooler_left()

    def test_ranges_without_a_case_of_the_filters_write_nothing(
        self, dataset, office, monkeypatch, settings, ranges_used, related
    ):
        """An office's cases, split in as many ranges as there are cases: the other
        office's ranges are empty, and the rows come out as one COPY writes them."""
        filters = period_filters(office=office)
        ids = sorted(filters.cases().values_list("pk", flat=True))
        ranges = parallelcopy.id_ranges(ids[0], ids[-1], len(ids))
        empty = [r for r in ranges if not any(holds(r, pk) for pk in ids)]
        assert empty, "the dataset has cases of another office between ours"
        split_in(monkeypatch, settings, len(ids))
        assert copied_csv(filters, True) == python_csv(filters, True)
        assert ranges_used == [len(ranges)]

    def test_an_empty_range_between_two_others(self, dataset):
        """Ranges given by hand, the middle one empty: the two others' rows, in order."""
        filters = every_case()
        ids = sorted(filters.cases().values_list("pk", flat=True))
        middle = ids[len(ids) // 2]
        statements = [
            copyexport.copy_sql(filters, False, cases_expected=len(ids), id_range=id_range)
            for id_range in [(None, middle), (middle, middle), (middle, None)]
        ]
        chunks = parallelcopy.copy_chunks(lambda: statements, copyexport._session)
        body = b"".join(chunks).decode()
        header = copyexport._header_line(exports.case_header(False))
        assert header + body == python_csv(filters, False)

    def test_no_case_gives_the_header_alone(self, db, monkeypatch, settings, ranges_used):
        split_in(monkeypatch, settings, 2)
        header = ",".join(exports.case_header(False)) + "\r\n"
        assert copied_csv(every_case(), False) == header
        assert ranges_used == []

    def test_a_range_that_fails_fails_the_export(self, dataset, monkeypatch, settings):
        """The second connection's COPY stops with an error: write_export raises it, after the
        first range's rows (so the target is never a whole export); no thread, spool file or
        transaction is left, and the connection serves the next query."""
        split_in(monkeypatch, settings, 2)
        spoolers = []

        def failing(self, conn):
            spoolers.append(self)
            self.spool.write(b"half a row")
            raise OSError("disk full")

        monkeypatch.setattr(parallelcopy.Spooler, "_copy", failing)
        target = io.BytesIO()
        with pytest.raises(OSError, match="disk full"):
            exports.write_export(target, "csv", "cases", every_case())
        assert b"half a row" not in target.getvalue()
        assert len(spoolers) == 1 and spoolers[0].spool.closed
        assert no_spooler_left()
        assert not connection.in_atomic_block
        assert DisclosureRequest.objects.count() == len(dataset[0]) + 1

    def test_a_download_closed_early_stops_every_range(self, dataset, monkeypatch, settings):
        split_in(monkeypatch, settings, 3)
        chunks = exports.text_chunks("csv", "cases", every_case())
        assert next(chunks).startswith("number,")
        next(chunks)
        chunks.close()
        assert no_spooler_left()
        assert not connection.in_atomic_block
        assert DisclosureRequest.objects.count() == len(dataset[0]) + 1
