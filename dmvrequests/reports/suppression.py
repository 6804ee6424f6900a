"""Small-count suppression for published tables, with complementary suppression.

A count from 1 to threshold − 1 is *small*: published as "fewer than 5". A
small count must not be recoverable from what is published beside it, chiefly
the column's total: with one small cell in a column, total minus the other
cells gives it away. So further cells are *withheld* until a reader who knows
every published figure still cannot pin any suppressed cell to one value.

The check is exact for what the labels tell the reader: a small cell is in
[1, threshold − 1]; a withheld cell is 0 or at least the threshold (it would
have been labelled small otherwise); a row's published figures bound its
suppressed ones (data is produced, and subjects named, in at most as many
requests as the row has). Within those domains we compute every value each
suppressed cell can take given the column's sum, with bit-set subset sums,
and withhold the next-smallest cell while some cell has only one. docs/reports.md
explains the rule with an example.
"""

from dataclasses import dataclass

SMALL = "small"
WITHHELD = "withheld"

COLUMNS = ("requests", "subjects", "produced")
# Requests and produced add up across rows to the total. Subjects do not: one
# person can be named in requests of several rows, so the rows' sum is at least
# the total; the reader learns a lower bound on the suppressed cells, not a sum.
ADDITIVE = {"requests": True, "produced": True, "subjects": False}
UNBOUNDED = None


@dataclass
class Cell:
    value: int
    mark: str = ""

    @property
    def suppressed(self):
        return bool(self.mark)


def suppress(rows, total, threshold, withheld_totals=()):
    """rows: [{column: count}], total: {column: count} → (grid of Cells, total Cells).

    `withheld_totals` names columns whose total another table had to withhold:
    tables that share their totals must show the same ones.
    """
    grid = [{c: Cell(row[c]) for c in COLUMNS} for row in rows]
    totals = {c: Cell(total[c]) for c in COLUMNS}
    for cell in [*totals.values(), *(row[c] for row in grid for c in COLUMNS)]:
        if 1 <= cell.value < threshold:
            cell.mark = SMALL
    for column in withheld_totals:
        totals[column].mark = totals[column].mark or WITHHELD
    while _withhold_one_more(grid, totals, threshold):
        pass
    return grid, totals


def _withhold_one_more(grid, totals, threshold):
    """Withhold one more cell (or a total) where a suppressed cell is exposed."""
    for column in COLUMNS:
        if totals[column].suppressed or not _exposed(grid, totals, column, threshold):
            continue
        candidates = [row[column] for row in grid if not row[column].suppressed]
        if candidates:
            # The smallest non-zero count loses the least; a zero only when none is left.
            min(candidates, key=lambda cell: (cell.value == 0, cell.value)).mark = WITHHELD
        else:
            totals[column].mark = WITHHELD
        return True
    return False


def _domain(row, column, threshold):
    """The values a reader knows a suppressed cell can take: ranges (low, high|None)."""
    cell = row[column]
    low, high = 0, UNBOUNDED
    if column == "requests":
        for other in ("subjects", "produced"):
            if not row[other].suppressed:
                low = max(low, row[other].value)
    else:
        requests = row["requests"]
        if not requests.suppressed:
            high = requests.value
        elif requests.mark == SMALL:
            high = threshold - 1
    # A withheld cell was not labelled small, so it is 0 or at least the threshold.
    wanted = [(1, threshold - 1)] if cell.mark == SMALL else [(0, 0), (threshold, UNBOUNDED)]
    return _intersect(wanted, low, high)


def _intersect(ranges, low, high):
    found = []
    for a, b in ranges:
        a = max(a, low)
        b = b if high is UNBOUNDED else (high if b is UNBOUNDED else min(b, high))
        if b is UNBOUNDED or a <= b:
            found.append((a, b))
    return found


def _exposed(grid, totals, column, threshold):
    """Can a reader narrow some suppressed cell of `column` down to one value?"""
    hidden = [row for row in grid if row[column].suppressed]
    if not hidden:
        return False
    published = sum(row[column].value for row in grid if not row[column].suppressed)
    remainder = totals[column].value - published
    domains = [_domain(row, column, threshold) for row in hidden]
    for i, domain in enumerate(domains):
        others = domains[:i] + domains[i + 1 :]
        if ADDITIVE[column]:
            possible = _values_summing(domain, others, remainder)
        else:
            possible = _values_reaching(domain, others, remainder)
        if len(possible) < 2:
            return True
    return False


def _values_summing(domain, others, remainder):
    """Values v of `domain` such that the other cells can make up remainder − v."""
    if remainder < 0:
        return []
    sums = _subset_sums(others, remainder)
    return [v for v in _listed(domain, remainder) if (sums >> (remainder - v)) & 1]


def _values_reaching(domain, others, remainder):
    """Values v such that v plus the others' largest values reach at least `remainder`."""
    highest = [_highest(d) for d in others]
    ceiling = UNBOUNDED if UNBOUNDED in highest else sum(highest)
    # Listing a little past the remainder is enough to tell one value from two.
    cap = max(remainder, 0) + max((a for a, _ in domain), default=0) + 2
    values = _listed(domain, cap)
    return [v for v in values if ceiling is UNBOUNDED or v + ceiling >= remainder]


def _highest(domain):
    if any(b is UNBOUNDED for _, b in domain):
        return UNBOUNDED
    return max((b for _, b in domain), default=0)


def _listed(domain, cap):
    """The values of `domain` up to `cap` (enough to tell one value from two)."""
    values: list[int] = []
    for a, b in domain:
        b = cap if b is UNBOUNDED else min(b, cap)
        values.extend(range(a, b + 1))
    return values


def _subset_sums(domains, cap):
    """A bit set of the sums (up to `cap`) that one value from each domain can make."""
    mask = 1
    limit = (1 << (cap + 1)) - 1
    for domain in domains:
        reached = 0
        for value in _listed(domain, cap):
            reached |= mask << value
        mask = reached & limit
    return mask
