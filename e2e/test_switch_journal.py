"""An administrator uploads the switch's journal, sees a block leak, attributes an unknown ORI
and exports the block list for the switch (docs/network-queries.md)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dmvrequests.agencies.models import Agency
from dmvrequests.switchjournal.models import JournalEntry
from e2e.support import click_label, label

pytestmark = pytest.mark.e2e

BLOCKED = "DCEZZ0100"  # an ORI of the blocked agency's pattern DCEZZ*
UNKNOWN = "DCQQQ0100"  # an ORI of no agency


def journal_text():
    """Three days ago: the blocked ORI asks for a photo and is answered with data (a leak);
    yesterday: the unknown ORI queries twice."""
    now = timezone.now().replace(microsecond=0)
    leak_time, unknown_time = now - timedelta(days=3), now - timedelta(days=1)
    entries = [
        f"{leak_time.isoformat()} IN 9101\nDQ.{BLOCKED}.NY.E2E1.TXT\nOLN/E1234567.IMQ/Y.\n",
        f"{(leak_time + timedelta(seconds=4)).isoformat()} OUT 9102\n"
        f"DR.NY0000000.{BLOCKED}.E2E1.TXT\nOLN/E1234567.NAM/SAMPLE,PAT.\n",
        f"{unknown_time.isoformat()} IN 9103\nDQ.{UNKNOWN}.NY.TXT\nOLN/E7654321.\n",
        f"{(unknown_time + timedelta(minutes=1)).isoformat()} IN 9104\nRQ.{UNKNOWN}.NY.TXT\n"
        "LIC/E2E1234.\n",
    ]
    return "\n".join(entries)


@pytest.fixture
def directory():
    blocked, _ = Agency.objects.update_or_create(
        slug="e2e-immigration-field-office",
        defaults={
            "name": "E2E Immigration Field Office",
            "kind": "immigration",
            "oris": "DCEZZ*",
            "blocked": True,
            "blocked_reason": "State law forbids sharing records with civil immigration enforcement.",
            "blocked_since": timezone.now() - timedelta(days=30),
        },
    )
    police, _ = Agency.objects.update_or_create(
        slug="e2e-county-sheriff",
        defaults={"name": "E2E County Sheriff", "kind": "local_law_enforcement", "oris": ""},
    )
    yield blocked, police
    JournalEntry.objects.filter(sequence__in=[9101, 9102, 9103, 9104]).delete()


def test_an_administrator_uploads_a_journal_and_acts_on_what_it_shows(people, directory, tmp_path):
    blocked, police = directory
    journal = tmp_path / "switch-journal.txt"
    journal.write_text(journal_text())

    admin = people.signed_in("admin")
    page = admin.page
    expect(page.get_by_role("heading", name="Requests dashboard")).to_be_visible()
    admin.check()
    page.get_by_role("link", name="Network queries", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Network queries")).to_be_visible()
    admin.check()

    sections = page.get_by_role("navigation", name="Network queries pages")
    sections.get_by_role("link", name="Upload a journal").click()
    expect(page.get_by_role("heading", level=1, name="Upload a switch journal")).to_be_visible()
    admin.check(screenshot="network-upload")
    page.locator("input[type=file]").set_input_files(str(journal))
    page.get_by_role("button", name="Upload and import").click()
    expect(
        page.get_by_role("heading", level=1, name="Import of switch-journal.txt")
    ).to_be_visible()
    # No broker here: the import ran in the web process, so the page shows its report.
    report = page.get_by_role("table", name="The import's report")
    expect(report.get_by_role("row", name=re.compile(r"^New messages stored 4$"))).to_be_visible()
    admin.check(screenshot="network-import-report")

    page.get_by_role("link", name="See the figures").click()
    alert = page.locator("#leak-alert")
    expect(alert).to_contain_text("1 block leak")
    leaks = page.get_by_role("table", name="Block leaks", exact=True)
    expect(leaks.get_by_role("row", name=re.compile(re.escape(BLOCKED)))).to_be_visible()
    admin.check(screenshot="network-queries")

    sections.get_by_role("link", name="Unknown ORIs").click()
    unknown = page.get_by_role("table", name="Unknown ORIs, most queries first")
    expect(unknown.get_by_role("row", name=re.compile(UNKNOWN))).to_be_visible()
    admin.check()
    page.get_by_role("link", name=f"Attribute {UNKNOWN}").click()
    expect(page.get_by_label(label("ORI or ORI pattern"))).to_have_value(UNKNOWN)
    admin.check()
    page.get_by_label(label("Agency")).select_option(label=police.name)
    page.get_by_role("button", name="Attribute to this agency").click()
    expect(
        page.get_by_text(f"{UNKNOWN} now belongs to {police.name}. 2 past queries")
    ).to_be_visible()
    admin.check()
    assert set(
        JournalEntry.objects.filter(sender_ori=UNKNOWN).values_list("agency_id", flat=True)
    ) == {police.pk}

    sections.get_by_role("link", name="Block list").click()
    expect(page.get_by_role("heading", level=1, name="ORI block list")).to_be_visible()
    blocklist = page.get_by_role("table", name="Blocked ORIs and ORI patterns")
    row = blocklist.get_by_role("row", name=re.compile(r"^DCEZZ\*"))
    expect(row).to_contain_text("Not yet handed over to the switch")
    admin.check(screenshot="network-blocklist")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    saved = tmp_path / "blocklist.csv"
    download.value.save_as(saved)
    effective = timezone.localtime(blocked.blocked_since).date().isoformat()
    assert f"DCEZZ*,{blocked.blocked_reason},{effective}" in saved.read_text().splitlines()
    click_label(page.get_by_label("I gave this block list to the switch's administrator"))
    page.get_by_role("button", name="Record the hand-over").click()
    expect(
        page.get_by_text(re.compile(r"Recorded: the block list of \d+ ORIs? was handed"))
    ).to_be_visible()
    expect(row).to_contain_text("Handed over")
    admin.check()


def test_an_import_s_page_follows_it_by_itself(people):
    """While a journal is imported, its page moves the progress bar from status.json and
    shows the report once the import ends; no <meta> refresh (WCAG 2.2.1, axe "meta-refresh").
    The worker is played by the test: it moves the job on in the database."""
    from accounts.models import User
    from dmvrequests.switchjournal.models import JournalUpload, UploadStatus

    job = JournalUpload.objects.create(
        name="long-journal.txt",
        file="switchjournal/e2e-long-journal.txt",
        size=1000,
        bytes_read=450,
        status=UploadStatus.RUNNING,
        requested_by=User.objects.get(username="admin"),
    )
    try:
        admin = people.signed_in("admin")
        page = admin.page
        expect(page.get_by_role("heading", name="Requests dashboard")).to_be_visible()
        admin.check()
        admin.goto(f"/network/upload/{job.pk}/")
        expect(page.locator("label[for=progress-bar]")).to_have_text(
            "Importing: 45 % of the file read"
        )
        assert page.locator("head meta[http-equiv=refresh]").count() == 0
        JournalUpload.objects.filter(pk=job.pk).update(bytes_read=900)
        expect(page.locator("label[for=progress-bar]")).to_have_text(
            "Importing: 90 % of the file read"
        )
        expect(page.locator("#progress-bar")).to_have_attribute("value", "90")
        summary = {"entries": 7, "imported": 7, "duplicates": 0, "rejected_count": 0}
        JournalUpload.objects.filter(pk=job.pk).update(
            status=UploadStatus.DONE, bytes_read=1000, summary={**summary, "rejected": []}
        )
        expect(page.get_by_role("heading", level=2, name="Imported", exact=True)).to_be_visible()
        expect(page.locator("label[for=progress-bar]")).to_have_text(
            "Imported: the import has ended"
        )
        admin.check()
    finally:
        JournalUpload.objects.filter(pk=job.pk).delete()
