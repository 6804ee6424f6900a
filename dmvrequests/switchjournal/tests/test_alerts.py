"""An import alerts counsel and administrators, once, in plain words and without personal
data: block leaks, photo requests from immigration agencies or unknown ORIs, bursts."""

from datetime import UTC, datetime

import pytest

from dmvrequests.agencies.models import BlocklistVersion
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.switchjournal.tests.journals import entry, journal, query_run
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
EVENTS = journal(
    entry("2026-03-14T09:00:00-04:00", "IN", 1, "DQ.DCICE0100.NY.C1.TXT", "NAM/DOE,JANE.IMQ/Y"),
    entry("2026-03-14T09:00:02-04:00", "OUT", 2, "DR.NY0000000.DCICE0100.C1.TXT", "NAM/DOE,JANE."),
    entry("2026-03-14T09:05:00-04:00", "IN", 3, "RQ.ZZ1234567.NY.TXT", "LIC/ABC1234.IMQ/Y"),
    entry("2026-03-14T09:06:00-04:00", "IN", 4, "DQ.NY0010100.NY.TXT", "OLN/D1.IMQ/Y"),
    *query_run("NY0010100", datetime(2026, 3, 15, 14, tzinfo=UTC), 50, first_sequence=100),
)


@pytest.fixture(autouse=True)
def _people(counsel, administrator, clerk):
    for user in (counsel, administrator, clerk):
        user.email = f"{user.username}@dmv.example.gov"
        user.save()
    AgencyFactory(
        name="ICE ERO",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law",
        blocked_since=datetime(2026, 1, 1, tzinfo=UTC),
    )
    AgencyFactory(name="Albany Police", kind="local_law_enforcement", ori="NY0010100")


def alerts():
    return OutboundEmail.objects.filter(kind="switch_alert").order_by("pk")


def test_one_alert_of_each_kind_to_counsel_and_administrators(import_log, counsel, administrator):
    import_log(EVENTS, "march.txt")
    sent = alerts()
    assert {a.user for a in sent} == {counsel, administrator}
    subjects = sorted({a.subject for a in sent})
    assert subjects == [
        # No version of the block list handed over yet: the switch could not refuse it.
        "Block leak: the switch answered 1 query from blocked ORIs (before the block was "
        "handed over to the switch)",
        "Bulk queries: 1 burst in the switch journal",
        "Photo requests from immigration agencies or unknown ORIs: 2",
    ]
    leak = sent.filter(subject__startswith="Block leak").first()
    assert leak is not None
    assert "DCICE0100 (ICE ERO): 1 response, Mar 14, 2026 09:00" in leak.body
    assert "march.txt" in leak.body
    photos = sent.filter(subject__startswith="Photo").first()
    assert photos is not None
    assert "ZZ1234567 (no agency in the directory): 1 photo request" in photos.body
    assert "NY0010100" not in photos.body  # the police's photo request is no alert
    burst = sent.filter(subject__startswith="Bulk").first()
    assert burst is not None and "NY0010100 (Albany Police): 50 queries" in burst.body
    assert all("DOE" not in a.body and "ABC1234" not in a.body for a in sent)


def test_the_same_events_never_alert_twice(import_log):
    import_log(EVENTS, "march.txt")
    count = alerts().count()
    import_log(EVENTS, "again.txt")
    assert alerts().count() == count == 6


def test_an_ordinary_import_alerts_nobody(import_log):
    import_log(
        journal(entry("2026-03-14T09:06:00-04:00", "IN", 9, "DQ.NY0010100.NY.TXT", "OLN/D1."))
    )
    assert not alerts().exists()


def test_counts_in_an_alert_have_thousands_separators():
    from dmvrequests.switchjournal.alerts import burst_alert
    from dmvrequests.switchjournal.models import Burst

    start = datetime(2026, 3, 10, 14, tzinfo=UTC)
    alert = burst_alert([Burst(ori="NY0010100", start=start, end=start, queries=9911)], "a.txt")
    assert alert is not None
    assert ": 9,911 queries from" in alert.lines[0]


def handed_over(when, oris="DCICE*"):
    version = BlocklistVersion.objects.create(content="", oris=oris)
    BlocklistVersion.objects.filter(pk=version.pk).update(handed_over_at=when)


def leak_alert():
    found = alerts().filter(subject__startswith="Block leak").first()
    assert found is not None
    return found


def test_a_leak_before_any_hand_over_is_not_said_to_have_broken_the_block(import_log):
    import_log(EVENTS, "march.txt")
    body = " ".join(leak_alert().body.split())
    assert (
        "It came before the block was handed over to the switch: the block had not yet "
        "reached the switch, which could not refuse it." in body
    )
    assert "did not hold" not in body
    assert "Check on the block list page that the block has since been handed over" in body
    assert (
        "DCICE0100 (ICE ERO): 1 response, Mar 14, 2026 09:00 EDT to Mar 14, 2026 09:00 EDT; before the "
        "block was handed over to the switch: the block had not yet reached the switch" in body
    )


def test_a_leak_after_the_hand_over_says_the_block_at_the_switch_did_not_hold(import_log):
    handed_over(datetime(2026, 3, 1, tzinfo=UTC))
    import_log(EVENTS, "march.txt")
    sent = leak_alert()
    assert sent.subject == "Block leak: the switch answered 1 query from blocked ORIs"
    body = " ".join(sent.body.split())
    assert (
        "It came after the block was handed over to the switch: the block at the switch did "
        "not hold. Give the switch's administrator the entries and the block list" in body
    )
    assert "had not yet reached" not in body


def test_a_version_leaving_the_ori_out_is_no_block_at_the_switch(import_log):
    handed_over(datetime(2026, 3, 1, tzinfo=UTC))
    handed_over(datetime(2026, 3, 10, tzinfo=UTC), "NY0099900")  # DCICE* left out
    import_log(EVENTS, "march.txt")
    assert "(before the block was handed over to the switch)" in leak_alert().subject


def test_leaks_before_and_after_the_hand_over_are_counted_apart(import_log):
    handed_over(datetime(2026, 3, 14, 13, 30, tzinfo=UTC))  # 09:30 in New York
    import_log(
        journal(
            entry("2026-03-14T09:00:00-04:00", "IN", 1, "DQ.DCICE0100.NY.C1.TXT", "OLN/D1."),
            entry("2026-03-14T09:00:02-04:00", "OUT", 2, "DR.NY0000000.DCICE0100.C1.TXT", "D1."),
            entry("2026-03-14T10:00:00-04:00", "IN", 3, "DQ.DCICE0100.NY.C2.TXT", "OLN/D2."),
            entry("2026-03-14T10:00:02-04:00", "OUT", 4, "DR.NY0000000.DCICE0100.C2.TXT", "D2."),
            entry("2026-03-14T10:05:00-04:00", "IN", 5, "DQ.DCICE0200.NY.C3.TXT", "OLN/D3."),
            entry("2026-03-14T10:05:02-04:00", "OUT", 6, "DR.NY0000000.DCICE0200.C3.TXT", "D3."),
        ),
        "march.txt",
    )
    sent = leak_alert()
    assert sent.subject == (
        "Block leak: the switch answered 3 queries from blocked ORIs (2 after the block was "
        "handed over to the switch)"
    )
    body = " ".join(sent.body.split())
    assert "2 of them came after the block was handed over to the switch: the block at" in body
    assert "1 of them came before the block was handed over to the switch: the block had" in body
    assert (
        "DCICE0100 (ICE ERO): 2 responses, Mar 14, 2026 09:00 EDT to Mar 14, 2026 10:00 EDT; 1 after the "
        "block was handed over to the switch (the block at the switch did not hold), 1 before "
        "(the block had not yet reached the switch)" in body
    )
    assert "DCICE0200 (ICE ERO): 1 response" in body
