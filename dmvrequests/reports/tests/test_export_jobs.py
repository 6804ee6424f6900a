"""Large exports as background jobs: queued → running → done → downloaded → expired.

Celery runs eagerly in tests (no REDIS_URL), as in the embedded default: the
job runs when the request's transaction commits.
"""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dmvrequests.audit.models import AuditRecord
from dmvrequests.reports import services
from dmvrequests.reports.models import ExportJob, ExportStatus
from dmvrequests.reports.tasks import expire_export_jobs, run_export_job
from dmvrequests.reports.tests.conftest import Spec
from dmvrequests.reports.tests.test_exports import export_form
from dmvrequests.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.EXPORT_ASYNC_THRESHOLD = 3


@pytest.fixture
def five_cases(casebook):
    specs = [
        Spec(1, day, "court", fate="approved", released=("address",), subject=f"S{day}")
        for day in range(1, 6)
    ]
    return casebook.add_all(specs)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def ask(client, capture, run=True, **fields):
    """Ask for an export; `run` lets the commit's callbacks (the eager task) run."""
    with capture(execute=run):
        response = client.post(reverse("reports:exports"), export_form(**fields))
    assert response.status_code == 302
    return ExportJob.objects.get(), response


def download(client, job):
    response = client.get(reverse("reports:export_job_download", args=[job.pk]))
    content = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, content


class TestTheTimesShown:
    """The exports list and a job's page write a time as every page does: on a 24-hour clock
    (not "2:05 p.m."), in the state's time zone with its abbreviation."""

    ASKED = datetime(2026, 7, 1, 18, 5, tzinfo=UTC)  # 14:05 in New York, daylight time
    UNTIL = datetime(2099, 1, 15, 17, 30, tzinfo=UTC)  # 12:30 in New York, standard time

    def test_asked_and_available_until(
        self, admin_client, five_cases, django_capture_on_commit_callbacks
    ):
        job, response = ask(admin_client, django_capture_on_commit_callbacks)
        ExportJob.objects.filter(pk=job.pk).update(requested_at=self.ASKED, expires_at=self.UNTIL)
        listed = admin_client.get(reverse("reports:exports")).content.decode()
        assert "Jul 1, 2026 14:05 EDT</a>" in listed
        assert "<td>Jan 15, 2099 12:30 EST</td>" in listed
        page = admin_client.get(response["Location"]).content.decode()
        assert "on Jul 1, 2026 14:05 EDT</p>" in page
        assert "can be downloaded until Jan 15, 2099 12:30 EST, then" in page
        assert "p.m." not in listed + page and "a.m." not in listed + page

    def test_the_progress_label_is_a_polite_live_region(
        self, admin_client, five_cases, django_capture_on_commit_callbacks
    ):
        job, response = ask(admin_client, django_capture_on_commit_callbacks, run=False)
        page = BeautifulSoup(admin_client.get(response["Location"]).content, "html.parser")
        label = page.select_one('label[for="export-progress"]')
        assert label is not None
        assert (label["aria-live"], label["aria-atomic"]) == ("polite", "true")
        # The script writes the status's words into the label's span, not over the label.
        words = label.select_one('[data-job-text="status_label"]')
        assert words is not None and words.get_text() == "Queued"
        assert label.get_text() == "Progress: Queued"


class TestLifecycle:
    def test_a_large_export_is_queued_then_done_then_downloaded_then_expired(
        self, admin_client, administrator, five_cases, django_capture_on_commit_callbacks
    ):
        job, response = ask(admin_client, django_capture_on_commit_callbacks, run=False)
        assert response["Location"] == reverse("reports:export_job", args=[job.pk])
        assert (job.status, job.rows_total, job.requested_by) == ("queued", 5, administrator)
        page = admin_client.get(response["Location"]).content.decode()
        assert 'value="0"' in page and "reload the page" in page
        assert "job-progress.js" in page

        assert run_export_job(str(job.pk)) == "done"
        job.refresh_from_db()
        assert (job.status, job.rows_done, job.rows_total, job.percent) == ("done", 5, 5, 100)
        assert job.expires_at > timezone.now() + timedelta(days=6)
        status = admin_client.get(reverse("reports:export_job_status", args=[job.pk])).json()
        assert status["status"] == "done" and status["finished"] is True
        page = admin_client.get(response["Location"]).content.decode()
        assert reverse("reports:export_job_download", args=[job.pk]) in page

        answer, content = download(admin_client, job)
        assert answer.status_code == 200
        assert answer["Content-Disposition"].startswith("attachment")
        assert answer["X-Content-Type-Options"] == "nosniff"
        rows = list(csv.DictReader(io.StringIO(content.decode())))
        assert sorted(r["number"] for r in rows) == sorted(c.number for c in five_cases)

        stored = job.file.name
        assert expire_export_jobs() == 0  # not yet
        assert services.export_jobs_expire(now=job.expires_at + timedelta(seconds=1)) == 1
        job.refresh_from_db()
        assert job.status == "expired" and not job.file
        assert not default_storage.exists(stored)
        assert download(admin_client, job)[0].status_code == 404
        assert "has expired" in admin_client.get(response["Location"]).content.decode()

    def test_the_request_and_each_download_are_logged(
        self, admin_client, five_cases, django_capture_on_commit_callbacks
    ):
        job, _ = ask(
            admin_client,
            django_capture_on_commit_callbacks,
            include_identifiers="on",
            reason="Court-ordered production.",
        )
        download(admin_client, job)
        download(admin_client, job)
        records = list(AuditRecord.objects.filter(action="export", case_number="").order_by("seq"))
        assert [r.detail["delivery"] for r in records] == [
            "background job",
            "download of a background job's file",
            "download of a background job's file",
        ]
        assert {r.detail["job"] for r in records} == {str(job.pk)}
        assert all(r.detail["include_identifiers"] for r in records)

    def test_the_job_records_each_case_it_wrote_for_the_one_who_asked(
        self, admin_client, administrator, five_cases, django_capture_on_commit_callbacks
    ):
        """Newcomers' finding 15: one record per case, written as the job writes the file."""
        job, _ = ask(
            admin_client, django_capture_on_commit_callbacks, include_identifiers="on", reason="x"
        )
        job.refresh_from_db()
        per_case = AuditRecord.objects.filter(action="export").exclude(case_number="")
        assert per_case.count() == job.rows_total == 5
        assert {(r.user, r.detail["job"], r.detail["delivery"]) for r in per_case} == {
            (administrator, str(job.pk), "background job")
        }
        _, content = download(admin_client, job)
        numbers = {row["number"] for row in csv.DictReader(io.StringIO(content.decode()))}
        assert set(per_case.values_list("case_number", flat=True)) == numbers

    def test_with_eager_celery_the_job_is_done_when_the_page_opens(
        self, admin_client, five_cases, django_capture_on_commit_callbacks
    ):
        job, response = ask(admin_client, django_capture_on_commit_callbacks, fmt="xlsx")
        assert job.status == "done"
        page = admin_client.get(response["Location"]).content.decode()
        assert "The export is ready" in page and "job-progress.js" not in page
        _, content = download(admin_client, job)
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        assert len(list(sheet.iter_rows())) == 6

    def test_the_history_keeps_the_states_not_the_progress_ticks(
        self, admin_client, five_cases, django_capture_on_commit_callbacks, monkeypatch
    ):
        monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
        job, _ = ask(admin_client, django_capture_on_commit_callbacks)
        states = [h.status for h in job.history.order_by("history_date", "history_id")]
        assert states == ["queued", "running", "done"]

    def test_progress_is_saved_while_the_file_is_written(
        self, admin_client, five_cases, django_capture_on_commit_callbacks, monkeypatch
    ):
        monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
        seen = []
        original = ExportJob.save_without_historical_record  # type: ignore[attr-defined]  # django-simple-history

        def spy(job, **kwargs):
            seen.append(ExportJob.objects.get(pk=job.pk).rows_done)  # before this save
            original(job, **kwargs)
            seen.append(ExportJob.objects.get(pk=job.pk).rows_done)  # what the page reads

        monkeypatch.setattr(ExportJob, "save_without_historical_record", spy)
        job, _ = ask(admin_client, django_capture_on_commit_callbacks)
        assert seen == [0, 2, 2, 4]
        assert job.rows_done == 5

    def test_a_second_run_of_the_task_does_nothing(
        self, admin_client, five_cases, django_capture_on_commit_callbacks
    ):
        job, _ = ask(admin_client, django_capture_on_commit_callbacks)
        name = job.file.name
        assert run_export_job(str(job.pk)) == "skipped"
        job.refresh_from_db()
        assert job.file.name == name and job.history.count() == 3

    def test_a_job_whose_worker_died_is_taken_up_again(
        self, admin_client, five_cases, django_capture_on_commit_callbacks
    ):
        job, _ = ask(admin_client, django_capture_on_commit_callbacks, run=False)
        job.status, job.started_at = ExportStatus.RUNNING, timezone.now() - timedelta(hours=2)
        job.save()
        assert run_export_job(str(job.pk)) == "done"

    def test_a_failure_is_shown_on_the_job_not_as_an_error_page(
        self, admin_client, five_cases, django_capture_on_commit_callbacks, monkeypatch
    ):
        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr("dmvrequests.reports.exports.write_export", broken)
        job, response = ask(admin_client, django_capture_on_commit_callbacks)
        assert job.status == "failed" and not job.file
        page = admin_client.get(response["Location"]).content.decode()
        assert "stopped with an error" in page and "disk full" not in page

    def test_a_small_export_is_downloaded_at_once(self, admin_client, casebook):
        casebook.add(Spec(1, 2, "court", subject="ONE"))
        response = admin_client.post(reverse("reports:exports"), export_form())
        assert response.status_code == 200 and not ExportJob.objects.exists()


class TestWhoMayDownload:
    @pytest.fixture
    def job(self, admin_client, five_cases, django_capture_on_commit_callbacks):
        return ask(admin_client, django_capture_on_commit_callbacks)[0]

    def test_another_administrator_may(self, client, job, office):
        client.force_login(UserFactory(username="admin2", office=office, role="Administrator"))
        assert download(client, job)[0].status_code == 200

    @pytest.mark.parametrize("role", ["clerk", "counsel", "auditor"])
    def test_other_roles_may_not(self, client, request, job, role):
        client.force_login(request.getfixturevalue(role))
        for name in ("export_job", "export_job_status", "export_job_download"):
            assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 403

    def test_a_user_whose_administrator_role_was_removed_may_not(self, client, job, office):
        former = UserFactory(username="former", office=office, role="Clerk")
        job.requested_by = former
        job.save()
        client.force_login(former)
        assert download(client, job)[0].status_code == 403

    def test_an_unknown_job_is_not_found(self, admin_client, job):
        missing = reverse("reports:export_job_download", args=[uuid.uuid4()])
        assert admin_client.get(missing).status_code == 404

    def test_anonymous_users_sign_in_first(self, job):
        response = Client().get(reverse("reports:export_job_download", args=[job.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_a_job_that_is_not_done_cannot_be_downloaded(self, admin_client, job):
        job.status = ExportStatus.RUNNING
        job.save()
        assert download(admin_client, job)[0].status_code == 404
