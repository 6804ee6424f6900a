"""Subject notices in the statistics: on time, late, overdue, pending, exempted, by quarter."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases.models import NoticeStatus, SubjectNotice
from dmvrequests.reports.filters import ReportFilters
from dmvrequests.reports.notices import last_quarters, notice_timeliness, published
from dmvrequests.reports.transparency import Period
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def _mid_quarter() -> date:
    """A day 40 days before the current quarter began: in the middle of the previous
    quarter (so that every request below, received 10 days earlier, falls in that same
    quarter whatever today is) and always in the past."""
    today = timezone.localdate()
    return Period.of(today).start - timedelta(days=40)


def _noon(day: date) -> datetime:
    """Noon of `day` in the installation's time zone."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def _notice_case(office, actor, day: date):
    """A case received ten days before `day`."""
    return make_case(office=office, actor=actor, received_at=_noon(day - timedelta(days=10)))


@pytest.fixture
def notices(office, clerk):
    """Six notices, one of each kind and one more on time, of requests received ten days
    before the day returned (a past day mid-quarter, used as "today"). A notice falls due
    on or after its request's receipt (the profile's rule), as every one here does."""
    today = _mid_quarter()
    sent = _noon(today - timedelta(days=1))
    made = [
        (NoticeStatus.SENT, today, sent),  # on time
        (NoticeStatus.SENT, None, sent),  # on time: no deadline
        (NoticeStatus.SENT, today - timedelta(days=3), sent),  # late
        (NoticeStatus.DUE, today - timedelta(days=1), None),  # overdue
        (NoticeStatus.DUE, today + timedelta(days=2), None),  # pending
        (NoticeStatus.EXEMPTED, today, None),
    ]
    for status, due, sent_at in made:
        case = _notice_case(office, clerk, today)
        SubjectNotice.objects.create(case=case, status=status, due_date=due, sent_at=sent_at)
    return today


def test_each_notice_counts_once_in_its_row(notices):
    quarter = notice_timeliness(Period.of(notices), today=notices)
    assert quarter.counts == {"on_time": 2, "late": 1, "overdue": 1, "pending": 1, "exempted": 1}
    assert quarter.total == 6


def test_the_dashboard_shows_the_last_four_quarters(notices, office):
    quarters = last_quarters(ReportFilters.default(), today=notices)
    assert [q.label for q in quarters][-1] == Period.of(notices).label
    assert len(quarters) == 4 and quarters[-1].counts["late"] == 1
    assert sum(q.total for q in quarters[:-1]) == 0


def test_the_office_filter_applies(notices, other_office, other_clerk):
    case = _notice_case(other_office, other_clerk, notices)
    SubjectNotice.objects.create(case=case, due_date=notices - timedelta(days=1))
    ours = last_quarters(ReportFilters(notices, notices, other_office), today=notices)
    every = notice_timeliness(Period.of(notices), today=notices)
    assert ours[-1].counts == {"on_time": 0, "late": 0, "overdue": 1, "pending": 0, "exempted": 0}
    assert every.counts["overdue"] == 2 and every.total == 7


def test_the_notices_read_two_queries_whatever_their_number(notices, office, clerk):
    filters = ReportFilters.default(notices)
    with CaptureQueriesContext(connection) as few:
        before = last_quarters(filters, today=notices)
    for days in (-9, -1, 4):
        case = _notice_case(office, clerk, notices)
        SubjectNotice.objects.create(case=case, due_date=notices + timedelta(days=days))
    with CaptureQueriesContext(connection) as many:
        after = last_quarters(filters, today=notices)
    assert len(few) == len(many) == 2
    assert after[-1].counts["overdue"] == before[-1].counts["overdue"] + 2
    assert after[-1].counts["pending"] == before[-1].counts["pending"] + 1


def test_the_public_report_hides_small_counts(notices):
    shown = dict(published(notice_timeliness(Period.of(notices), today=notices), threshold=2))
    assert shown["Sent on time"] == "2"
    assert shown["Sent late"] == "fewer than 2"


def test_both_pages_show_them(notices, client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("reports:index")).content.decode()
    assert "Subject notices by quarter received" in page and "Sent late" in page
    period = Period.of(notices)
    report = client.get(
        reverse("reports:transparency"), {"year": period.year, "period": f"q{period.quarter}"}
    ).content.decode()
    assert "Notices to the people whose records were asked for" in report


def test_the_transparency_csv_has_them_as_published(notices, client, administrator):
    import csv
    import io

    client.force_login(administrator)
    period = Period.of(notices)
    response = client.get(
        reverse("reports:transparency_csv"), {"year": period.year, "period": f"q{period.quarter}"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    table = {r["key"]: (r["label"], r["requests"]) for r in rows if r["table"] == "subject_notices"}
    page = client.get(
        reverse("reports:transparency"), {"year": period.year, "period": f"q{period.quarter}"}
    )
    threshold = page.context["report"].threshold
    small = f"fewer than {threshold}" if threshold > 1 else "1"
    assert table["on_time"] == (
        "Sent on time",
        "2" if threshold <= 2 else f"fewer than {threshold}",
    )
    assert table["late"] == ("Sent late", small)
    assert list(table) == ["on_time", "late", "overdue", "pending", "exempted"]
    assert dict(page.context["notices"]) == dict(table.values())
