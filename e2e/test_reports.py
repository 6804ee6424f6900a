"""An administrator exports this quarter's statistics and opens the quarter's transparency
report."""

import csv
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dmvrequests.cases.models import DisclosureRequest
from e2e.support import click_label, label

pytestmark = pytest.mark.e2e

QUARTER_NAMES = {1: "First quarter", 2: "Second quarter", 3: "Third quarter", 4: "Fourth quarter"}


def test_an_administrator_exports_the_quarter_and_opens_the_transparency_report(people, tmp_path):
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    start = today.replace(month=3 * quarter - 2, day=1)

    admin = people.signed_in("admin")
    page = admin.page
    expect(page.get_by_role("heading", name="Requests dashboard")).to_be_visible()
    admin.check(screenshot="reports-dashboard")

    reports = page.get_by_role("navigation", name="Reports")
    reports.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", name="Export cases and statistics")).to_be_visible()
    admin.check(screenshot="reports-exports")
    page.get_by_label(label("Received from")).fill(start.isoformat())
    page.get_by_label(label("Received to")).fill(today.isoformat())
    click_label(page.get_by_label("Statistics: the dashboard's figures"))
    click_label(page.get_by_label("CSV", exact=True))
    with page.expect_download() as download:
        page.get_by_role("button", name="Export", exact=True).click()
    name = f"statistics-{start.isoformat()}-to-{today.isoformat()}.csv"
    assert download.value.suggested_filename == name
    saved = tmp_path / name
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["section", "key", "label", "value"]
    received = DisclosureRequest.objects.filter(
        received_at__date__gte=start, received_at__date__lte=today
    ).count()
    assert ["summary", "requests", "Requests received", str(received)] in rows

    reports.get_by_role("link", name="Transparency report").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"requests for driver and vehicle records"))
    ).to_be_visible()
    admin.check()
    page.get_by_label(label("Year")).fill(str(today.year))
    page.get_by_label(label("Period")).select_option(label=QUARTER_NAMES[quarter])
    page.get_by_role("button", name="Show the report").click()
    title = f"requests for driver and vehicle records, Q{quarter} {today.year}"
    expect(page.get_by_role("heading", level=1, name=re.compile(re.escape(title)))).to_be_visible()
    totals = page.get_by_role("table", name=f"Totals for Q{quarter} {today.year}")
    expect(totals.get_by_role("row", name=re.compile(r"^Requests received"))).to_be_visible()
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    admin.check(screenshot="transparency-report")
