"""The search page's reads: what a query matches, and one page of it at any table size.

What a query matches (`search_match`): the case number or VIN exactly, the plate or
license number in any punctuation and case, or every word of the subject's name
anywhere in the name (cases/searchkeys.py, migrations cases/0006 and 0008).

One page of the matches a user may see (`search_page`), newest received first, in two
queries whatever the number of matches:

1. the ids of at most `SEARCH_LIMIT + 1` matches, newest first: each part of the
   match (identifiers, name: search_parts) in each arm of the visibility rule
   (capabilities.visible_arms: shared, the office's, assigned) is one small query of
   two narrow columns (id, received_at), its own newest first and limited, that its own
   indexes answer, and a `UNION` of the arms (which also drops a case found by two arms)
   keeps the newest (`ORDER BY received_at DESC, id DESC LIMIT`). The count and every
   page come from this one list, so no match is read twice, and none is joined or
   counted;
2. the cases of the page, by id, with what a row shows (cases/case_table.py: its
   columns and the agency's name, as CaseRows).

More than `SEARCH_LIMIT` matches are not counted: the page says "more than 500" and
pages through the newest 500, which is what a clerk reads before adding a word of
the name or searching by license or plate instead. Before this (one `COUNT(*)` of
every match, then every match joined to its agency, office and counsel and sorted
for the page), "Robert" in Albany read its 3,000 matches at 1,000,000 cases twice
(docs/performance.md, "Search").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import Q

from dmvrequests.cases.capabilities import visible_arms
from dmvrequests.cases.case_table import case_rows, for_case_table
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.cases.searchkeys import identifier_key, name_key

if TYPE_CHECKING:
    from accounts.models import User

# The longest field searched (subject_name); a longer query cannot match anything.
MAX_SEARCH_LENGTH = 200
# Words of a name searched for; more are ignored (each is one more index lookup).
MAX_NAME_WORDS = 6
# pg_trgm finds a word inside a name from three letters; a shorter word is looked for
# at the start of a word of the name instead ("Li" finds "Li Wei", not "Julie").
MIN_INSIDE_WORD = 3
# Matches counted and paged through (ten pages of 50); beyond it "more than 500".
SEARCH_LIMIT = 500
# PostgreSQL, for the search's one query (its own transaction): a table row read out of
# order priced as the cached read it is, not as PostgreSQL's default (4) prices a disk seek.
# With the default, a name of a few hundred matches (a first and last name at 1,000,000
# cases) was found by ANDing the trigram index's 349 rows with a bitmap of the office's
# 83,251 cases from its own index, then reading the 26 left: 17 to 25 ms, of which the office's
# bitmap took more than half; priced so, the 349 rows are read and kept by office: 8.5 ms. A
# common name keeps its plan (the office's newest first, index only). docs/performance.md.
RANDOM_PAGE_COST_SQL = "SET LOCAL random_page_cost = 1.1"


def _name_match(query: str) -> Q | None:
    """Every word of the query somewhere in the subject's name, in any order and case,
    accents and punctuation ignored: "gutierrez" and "Maria Lopez" both find
    "María Gutiérrez López" (cases/searchkeys.py, migration 0006)."""
    words = name_key(query).split()[:MAX_NAME_WORDS]
    if not words:
        return None
    match = Q()
    for word in words:
        if len(word) >= MIN_INSIDE_WORD:
            match &= Q(subject_name_key__contains=word)
        else:
            match &= Q(subject_name_key__startswith=word) | Q(subject_name_key__contains=f" {word}")
    return match


def search_parts(query: str) -> list[Q]:
    """The conditions on a case for the search text `query`, any of which finds it:
    [by an identifier (number, VIN, plate, license), by the name (when the text has a
    word)]; [] for a text that can match nothing (empty, longer than MAX_SEARCH_LENGTH,
    or holding a NUL character, which SQLite's LIKE and PostgreSQL would refuse).
    Kept apart, so that each is answered by its own indexes (`office AND name` by the
    (office, name) trigram index of migration 0008, not the office's every case)."""
    query = (query or "").strip()
    if not query or len(query) > MAX_SEARCH_LENGTH or "\x00" in query:
        return []
    compact = query.upper().replace(" ", "")
    identifiers = Q(number=compact) | Q(subject_vin=compact)
    identifier = identifier_key(query)
    if identifier:
        identifiers |= Q(subject_plate_key=identifier) | Q(subject_license_key=identifier)
    name = _name_match(query)
    return [identifiers] if name is None else [identifiers, name]


def search_match(query: str) -> Q | None:
    """The condition on a case for the search text `query` (any of search_parts); None
    for a text that can match nothing."""
    parts = search_parts(query)
    if not parts:
        return None
    match = parts[0]
    for part in parts[1:]:
        match |= part
    return match


@dataclass(frozen=True)
class SearchResults:
    """One page of a search: `page` a Django Page whose object_list holds the cases
    (CaseRows: the table's columns and agency, case_table.py); `count` the matches the user may see,
    at most SEARCH_LIMIT; `more` True when there are more than SEARCH_LIMIT (then
    `count` is SEARCH_LIMIT and the pages cover the newest SEARCH_LIMIT)."""

    page: Page
    count: int
    more: bool
    limit: int


def _newest_ids_sql(arms: list[Any], limit: int) -> tuple[str, list[Any]]:
    """SQL for the ids of the newest `limit` cases among the union of `arms`: each arm's
    own newest `limit`, then the newest `limit` of their union (which holds them all).

    The office's name arm is answered by whichever of two plans PostgreSQL estimates
    cheaper from the name's frequency: for a common name ("Robert" in Albany: 2,998
    of 83,251 cases at 1,000,000), the (office, received_at, id) index that carries the
    name key (migration 0012) read newest first, index only, until `limit` match; for a
    rare one, the trigram index's few rows, then sorted. Without the order and limit in
    the arm, every match's row was read to sort them (2,913 heap blocks for "Robert").
    """
    parts, params = [], []
    for n, arm in enumerate(arms):
        newest = arm.order_by("-received_at", "-pk")[:limit]
        sql, arm_params = newest.values_list("pk", "received_at").query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) a{n}")  # noqa: S608  # nosec B608 - the ORM's own SQL, values as params
        params.extend(arm_params)
    return f"{' UNION '.join(parts)} ORDER BY 2 DESC, 1 DESC LIMIT {int(limit)}", params


def newest_matching_ids(user: User, query: str, limit: int) -> list[int]:
    """Ids of the newest `limit` cases (received_at, then id, descending) that match
    `query` and that `user` may see; one query, none for a text that matches nothing (on
    PostgreSQL after RANDOM_PAGE_COST_SQL, in a transaction or savepoint of its own that is
    rolled back)."""
    arms: list[Any] = []
    for part in search_parts(query):
        matching = DisclosureRequest.objects.filter(part)
        visible = visible_arms(user, matching)
        arms.extend([matching] if visible is None else visible)
    if not arms:
        return []
    sql, params = _newest_ids_sql(arms, limit)
    alias = DisclosureRequest.objects.db
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(RANDOM_PAGE_COST_SQL)
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        # Rolled back (it wrote nothing), which ends the setting even within a caller's
        # transaction: the savepoint's rollback undoes SET LOCAL, where its release would not.
        transaction.set_rollback(True, using=alias)
    return ids


def search_page(user: User, query: str, number: Any, per_page: int) -> SearchResults:
    """Page `number` (any text; Django's get_page rules: the last page when beyond it,
    the first when not a number) of the cases matching `query` that `user` may see,
    `per_page` a page, newest received first. Two queries (one when nothing matches)."""
    limit = SEARCH_LIMIT
    ids = newest_matching_ids(user, query, limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    page = Paginator(ids, per_page).get_page(number)
    wanted = list(page.object_list)
    rows = (
        case_rows(for_case_table(DisclosureRequest.objects.filter(pk__in=wanted)).order_by())
        if wanted
        else []
    )
    found = {row.pk: row for row in rows}
    # The page's ids made rows (the stubs type a page's list as what its paginator holds).
    page.object_list = [found[pk] for pk in wanted if pk in found]  # type: ignore[misc]
    return SearchResults(page=page, count=len(ids), more=more, limit=limit)
