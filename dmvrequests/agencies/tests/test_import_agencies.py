"""`manage.py import_agencies` follows the journal's contract: created/updated/rejected with
line numbers, exit 2 for a file that cannot be read or a wrong header, history for each change."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from dmvrequests.agencies.directory import NOBODY, ori_directory
from dmvrequests.agencies.models import Agency, OriBlock
from dmvrequests.testing import AgencyFactory

HEADER = "name,kind,oris,email_domains,published_phone,blocked,blocked_reason,blocked_since\n"
pytestmark = pytest.mark.django_db


def run(tmp_path, text, capsys, name="oris.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code: int | str | None = 0  # SystemExit.code
    try:
        call_command("import_agencies", "--json", str(path))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_rows_create_agencies_with_oris_patterns_and_block(tmp_path, capsys):
    code, result, _ = run(
        tmp_path,
        HEADER + "Immigration Test Agency,immigration,DCICX* DCICX0100,icx.example.gov,,true,"
        "State law ch. 12,2026-03-15\n"
        + "Albany Test Police,local_law_enforcement,NY0019900 NY00199*,albany.example.gov,"
        "518-555-0199,false,,\n",
        capsys,
    )
    assert code == 0
    assert result == {"created": 2, "updated": 0, "rejected": []}
    ice = Agency.objects.get(name="Immigration Test Agency")
    assert ice.ori_list == ["DCICX0100", "DCICX*"]
    assert ice.blocked and ice.blocked_reason == "State law ch. 12"
    # A date is midnight in the state's time zone (America/New_York: -04:00 in March).
    assert ice.blocked_since == datetime(2026, 3, 15, 4, 0, tzinfo=UTC)
    albany = Agency.objects.get(name="Albany Test Police")
    assert albany.ori == "NY0019900" and albany.email_domains == "albany.example.gov"


def test_a_matching_name_or_ori_updates_and_history_records_it(tmp_path, capsys):
    agency = AgencyFactory(name="Albany Test Police", ori="NY0019900")
    other = AgencyFactory(name="Old name", oris="NY0018800")
    code, result, _ = run(
        tmp_path,
        HEADER
        + "ALBANY TEST POLICE,local_law_enforcement,NY0019900 NY0019901,,,false,,\n"
        + "New name,state_law_enforcement,NY0018800,,,false,,\n",
        capsys,
    )
    assert code == 0 and result == {"created": 0, "updated": 2, "rejected": []}
    agency.refresh_from_db()
    other.refresh_from_db()
    assert agency.ori_list == ["NY0019900", "NY0019901"]
    assert other.name == "New name" and other.kind == "state_law_enforcement"
    assert other.history.count() == 2


def test_blocked_without_date_takes_the_import_time(tmp_path, capsys):
    before = timezone.now()
    run(tmp_path, HEADER + "X Agency,immigration,DCICY*,,,true,Law,\n", capsys)
    agency = Agency.objects.get(name="X Agency")
    assert agency.blocked_since is not None and agency.blocked_since >= before


def test_bad_rows_are_rejected_with_line_numbers_and_the_rest_loads(tmp_path, capsys):
    code, result, _ = run(
        tmp_path,
        HEADER
        + "Good One,court,,,,false,,\n"
        + "\n"
        + "Martians,martian_police,,,,false,,\n"
        + "Short ORI,court,NY12,,,false,,\n"
        + "No reason,immigration,,,,true,,\n"
        + "Bad flag,court,,,,maybe,,\n"
        + "Bad date,court,,,,true,Law,15/03/2026\n"
        + "Too few,court\n"
        + "Bad domain,court,,not a domain,,false,,\n",
        capsys,
    )
    assert code == 0
    assert result["created"] == 1
    assert [r["line"] for r in result["rejected"]] == [4, 5, 6, 7, 8, 9, 10]
    assert "agency kind" in result["rejected"][0]["reason"]
    assert "ORI" in result["rejected"][1]["reason"]
    assert "Say why" in result["rejected"][2]["reason"]
    assert not Agency.objects.filter(name__in=["Martians", "No reason"]).exists()


def test_an_ori_of_another_agency_is_refused(tmp_path, capsys):
    AgencyFactory(name="Holder", ori="NY0017700")
    AgencyFactory(name="Named")
    _, result, _ = run(tmp_path, HEADER + "Named,court,NY0017700,,,false,,\n", capsys)
    assert result["rejected"][0]["line"] == 2
    assert "Holder" in result["rejected"][0]["reason"]


def test_an_ori_under_a_pattern_of_another_agency_is_refused(tmp_path, capsys):
    AgencyFactory(name="ICE", ori="", oris="DCICE* DCICE01*")
    own = AgencyFactory(name="Own", ori="", oris="DCHSI*")
    text = (
        HEADER
        + "New office,federal_law_enforcement,DCICE0100,,,false,,\n"
        + "Own,federal_law_enforcement,DCHSI* DCICE0200,,,false,,\n"
        + "Narrower,federal_law_enforcement,DCICE9*,,,false,,\n"
        + "Own,federal_law_enforcement,DCHSI* DCHSI0300,,,false,,\n"
    )
    _, result, _ = run(tmp_path, text, capsys)
    reasons = {r["line"]: r["reason"] for r in result["rejected"]}
    assert sorted(reasons) == [2, 3, 4]
    assert reasons[2].startswith("DCICE0100 falls under DCICE01* of 'ICE', another agency")
    assert "DCICE0200 falls under DCICE* of 'ICE'" in reasons[3]
    assert "DCICE9* falls under DCICE* of 'ICE'" in reasons[4]
    assert not Agency.objects.filter(name__in=["New office", "Narrower"]).exists()
    own.refresh_from_db()
    assert set(own.ori_list) == {"DCHSI*", "DCHSI0300"}


@pytest.mark.parametrize(
    "content",
    [b"name,kind\nA,court\n", b"\x89PNG\r\n\x1a\n\x00\x00binary", b""],
    ids=["wrong header", "binary", "empty"],
)
def test_unreadable_file_or_wrong_header_exits_2(tmp_path, capsys, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_:
        call_command("import_agencies", "--json", str(path))
    out, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert out == "" and len(err.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("import_agencies", str(tmp_path / "nope.csv"))
    assert exit_.value.code == 2
    assert "no such file" in capsys.readouterr().err


def test_attribution_exact_then_longest_pattern_then_unknown():
    short = AgencyFactory(name="DHS", kind="immigration", oris="DC*")
    long = AgencyFactory(name="ICE", kind="immigration", oris="DCICE*")
    exact = AgencyFactory(name="Exact", kind="federal_law_enforcement", oris="DCICE0999")
    directory = ori_directory()
    assert directory.attribute("DCICE0999").agency_id == exact.pk
    assert directory.attribute("DCICE0100").agency_id == long.pk
    assert directory.attribute("DCFBI0100").agency_id == short.pk
    assert directory.attribute("ZZ0000000") == NOBODY


def test_blocks_of_agencies_and_of_oris_on_their_own():
    since = datetime(2026, 3, 15, 12, tzinfo=UTC)
    AgencyFactory(
        name="ICE",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="Law",
        blocked_since=since,
    )
    OriBlock.objects.create(
        ori="NY0012300",
        reason="Misuse",
        effective_at=since,
        lifted_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    directory = ori_directory()
    assert not directory.is_blocked("DCICE0100", datetime(2026, 3, 15, 11, 59, tzinfo=UTC))
    assert directory.is_blocked("DCICE0100", since)
    assert directory.is_blocked("NY0012300", datetime(2026, 3, 20, tzinfo=UTC))
    assert not directory.is_blocked("NY0012300", datetime(2026, 4, 1, tzinfo=UTC))
