"""The auditors' screens: access log, history, CSV, user activity, verification."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import Action, AuditRecord, Kind
from dmvrequests.audit.services import audit_record
from dmvrequests.audit.tests.conftest import tamper
from dmvrequests.cases import services
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db

AUDITOR_URLS = [
    "audit:access_log",
    "audit:access_log_csv",
    "audit:history",
    "audit:directory_history",
    "audit:user_activity",
    "audit:verification",
]


def viewed(case, user, when=None):
    record = audit_record(
        kind=Kind.ACCESS, action=Action.VIEW_CASE, user=user, case_number=case.number
    )
    if when is not None:
        tamper("UPDATE audit_auditrecord SET occurred_at = %s WHERE seq = %s", [when, record.seq])
    return record


@pytest.fixture
def signed_in_auditor(client, auditor):
    client.force_login(auditor)
    return client


class TestWhoMayOpen:
    @pytest.mark.parametrize("name", AUDITOR_URLS)
    def test_it_opens_for_an_auditor(self, signed_in_auditor, name):
        assert signed_in_auditor.get(reverse(name)).status_code == 200

    @pytest.mark.parametrize("name", AUDITOR_URLS)
    @pytest.mark.parametrize("role", ["clerk", "counsel", "administrator"])
    def test_it_is_refused_to_other_roles(self, client, request, name, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get(reverse(name)).status_code == 403

    @pytest.mark.parametrize("name", [*AUDITOR_URLS, "audit:verify_now"])
    def test_it_sends_anonymous_users_to_sign_in(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]

    def test_verify_now_is_refused_to_a_clerk(self, client, clerk):
        client.force_login(clerk)
        assert client.post(reverse("audit:verify_now")).status_code == 403


class TestAccessLog:
    def test_a_pdf_download_is_told_from_a_view(self, django_app, auditor, case, clerk):
        """Newcomer's finding (#17, 6): the detail {"format": "pdf"} reads "PDF downloaded"."""
        audit_record(
            kind=Kind.ACCESS,
            action=Action.VIEW_LETTER,
            user=clerk,
            case_number=case.number,
            detail={"format": "pdf"},
        )
        page = django_app.get(
            reverse("audit:access_log"), {"case_number": case.number}, user=auditor.username
        )
        assert "Format: PDF downloaded" in " ".join(page.html.find("table").text.split())

    def test_it_lists_records_with_a_count(self, signed_in_auditor, case, clerk):
        viewed(case, clerk)
        response = signed_in_auditor.get(reverse("audit:access_log"), {"case_number": case.number})
        body = response.content.decode()
        assert "<strong>1</strong> record found." in body
        assert "Viewed a case" in body

    def test_it_filters_by_user_kind_and_dates(self, signed_in_auditor, case, clerk, counsel):
        viewed(case, clerk, when=timezone.now() - timedelta(days=40))
        viewed(case, clerk)
        viewed(case, counsel)
        today = timezone.localdate()
        response = signed_in_auditor.get(
            reverse("audit:access_log"),
            {"username": "CLERK", "kind": "access", "date_from": today - timedelta(days=1)},
        )
        records = list(response.context["page"].object_list)
        assert [(r.username, r.case_number) for r in records] == [("clerk", case.number)]

    def test_it_filters_by_agency(self, signed_in_auditor, office, clerk):
        ours, theirs = AgencyFactory(), AgencyFactory()
        mine = make_case(office=office, actor=clerk, agency=ours)
        other = make_case(office=office, actor=clerk, agency=theirs)
        viewed(mine, clerk)
        viewed(other, clerk)
        response = signed_in_auditor.get(reverse("audit:access_log"), {"agency": ours.pk})
        numbers = {r.case_number for r in response.context["page"].object_list}
        assert numbers == {mine.number}

    def test_filters_survive_paging(self, signed_in_auditor, case, clerk):
        for _ in range(55):
            viewed(case, clerk)
        response = signed_in_auditor.get(reverse("audit:access_log"), {"username": "clerk"})
        body = response.content.decode()
        assert "<strong>55</strong> records found." in body
        assert "username=clerk&amp;page=2" in body
        second = signed_in_auditor.get(
            reverse("audit:access_log"), {"username": "clerk", "page": 2}
        )
        assert len(second.context["page"].object_list) == 5

    def test_it_says_when_nothing_matches(self, signed_in_auditor):
        response = signed_in_auditor.get(reverse("audit:access_log"), {"case_number": "DR-1999-1"})
        assert "No record matches these filters." in response.content.decode()

    def test_it_explains_dates_in_the_wrong_order(self, signed_in_auditor):
        response = signed_in_auditor.get(
            reverse("audit:access_log"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
        )
        assert response.status_code == 400
        assert "The end date is before the start date; swap them." in response.content.decode()
        page = BeautifulSoup(response.content, "html.parser")
        marked = page.find(id="date_to-error")  # at the "To" field
        assert marked is not None and "swap them" in marked.text
        assert page.select_one('#error-summary a[href="#id_date_to"]') is not None

    def test_it_records_the_auditors_search(self, signed_in_auditor, auditor):
        signed_in_auditor.get(reverse("audit:access_log"), {"case_number": "DR-2026-000007"})
        record = AuditRecord.objects.get(action=Action.SEARCH_AUDIT)
        assert record.user == auditor
        assert record.detail == {"filters": {"case_number": "DR-2026-000007"}}


class TestCsvExport:
    def rows(self, response):
        text = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(text)))

    def test_it_streams_the_matching_records_with_their_hashes(
        self, signed_in_auditor, case, clerk
    ):
        first = viewed(case, clerk)
        second = viewed(case, clerk)
        response = signed_in_auditor.get(reverse("audit:access_log_csv"), {"username": "clerk"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
        header, *rows = self.rows(response)
        assert header[:3] == ["seq", "occurred_at", "kind"]
        assert header[-2:] == ["prev_hash", "hash"]
        assert [r[0] for r in rows] == [str(first.seq), str(second.seq)]
        assert rows[1][-2:] == [first.hash, second.hash]
        assert rows[0][header.index("case_number")] == case.number

    def test_it_defuses_spreadsheet_formulas(self, signed_in_auditor):
        audit_record(
            kind=Kind.AUTH,
            action=Action.SIGN_IN_FAILED,
            outcome="failure",
            username='=HYPERLINK("http://evil")',
        )
        response = signed_in_auditor.get(reverse("audit:access_log_csv"), {"kind": "auth"})
        header, *rows = self.rows(response)
        assert rows[-1][header.index("username")] == '\'=HYPERLINK("http://evil")'

    def test_it_records_the_export(self, signed_in_auditor, auditor):
        response = signed_in_auditor.get(reverse("audit:access_log_csv"))
        self.rows(response)
        assert AuditRecord.objects.filter(action=Action.EXPORT_AUDIT, user=auditor).count() == 1


class TestHistory:
    def test_it_lists_versions_with_what_changed(self, signed_in_auditor, case, clerk):
        services.case_update_intake(case=case, actor=clerk, subject_plate="XYZ987")
        response = signed_in_auditor.get(reverse("audit:history"), {"case_number": case.number})
        body = response.content.decode()
        assert "<strong>2</strong> versions found." in body
        assert "Plate: — → XYZ987" in body
        assert "First version" in body

    def test_it_filters_by_the_person_who_changed(self, signed_in_auditor, case, clerk, counsel):
        services.case_submit(case=case, actor=clerk)
        response = signed_in_auditor.get(reverse("audit:history"), {"username": "counsel"})
        assert response.context["page"].paginator.count == 0
        assert "No version matches these filters." in response.content.decode()

    def test_it_records_the_search(self, signed_in_auditor):
        signed_in_auditor.get(reverse("audit:history"))
        assert AuditRecord.objects.filter(action=Action.SEARCH_HISTORY).count() == 1


class TestUserActivity:
    def test_it_reports_what_a_clerk_viewed_in_the_period(
        self, signed_in_auditor, case, clerk, counsel
    ):
        viewed(case, clerk)
        viewed(case, clerk)
        viewed(case, counsel)
        viewed(case, clerk, when=timezone.now() - timedelta(days=90))
        today = timezone.localdate()
        response = signed_in_auditor.get(
            reverse("audit:user_activity"),
            {"user": clerk.pk, "date_from": today - timedelta(days=30), "date_to": today},
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "<strong>2</strong> records about <strong>1</strong> case." in body
        assert ("Viewed a case", 2) in response.context["counts"]
        assert {r.user for r in response.context["page"].object_list} == {clerk}

    def test_it_includes_failed_sign_ins_under_the_name(self, signed_in_auditor, clerk):
        audit_record(
            kind=Kind.AUTH, action=Action.SIGN_IN_FAILED, outcome="failure", username="clerk"
        )
        today = timezone.localdate()
        response = signed_in_auditor.get(
            reverse("audit:user_activity"), {"user": clerk.pk, "date_from": today, "date_to": today}
        )
        assert ("Failed to sign in", 1) in response.context["counts"]

    def test_it_offers_last_month_by_default(self, signed_in_auditor):
        response = signed_in_auditor.get(reverse("audit:user_activity"))
        form = response.context["form"]
        assert form["date_from"].value().day == 1
        assert form["date_to"].value() < timezone.localdate().replace(day=1)

    def test_it_asks_for_a_user(self, signed_in_auditor):
        response = signed_in_auditor.get(
            reverse("audit:user_activity"), {"date_from": "2026-01-01", "date_to": "2026-01-31"}
        )
        assert response.status_code == 400
        assert "Choose one: it is required." in response.content.decode()

    def test_it_records_the_report(self, signed_in_auditor, clerk):
        today = timezone.localdate()
        signed_in_auditor.get(
            reverse("audit:user_activity"), {"user": clerk.pk, "date_from": today, "date_to": today}
        )
        record = AuditRecord.objects.get(action=Action.USER_ACTIVITY)
        assert record.detail["user"] == str(clerk)


class TestVerification:
    def test_it_says_when_the_chain_was_never_verified(self, signed_in_auditor):
        response = signed_in_auditor.get(reverse("audit:verification"))
        assert "The chain has not been verified yet." in response.content.decode()

    def test_verify_now_checks_the_chain_and_records_it(
        self, signed_in_auditor, auditor, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            posted = signed_in_auditor.post(reverse("audit:verify_now"))
        assert posted["Location"] == reverse("audit:verification")
        response = signed_in_auditor.get(posted["Location"])
        body = response.content.decode()
        assert "Chain intact" in body
        record = AuditRecord.objects.get(kind=Kind.VERIFICATION)
        assert (record.outcome, record.user) == ("success", auditor)
        assert record.detail["intact"] is True

    def test_verify_now_needs_a_post(self, signed_in_auditor):
        assert signed_in_auditor.get(reverse("audit:verify_now")).status_code == 405

    def test_a_broken_chain_is_shown_and_the_administrators_are_emailed(
        self, signed_in_auditor, administrator, case, clerk, django_capture_on_commit_callbacks
    ):
        administrator.email = "admin@dmv.example.gov"
        administrator.save()
        viewed(case, clerk)
        tamper("UPDATE audit_auditrecord SET case_number = 'DR-2000-000001' WHERE seq = 1")
        with django_capture_on_commit_callbacks(execute=True):
            posted = signed_in_auditor.post(reverse("audit:verify_now"))
        assert posted["Location"] == reverse("audit:verification")
        response = signed_in_auditor.get(posted["Location"])
        assert "Chain broken at record #1" in response.content.decode()
        (message,) = mail.outbox
        assert message.subject == "Audit chain broken"
        assert message.to == ["admin@dmv.example.gov"]
        assert "Audit chain broken at record #1" in message.body
        record = AuditRecord.objects.get(kind=Kind.VERIFICATION)
        assert (record.outcome, record.detail["administrators_alerted"]) == ("failure", 1)


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


class TestOfficeInWords:
    """Each record names the user's office by its name, not its code."""

    def test_the_access_log_names_the_office(self, django_app, case, clerk, auditor):
        viewed(case, clerk)
        page = django_app.get(reverse("audit:access_log"), user=auditor.username)
        form = form_with(page, "case_number")
        form["case_number"] = case.number
        page = form.submit()
        table = " ".join(page.html.find("table").text.split())
        assert "Albany legal unit" in table
        assert "albany" not in table.replace("Albany", "")

    def test_the_user_activity_names_the_office(self, django_app, clerk, case, auditor):
        viewed(case, clerk)
        page = django_app.get(reverse("audit:user_activity"), user=auditor.username)
        form = form_with(page, "user")
        form["user"] = str(clerk.pk)
        form["date_from"] = form["date_to"] = timezone.localdate().isoformat()
        page = form.submit()
        table = " ".join(page.html.find_all("table")[-1].text.split())
        assert "Albany legal unit" in table
        assert "albany" not in table.replace("Albany", "")
