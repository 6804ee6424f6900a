"""The SQL that formats the case CSV's cells (reports/copyexport.py), cell by cell against
the Python writer (formats.csv_text), on the values the fast paths must get right."""

import json

import pytest
from django.db import connection

from dmvrequests.reports import copyexport, formats

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

LISTS = [
    ["address", "license_record"],
    ["photo"],
    [],
    None,
    [""],
    ["", ""],
    ["a;b", "c"],  # a ';' inside an item: joined as Python joins it
    ["two words", "x"],  # a space: not a code, the general path
    ['quote", "inside'],  # the separator inside an item (escaped in JSON)
    ["back\\slash"],
    ["Ärger", "x"],
    ["UPPER"],
    [1, "x", 2.5],
    "not a list",
    {"an": "object"},
]


def sql_value(expression, value, cast):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression} FROM (SELECT %s::{cast} AS x) v", [value])  # noqa: S608
        return cursor.fetchone()[0]


def python_cell(value):
    """formats.csv_text of a stored list, as COPY writes it: '' is NULL (None)."""
    if not isinstance(value, list):
        value = []  # what the Python rows hold for anything else: no items
    return formats.csv_text(value) or None


@pytest.mark.parametrize("value", LISTS, ids=[json.dumps(v) for v in LISTS])
def test_a_list_is_joined_as_python_joins_it(value):
    stored = None if value is None else json.dumps(value)
    assert sql_value(copyexport._joined("x"), stored, "jsonb") == python_cell(value)


@pytest.mark.parametrize(
    "text", ["", None, "plain", "=SUM(A1)", "+1", "-2", "@me", "\tTab", "\rCR", " =spaced"]
)
def test_the_formula_guard_is_the_python_writers(text):
    expected = formats.csv_text(text) or None
    assert sql_value(copyexport._guard("x"), text, "text") == expected
