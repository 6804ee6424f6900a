"""Retention removes subject identifiers of long-closed cases and keeps the statistics."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dmvrequests.audit.models import AuditRecord, Kind
from dmvrequests.cases import services
from dmvrequests.cases.models import DisclosureRequest, Status
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.oversight.erasure import retention_apply, retention_plan, years_before
from dmvrequests.oversight.schedule import BEAT_SCHEDULE
from dmvrequests.oversight.tasks import apply_retention_policy
from dmvrequests.oversight.verification import chain_verify
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db

IDENTIFIERS = {
    "subject_name": "Maria Lopez",
    "subject_dob": timezone.now().date().replace(year=1980),
    "subject_license_number": "123456789",
    "subject_plate": "ABC123",
    "subject_vin": "1HGCM82633A004352",
    "narrative": "Stopped twice on Route 9.",
}


def closed_case(office, clerk, *, years_ago):
    case = make_case(office=office, actor=clerk, **IDENTIFIERS)
    case.status = Status.CLOSED
    case.closed_at = timezone.now() - timedelta(days=365 * years_ago + 2)
    case._history_user = clerk
    case.save()
    return case


@pytest.fixture
def old_case(office, clerk):
    return closed_case(office, clerk, years_ago=8)


@pytest.fixture
def recent_case(office, clerk):
    return closed_case(office, clerk, years_ago=2)


@pytest.fixture
def open_case(office, clerk):
    return make_case(office=office, actor=clerk, **IDENTIFIERS)


def run(*args):
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def identifiers_of(case):
    case.refresh_from_db()
    return {name: getattr(case, name) for name in IDENTIFIERS}


def history_identifiers(case):
    return set(case.history.values_list(*IDENTIFIERS))


class TestDryRun:
    def test_it_lists_what_would_change_and_changes_nothing(self, old_case, recent_case):
        history_before = history_identifiers(old_case)
        out = run("--dry-run", "--years", "7")
        assert f"{old_case.number} (ended " in out
        assert (
            "would clear subject name, subject's date of birth, subject license number, plate, VIN, "
            "narrative; 2 history entries"
        ) in out
        assert recent_case.number not in out
        assert "ended more than 7 years ago and still hold subject identifiers: 1. Dry run" in out
        assert identifiers_of(old_case) == IDENTIFIERS
        assert history_identifiers(old_case) == history_before
        assert not AuditRecord.objects.filter(kind=Kind.RETENTION).exists()


class TestApply:
    def test_it_clears_identifiers_of_old_closed_cases_only(self, old_case, recent_case, open_case):
        out = run("--years", "7")
        assert f"{old_case.number} (ended " in out
        assert "Cleared subject identifiers of 1 case that ended more than 7 years" in out
        cleared = identifiers_of(old_case)
        assert cleared == {name: None if name == "subject_dob" else "" for name in IDENTIFIERS}
        assert history_identifiers(old_case) == {("", None, "", "", "", "")}
        assert identifiers_of(recent_case) == IDENTIFIERS
        assert identifiers_of(open_case) == IDENTIFIERS

    def test_it_keeps_the_statistics(self, old_case):
        before = DisclosureRequest.objects.values(
            "status", "agency", "office", "purpose", "categories", "received_at", "closed_at"
        ).get(pk=old_case.pk)
        run("--years", "7")
        after = DisclosureRequest.objects.values(*before).get(pk=old_case.pk)
        assert after == before

    def test_it_records_each_case_in_the_chain(self, old_case):
        run("--years", "7")
        record = AuditRecord.objects.get(action="apply_retention")
        assert record.case_number == old_case.number
        assert record.detail["fields"] == list(IDENTIFIERS)
        assert record.detail["years"] == 7
        assert AuditRecord.objects.get(action="retention_run").detail["cases"] == 1
        assert chain_verify().intact

    def test_a_second_run_has_nothing_left_to_do(self, old_case):
        run("--years", "7")
        assert "Cleared subject identifiers of 0 cases" in run("--years", "7")

    def test_a_withdrawn_case_counts_from_its_withdrawal(self, office, clerk):
        case = make_case(office=office, actor=clerk, **IDENTIFIERS)
        services.case_transition(case=case, action=CaseAction.WITHDRAW, actor=clerk)
        now = timezone.now()
        assert list(retention_plan(years=5, now=now)) == []
        later = years_before(now, -6)
        (item,) = retention_apply(years=5, source="test", now=later)
        assert item.number == case.number
        assert identifiers_of(case)["subject_name"] == ""


class TestSettings:
    def test_it_is_off_without_a_setting(self, settings, old_case):
        settings.RETENTION_SUBJECT_YEARS = None
        assert "Retention is off" in run()
        assert identifiers_of(old_case) == IDENTIFIERS

    def test_the_task_follows_the_setting(self, settings, old_case, recent_case):
        settings.RETENTION_SUBJECT_YEARS = 5
        assert apply_retention_policy() == 1
        assert identifiers_of(old_case)["narrative"] == ""
        assert identifiers_of(recent_case)["narrative"] == IDENTIFIERS["narrative"]

    def test_the_task_does_nothing_when_off(self, settings, old_case):
        settings.RETENTION_SUBJECT_YEARS = 0
        assert apply_retention_policy() == 0
        assert identifiers_of(old_case) == IDENTIFIERS

    def test_it_refuses_a_period_under_a_year(self):
        with pytest.raises(CommandError, match="--years must be 1 or more"):
            run("--years", "0")

    def test_the_schedule_runs_verification_and_retention_nightly(self):
        tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
        assert tasks == {
            "dmvrequests.oversight.tasks.verify_audit_chain",
            "dmvrequests.oversight.tasks.apply_retention_policy",
        }
