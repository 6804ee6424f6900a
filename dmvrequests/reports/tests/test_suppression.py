"""Small-count suppression: small cells hidden, and totals never give them away.

The property test plays the reader: for every table it enumerates, by brute
force, every value each suppressed cell could take given what is published,
and requires at least two for each.
"""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dmvrequests.reports.suppression import COLUMNS, SMALL, WITHHELD, suppress


def table(*rows):
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def totals(rows):
    return {column: sum(row[column] for row in rows) for column in COLUMNS}


def marks(grid, column):
    return [row[column].mark for row in grid]


class TestPrimarySuppression:
    def test_it_publishes_a_table_without_small_counts_as_it_is(self):
        rows = table((10, 10, 9), (20, 18, 0), (0, 0, 0))
        grid, total = suppress(rows, totals(rows), 5)
        assert all(not cell.suppressed for row in grid for cell in row.values())
        assert not any(cell.suppressed for cell in total.values())

    def test_zero_is_published(self):
        rows = table((0, 0, 0), (12, 12, 12))
        grid, _ = suppress(rows, totals(rows), 5)
        assert grid[0]["requests"].mark == ""

    @pytest.mark.parametrize("value", [1, 2, 3, 4])
    def test_counts_below_the_threshold_are_small(self, value):
        rows = table((value, value, 0), (30, 30, 30), (40, 40, 40))
        grid, _ = suppress(rows, totals(rows), 5)
        assert grid[0]["requests"].mark == SMALL
        assert grid[0]["subjects"].mark == SMALL

    def test_the_threshold_is_configurable(self):
        rows = table((7, 7, 7), (30, 30, 30), (40, 40, 40))
        assert suppress(rows, totals(rows), 5)[0][0]["requests"].mark == ""
        assert suppress(rows, totals(rows), 10)[0][0]["requests"].mark == SMALL

    def test_a_small_total_is_small_and_then_nothing_else_is_needed(self):
        rows = table((2, 2, 1), (0, 0, 0), (1, 1, 0))
        grid, total = suppress(rows, totals(rows), 5)
        assert total["requests"].mark == SMALL
        assert marks(grid, "requests") == [SMALL, "", SMALL]


class TestComplementarySuppression:
    def test_one_small_cell_takes_the_next_smallest_with_it(self):
        # Without the second cell, 3 = 73 − 40 − 30 would be plain to see.
        rows = table((3, 3, 3), (30, 30, 30), (40, 40, 40))
        grid, total = suppress(rows, totals(rows), 5)
        assert marks(grid, "requests") == [SMALL, WITHHELD, ""]
        assert not total["requests"].suppressed

    def test_it_withholds_the_total_when_no_other_cell_can_hide_a_1(self):
        # "fewer than 5" + withheld = 6, and a withheld cell is 0 or ≥ 5: the
        # small cell could only be 1, unless the total goes too.
        rows = table((1, 1, 1), (5, 5, 5), (0, 0, 0))
        grid, total = suppress(rows, totals(rows), 5)
        assert total["requests"].mark == WITHHELD

    def test_two_small_cells_of_4_are_not_left_alone(self):
        # Two "fewer than 5" adding up to a published 8 must both be 4.
        rows = table((4, 4, 4), (4, 4, 4), (9, 9, 9))
        grid, _ = suppress(rows, totals(rows), 5)
        assert marks(grid, "requests") == [SMALL, SMALL, WITHHELD]

    def test_tables_that_share_totals_withhold_the_same_ones(self):
        rows = table((10, 10, 10), (20, 20, 20))
        _, total = suppress(rows, totals(rows), 5, withheld_totals=("requests",))
        assert total["requests"].mark == WITHHELD


def feasible_values(rows, grid, total, column, threshold, index):
    """Brute force: every value the reader could give cell `index` of `column`."""
    hidden = [i for i, row in enumerate(grid) if row[column].suppressed]
    published = sum(rows[i][column] for i in range(len(rows)) if i not in hidden)
    ceiling = total[column]

    def domain(i):
        cell = grid[i][column]
        values = range(1, threshold) if cell.mark == SMALL else [0, *range(threshold, ceiling + 1)]
        requests = grid[i]["requests"]
        if column != "requests" and not requests.suppressed:
            values = [v for v in values if v <= requests.value]
        if column != "requests" and requests.mark == SMALL:
            values = [v for v in values if v < threshold]
        if column == "requests":
            for other in ("subjects", "produced"):
                if not grid[i][other].suppressed:
                    values = [v for v in values if v >= grid[i][other].value]
        return list(values)

    found = set()
    for assignment in itertools.product(*(domain(i) for i in hidden)):
        hidden_sum = sum(assignment)
        exact = column != "subjects"
        fits = published + hidden_sum == ceiling if exact else published + hidden_sum >= ceiling
        if fits:
            found.add(assignment[hidden.index(index)])
    return found


counts = st.integers(min_value=0, max_value=9).flatmap(
    lambda requests: st.tuples(
        st.just(requests),
        st.integers(min_value=0, max_value=requests),
        st.integers(min_value=0, max_value=requests),
    )
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(counts, min_size=2, max_size=4), threshold=st.integers(3, 5))
def test_no_suppressed_cell_can_be_worked_out_from_the_totals(rows, threshold):
    rows = table(*rows)
    total = totals(rows)
    grid, total_cells = suppress(rows, total, threshold)
    for column in COLUMNS:
        if total_cells[column].suppressed:
            continue  # no published total: nothing to subtract from
        for index, row in enumerate(grid):
            if row[column].suppressed:
                possible = feasible_values(rows, grid, total, column, threshold, index)
                assert rows[index][column] in possible
                assert len(possible) >= 2, (column, index, rows)
