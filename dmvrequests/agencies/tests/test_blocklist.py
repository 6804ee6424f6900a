"""The ORI block list: its rows, its CSV and text exports, the versions handed over."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from dmvrequests.agencies.blocklist import blocklist_rows, not_yet_at_switch
from dmvrequests.agencies.models import BlocklistVersion, OriBlock
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
SINCE = datetime(2026, 3, 15, 4, tzinfo=UTC)  # March 15 in New York


@pytest.fixture
def blocks():
    AgencyFactory(
        name="ICE",
        kind="immigration",
        ori="DC0000000",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law, ch. 12",
        blocked_since=SINCE,
    )
    AgencyFactory(name="Open", ori="NY0010100")
    OriBlock.objects.create(ori="NY0099900", reason="Misuse", effective_at=SINCE)
    OriBlock.objects.create(
        ori="NY0088800",
        reason="Lifted",
        effective_at=SINCE,
        lifted_at=datetime(2026, 4, 1, tzinfo=UTC),
    )


def test_rows_hold_blocked_agencies_oris_and_oris_blocked_on_their_own(blocks):
    rows = blocklist_rows(now=datetime(2026, 5, 1, tzinfo=UTC))
    assert [(r.ori, r.reason, r.effective_text) for r in rows] == [
        ("DC0000000", "State law, ch. 12", "2026-03-15"),
        ("DCICE*", "State law, ch. 12", "2026-03-15"),
        ("NY0099900", "Misuse", "2026-03-15"),
    ]


def test_export_csv_and_text(blocks, capsys):
    call_command("export_ori_blocklist")
    assert capsys.readouterr().out.splitlines()[:2] == [
        "ori,reason,effective",
        'DC0000000,"State law, ch. 12",2026-03-15',
    ]
    call_command("export_ori_blocklist", "--format", "text")
    assert "DCICE*\t2026-03-15\tState law, ch. 12" in capsys.readouterr().out.splitlines()


def test_a_block_is_not_yet_at_the_switch_until_a_version_holds_it(blocks, capsys):
    assert len(not_yet_at_switch()) == 3
    call_command("export_ori_blocklist", "--handed-over")
    version = BlocklistVersion.objects.get()
    assert version.handed_over_by is None and "NY0099900" in version.oris.split()
    assert not_yet_at_switch() == []
    OriBlock.objects.create(ori="NY0077700", reason="New", effective_at=SINCE)
    assert [r.ori for r in not_yet_at_switch()] == ["NY0077700"]


def test_an_unknown_format_is_refused(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="use csv or text"):
        call_command("export_ori_blocklist", "--format", "xml")
