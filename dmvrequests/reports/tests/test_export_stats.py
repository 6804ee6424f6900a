"""`manage.py export_stats`: figures for scripts, and one clear line for each mistake."""

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dmvrequests.reports.tests.conftest import period_filters

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def period_args():
    filters = period_filters()
    return ["--from", filters.date_from.isoformat(), "--to", filters.date_to.isoformat()]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_stats", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestGoodInput:
    def test_csv_goes_to_standard_output(self, dataset):
        specs, _ = dataset
        out, _ = run(*period_args(), "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out)))
        figures = {(r["section"], r["key"]): r["value"] for r in rows}
        assert figures[("summary", "requests")] == str(len(specs))
        for channel, n in Counter(s.channel for s in specs).items():
            assert figures[("by_channel", channel)] == str(n)

    def test_csv_is_the_default_format(self, dataset):
        out, _ = run(*period_args())
        assert out.startswith("section,key,label,value")

    def test_json_parses(self, dataset):
        specs, _ = dataset
        out, _ = run(*period_args(), "--format", "json")
        document = json.loads(out)
        assert document["export"] == "statistics"
        by_key = {(r["section"], r["key"]): r["value"] for r in document["rows"]}
        assert by_key[("summary", "decided")] == sum(s.decided for s in specs)

    def test_xlsx_is_written_to_the_file_named(self, dataset, tmp_path):
        target = tmp_path / "q.xlsx"
        _, err = run(*period_args(), "--format", "xlsx", "--output", str(target))
        assert f"Wrote {target}" in err
        sheet = load_workbook(target, read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("section", "key", "label", "value")
        assert ("summary", "requests", "Requests received", len(dataset[0])) in rows

    def test_the_office_and_agency_kind_filters_apply(self, dataset, office):
        specs, _ = dataset
        out, _ = run(*period_args(), "--office", office.code, "--agency-kind", "immigration")
        figures = {(r["section"], r["key"]): r["value"] for r in csv.DictReader(io.StringIO(out))}
        expected = sum(s.kind == "immigration" and s.office == "ours" for s in specs)
        assert figures[("summary", "requests")] == str(expected)


class TestBadInput:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--from", "2026-13-01", "--to", "2026-12-31"], "--from must be a date as YYYY-MM-DD"),
            (["--from", "2026-01-01", "--to", "31/12/2026"], "--to must be a date as YYYY-MM-DD"),
            (["--from", "2026-03-01", "--to", "2026-01-01"], "is before --from"),
            (["--from", "2026-01-01", "--to", "2026-02-01", "--format", "pdf"], "Unknown format"),
            (["--to", "2026-02-01"], "Give the period"),
            (["--from", "2026-01-01", "--to", "2026-02-01", "--office", "nowhere"], "No office"),
            (["--from", "2026-01-01", "--to", "2026-02-01", "--agency-kind", "ice"], "agency kind"),
            (["--from", "0001-01-01", "--to", "9999-12-31"], "Enter a date between 1900 and 2199"),
            (["--from", "1990-01-01", "--to", "2026-12-31"], "25 years or less"),
        ],
    )
    def test_it_says_what_is_wrong(self, args, message):
        with pytest.raises(CommandError, match=message):
            run(*args)

    def test_an_unwritable_output_is_explained(self, dataset, tmp_path):
        with pytest.raises(CommandError, match="Cannot write"):
            run(*period_args(), "--output", str(tmp_path / "missing" / "out.csv"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-02-30", "--to", "2026-03-01"], "--from must be a date as YYYY-MM-DD"),
        (["--from", "2026-03-01", "--to", "2026-01-01"], "is before --from"),
        (["--from", "2026-01-01", "--to", "2026-02-01", "--format", "docx"], "Unknown format"),
    ],
)
def test_from_the_shell_it_is_one_line_and_exit_status_1(args, message):
    """As a script sees it: no traceback, one line on standard error, status 1."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "dmvrequests.settings"}
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "export_stats", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in result.stderr
