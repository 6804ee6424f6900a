"""`manage.py import_switch_log` follows the journal's contract (docs/network-queries.md):
text and CSV journals, gzip and standard input, rejected lines with their line numbers,
duplicates, exit 2 for a file that cannot be read, the flags of each query."""

import gzip
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.tests.journals import entry, journal
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db

T = "2026-03-14T09:12:{:02d}-04:00"
CSV_HEADER_LINE = "timestamp,direction,sequence,message_key,sender_ori,destination,control,text"

SAMPLE = journal(
    entry(T.format(44), "IN", 1042, "DQ.DCICE0100.NY.TXT", "NAM/DOE,JANE.DOB/19800102.SEX/F.IMQ/Y"),
    entry(T.format(46), "OUT", 1043, "DR.NY0000000.DCICE0100.TXT", "NAM/DOE,JANE.\nOLN/D1234567."),
    # TXT on the next line, a control field, text over two lines.
    entry(T.format(50), "IN", 1044, "RQ.NY0010100.NY.C7731.\nTXT", "LIC/ABC1234.\nLIY/2026.LIT/PC"),
)


def test_a_text_journal_is_imported(import_log):
    code, (result,), err = import_log(SAMPLE)
    assert code == 0 and err == ""
    assert result == {
        "file": result["file"],
        "entries": 3,
        "imported": 3,
        "duplicates": 0,
        "rejected_count": 0,
        "rejected": [],
    }
    rq = JournalEntry.objects.get(sequence=1044)
    assert (rq.message_key, rq.sender_ori, rq.destination, rq.control) == (
        "RQ",
        "NY0010100",
        "NY",
        "C7731",
    )
    assert rq.text == "LIC/ABC1234.\nLIY/2026.LIT/PC"


def test_importing_again_counts_duplicates_and_stores_nothing_twice(import_log):
    import_log(SAMPLE)
    code, (result,), _ = import_log(SAMPLE + "\n" + SAMPLE, "again.txt")
    assert code == 0
    assert (result["entries"], result["imported"], result["duplicates"]) == (6, 0, 6)
    assert JournalEntry.objects.count() == 3


def test_broken_entries_are_rejected_with_line_numbers_and_the_rest_imported(import_log):
    text = journal(
        entry("2026-03-14T09:12:44", "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),  # line 1
        entry(T.format(1), "SIDEWAYS", 2, "DQ.NY0010100.NY.TXT", "OLN/D1."),  # line 5
        entry(T.format(2), "IN", 3, "DQ.NY00101.NY.TXT", "OLN/D1."),  # line 9
        entry(T.format(3), "IN", 4, "DQ.NY0010100.NEWYORK.TXT", "OLN/D1."),  # line 13
        entry(T.format(4), "IN", 5, "DQ NY0010100 NY", "OLN/D1."),  # line 17
        entry(T.format(5), "IN", 6, "DQ.NY0010100.NY.TXT", ""),  # line 21
        "just some words\n",  # line 25
        entry(T.format(6), "IN", 7, "DQ.NY0010100.NY.TXT", "OLN/D1."),  # line 27: fine
        entry("yesterday", "IN", 8, "DQ.NY0010100.NY.TXT", "OLN/D1."),  # line 31
    )
    code, (result,), _ = import_log(text)
    assert code == 0
    assert (result["entries"], result["imported"], result["rejected_count"]) == (9, 1, 8)
    lines = [r["line"] for r in result["rejected"]]
    assert lines == [1, 5, 9, 13, 17, 21, 25, 31]
    reasons = [r["reason"] for r in result["rejected"]]
    assert "UTC offset" in reasons[0]
    assert "journal line" in reasons[1]
    assert "ORI" in reasons[2]
    assert "destination" in reasons[3]
    assert "Nlets header" in reasons[4]
    assert "no text" in reasons[5]
    assert JournalEntry.objects.get().sequence == 7


def test_a_line_that_is_not_utf8_rejects_its_entry_only(import_log):
    text = (
        entry(T.format(1), "IN", 1, "DQ.NY0010100.NY.TXT", "NAM/M\xdcLLER,J.").encode("latin-1")
        + b"\n"
        + entry(T.format(2), "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D1.").encode()
    )
    code, (result,), _ = import_log(text)
    assert code == 0
    assert result["rejected"] == [{"line": 1, "reason": "line 3 of the entry is not UTF-8 text"}]
    assert result["imported"] == 1


def test_a_journal_line_without_a_blank_line_starts_a_new_entry(import_log):
    text = entry(T.format(1), "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1.") + entry(
        T.format(2), "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D2."
    )
    _, (result,), _ = import_log(text)
    assert (result["entries"], result["imported"]) == (2, 2)


CSV_TEXT = (
    "timestamp,direction,sequence,message_key,sender_ori,destination,control,text\n"
    '2026-03-14T09:12:44-04:00,IN,1,DQ,DCICE0100,NY,,"NAM/DOE,JANE.DOB/19800102.SEX/F."\n'
    '2026-03-14T09:12:45-04:00,OUT,2,DR,NY0000000,DCICE0100,,"NAM/DOE,JANE.\nOLN/D1234567."\n'
    "2026-03-14T09:12:46-04:00,IN,3,RPQ,NY0010100,NY,C1\n"
    "2026-03-14T09:12:47-04:00,IN,x4,RPQ,NY0010100,NY,C1,LIC/AB*.\n"
    "2026-03-14T09:12:48-04:00,IN,5,RPQ,NY0010100,NY,C1,LIC/AB*.\n"
)


def test_a_csv_journal_is_imported_with_line_numbers_of_its_rows(import_log):
    code, (result,), _ = import_log(CSV_TEXT, "journal.csv")
    assert code == 0
    assert (result["entries"], result["imported"], result["rejected_count"]) == (5, 3, 2)
    assert [r["line"] for r in result["rejected"]] == [5, 6]
    assert "columns" in result["rejected"][0]["reason"]
    assert "sequence" in result["rejected"][1]["reason"]
    response = JournalEntry.objects.get(sequence=2)
    assert response.text == "NAM/DOE,JANE.\nOLN/D1234567."


def test_a_csv_journal_with_a_wrong_header_is_not_read(import_log):
    code, results, err = import_log("timestamp,when,who\n1,2,3\n", "bad.csv")
    assert code == 2 and results == []
    assert "header" in err and len(err.strip().splitlines()) == 1


def test_gzip_by_name_and_standard_input(import_log, tmp_path, capsys, monkeypatch):
    code, (result,), _ = import_log(gzip.compress(SAMPLE.encode()), "journal.txt.gz")
    assert code == 0 and result["imported"] == 3
    stdin = io.TextIOWrapper(io.BytesIO(SAMPLE.replace("1042", "2042").encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    call_command("import_switch_log", "--json", "-")
    result = json.loads(capsys.readouterr().out)
    assert result["file"] == "-"
    assert (result["imported"], result["duplicates"]) == (1, 2)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01binary", "not a text file"),
        ("latin.bin", bytes(range(128, 256)) * 4, "not UTF-8"),
        ("broken.gz", b"\x1f\x8b\x08\x00garbage-not-deflate", "cannot be read"),
        # Named .gz, plain text (a journal's, even): "not a gzip file", as the upload says.
        ("plain.txt.gz", SAMPLE.encode(), "not a gzip file"),
    ],
)
def test_a_file_that_is_not_text_exits_2_and_imports_nothing(import_log, name, content, reason):
    code, results, err = import_log(content, name)
    assert code == 2 and results == []
    assert reason in err and len(err.strip().splitlines()) == 1
    assert JournalEntry.objects.count() == 0


def test_a_missing_file_exits_2_and_the_other_files_are_imported(import_log, tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE)
    with pytest.raises(SystemExit) as exit_:
        call_command("import_switch_log", "--json", str(tmp_path / "nope.txt"), str(good))
    out, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert err.strip() == f"import_switch_log: {tmp_path / 'nope.txt'}: no such file."
    assert json.loads(out)["imported"] == 3


def test_a_gzip_file_cut_short_keeps_what_was_read(import_log):
    body = "\n".join(
        entry(
            f"2026-03-14T09:{i // 60:02d}:{i % 60:02d}-04:00",
            "IN",
            i,
            "DQ.NY0010100.NY.TXT",
            f"OLN/D{i:07d}.",
        )
        for i in range(2000)
    )
    packed = gzip.compress(body.encode())
    code, (result,), err = import_log(packed[: len(packed) // 2], "cut.txt.gz")
    assert code == 0 and err == ""
    assert list(result) == [  # the contract's fields, no more
        "file",
        "entries",
        "imported",
        "duplicates",
        "rejected_count",
        "rejected",
    ]
    reason = result["rejected"][-1]["reason"]
    assert reason.startswith("the file breaks off here: the compressed file is cut short")
    assert "send the whole file again" in reason and "marker was reached" not in reason
    imported = result["imported"]
    assert 0 < imported < 2000
    # "The entries before this line are imported", whole, and none after: entry i starts at
    # line 4 i + 1; the entry the break may have cut is left out.
    assert result["rejected"][-1]["line"] == 4 * imported + 1
    texts = dict(JournalEntry.objects.values_list("sequence", "text"))
    assert texts == {i: f"OLN/D{i:07d}." for i in range(imported)}
    code, (again,), _ = import_log(gzip.compress(body.encode()), "whole.txt.gz")
    assert (again["imported"], again["duplicates"], again["rejected_count"]) == (
        2000 - imported,
        imported,
        0,
    )


def test_a_text_file_that_is_not_a_journal_is_read_as_the_contract_says(import_log):
    """The command's contract is fixed: a file read is exit 0, each entry that is not one of
    the journal's rejected with its line and reason (the upload page refuses such a file)."""
    readme = "# Switch tools\n\nThis folder holds the switch's exports.\nRun export.sh nightly.\n"
    code, (result,), err = import_log(readme, "README.md")
    assert code == 0 and err == ""
    assert (result["entries"], result["imported"], result["rejected_count"]) == (2, 0, 2)
    assert [r["line"] for r in result["rejected"]] == [1, 3]
    assert all("does not start with a journal line" in r["reason"] for r in result["rejected"])


def flags(sequence):
    row = JournalEntry.objects.get(sequence=sequence)
    return {
        name for name in ("image", "name_only", "partial_plate", "blocked") if getattr(row, name)
    } | ({"immigration"} if row.agency_kind == "immigration" else set())


def test_each_flag_of_a_query(import_log):
    AgencyFactory(name="ICE", kind="immigration", oris="DCICE*")
    text = journal(
        entry(T.format(1), "IN", 1, "DQ.DCICE0100.NY.TXT", "NAM/DOE,JANE.DOB/19800102.SEX/F.IMQ/Y"),
        entry(T.format(2), "IN", 2, "DNQ.NY0010100.NY.TXT", "NAM/DOE,JANE."),
        entry(T.format(3), "IN", 3, "RNQ.NY0010100.NY.TXT", "NAM/DOE,JANE."),
        entry(T.format(4), "IN", 4, "DQ.NY0010100.NY.TXT", "NAM/DOE,JANE.SEX/F."),
        entry(T.format(5), "IN", 5, "RPQ.NY0010100.NY.TXT", "LIC/ABC."),
        entry(T.format(6), "IN", 6, "RQ.NY0010100.NY.TXT", "LIC/AB*123."),
        entry(T.format(7), "IN", 7, "RQ.NY0010100.NY.TXT", "LIC/AB?123.VIN/1HGCM82633A004352."),
        entry(T.format(8), "IN", 8, "RQ.NY0010100.NY.TXT", "VIN/1HGCM82633A004352."),
        entry(T.format(9), "IN", 9, "XQ.DCICE0100.NY.TXT", "IMQ/N."),
        # A plate without a wildcard, with one in another field, in a later LIC field only,
        # in lower case: only the first LIC field counts (the fields' rule).
        entry(T.format(10), "IN", 10, "RQ.NY0010100.NY.TXT", "LIC/ABC123.LIY/2026."),
        entry(T.format(11), "IN", 11, "RQ.NY0010100.NY.TXT", "LIC/ABC123.MIS/WHO?*."),
        entry(T.format(12), "IN", 12, "RQ.NY0010100.NY.TXT", "LIC/ABC123.LIC/AB*."),
        entry(T.format(13), "IN", 13, "RQ.NY0010100.NY.TXT", "lic/ab?12."),
    )
    import_log(text)
    assert flags(1) == {"immigration", "image"}
    assert flags(2) == flags(3) == flags(4) == {"name_only"}
    assert flags(5) == flags(6) == flags(7) == flags(13) == {"partial_plate"}
    assert flags(8) == flags(10) == flags(11) == flags(12) == set()
    other = JournalEntry.objects.get(sequence=9)
    assert other.message_key == "XQ" and flags(9) == {"immigration"}


def test_an_entry_dated_in_the_future_is_rejected_with_its_line_and_the_rest_imported(import_log):
    now = datetime.now(UTC).replace(microsecond=0)
    text = journal(
        entry(now - timedelta(hours=1), "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),  # line 1
        entry(now + timedelta(days=1), "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D2."),  # line 5
        entry(now + timedelta(minutes=1), "IN", 3, "DQ.NY0010100.NY.TXT", "OLN/D3."),  # skew
    )
    for name in ("journal.txt", "journal.txt.gz"):
        data = gzip.compress(text.encode()) if name.endswith(".gz") else text
        code, (result,), _ = import_log(data, name)
        assert code == 0 and result["rejected_count"] == 1
        (rejected,) = result["rejected"]
        assert rejected["line"] == 5
        assert "is in the future" in rejected["reason"]
        assert "check the switch's clock" in rejected["reason"]
    assert sorted(JournalEntry.objects.values_list("sequence", flat=True)) == [1, 3]


def test_the_future_allowance_is_a_setting(import_log, settings):
    now = datetime.now(UTC).replace(microsecond=0)
    text = journal(
        entry(now + timedelta(minutes=20), "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),  # line 1
        entry(now + timedelta(hours=3), "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D2."),  # line 5
    )
    settings.SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS = 3600
    code, (result,), _ = import_log(text, "journal.txt")
    assert code == 0 and result["imported"] == 1
    assert [r["line"] for r in result["rejected"]] == [5]
    assert "more than 60 minutes after now" in result["rejected"][0]["reason"]
    settings.SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS = 0
    later = journal(entry(now + timedelta(seconds=90), "IN", 3, "DQ.NY0010100.NY.TXT", "X."))
    code, (result,), _ = import_log(later, "later.txt")
    assert result["imported"] == 0
    assert "more than 0 seconds after now" in result["rejected"][0]["reason"]


@pytest.mark.parametrize("value", [-1, "300", 2.5])
def test_a_negative_or_malformed_future_allowance_is_refused_by_a_system_check(settings, value):
    from django.core import checks

    settings.SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS = value
    errors = [m for m in checks.run_checks() if m.id == "switchjournal.E001"]
    assert len(errors) == 1
    assert "SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS" in errors[0].msg
    settings.SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS = 0
    assert not [m for m in checks.run_checks() if m.id == "switchjournal.E001"]


def test_a_csv_row_dated_in_the_future_is_rejected(import_log):
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    text = f"{CSV_HEADER_LINE}\n{later},IN,1,DQ,NY0010100,NY,,OLN/D1.\n"
    code, (result,), _ = import_log(text, "journal.csv")
    assert code == 0 and result["imported"] == 0
    assert result["rejected"][0]["line"] == 2
    assert "is in the future" in result["rejected"][0]["reason"]
