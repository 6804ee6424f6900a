from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.notifications import services as notifications
from dmvrequests.notifications import tasks
from dmvrequests.notifications.models import OutboundEmail, Preference
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _emails(settings, office, counsel, clerk):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (counsel, clerk):
        user.email = f"{user.username}@dmv.example.gov"
        user.save()


def committed(django_capture_on_commit_callbacks, work):
    with django_capture_on_commit_callbacks(execute=True):
        return work()


class TestAssignment:
    def test_counsel_is_emailed_on_assignment(
        self, django_capture_on_commit_callbacks, office, clerk, counsel
    ):
        case = make_case(office=office, actor=clerk)
        committed(
            django_capture_on_commit_callbacks,
            lambda: services.case_submit(case=case, actor=clerk, assigned_counsel=counsel),
        )
        assert [m.to for m in mail.outbox] == [["counsel@dmv.example.gov"]]
        assert case.number in mail.outbox[0].subject
        assert "Maria Lopez" not in mail.outbox[0].body  # no case details by email
        assert OutboundEmail.objects.get().sent_at is not None

    def test_counsel_can_switch_it_off(
        self, django_capture_on_commit_callbacks, office, clerk, counsel
    ):
        Preference.objects.create(user=counsel, assignment=False)
        case = make_case(office=office, actor=clerk)
        committed(
            django_capture_on_commit_callbacks,
            lambda: services.case_assign(case=case, counsel=counsel, actor=clerk),
        )
        assert mail.outbox == []


class TestEmergency:
    def test_the_office_hears_of_an_emergency_even_when_switched_off(
        self, django_capture_on_commit_callbacks, office, clerk, counsel
    ):
        Preference.objects.create(user=counsel, assignment=False, digest=False)
        committed(
            django_capture_on_commit_callbacks,
            lambda: make_case(office=office, actor=clerk, emergency=True),
        )
        recipients = sorted(m.to[0] for m in mail.outbox)
        assert recipients == ["clerk@dmv.example.gov", "counsel@dmv.example.gov"]
        assert "Emergency request" in mail.outbox[0].subject

    def test_an_office_address_takes_the_alert(
        self, django_capture_on_commit_callbacks, office, clerk
    ):
        office.email = "legal-unit@dmv.example.gov"
        office.save()
        committed(
            django_capture_on_commit_callbacks,
            lambda: make_case(office=office, actor=clerk, emergency=True),
        )
        assert [m.to for m in mail.outbox] == [["legal-unit@dmv.example.gov"]]


class TestDigest:
    def test_it_lists_what_is_due_soon_or_overdue_once_a_day(self, office, clerk, counsel):
        due = make_case(office=office, actor=clerk)
        due.due_date = timezone.localdate() - timedelta(days=1)
        due.save()
        later = make_case(office=office, actor=clerk)
        later.due_date = timezone.localdate() + timedelta(days=20)
        later.save()
        notifications.digest_send()
        notifications.digest_send()  # the same day: nothing new
        clerk_rows = OutboundEmail.objects.filter(recipient="clerk@dmv.example.gov")
        assert clerk_rows.count() == 1
        body = clerk_rows.get().body
        assert due.number in body and "OVERDUE" in body
        assert later.number not in body

    def test_nothing_due_means_no_digest(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        case.due_date = timezone.localdate() + timedelta(days=30)
        case.save()
        assert notifications.digest_send() == 0


class TestFollowups:
    def test_a_late_emergency_follow_up_is_reported_to_the_deciding_counsel(
        self, office, clerk, counsel
    ):
        case = make_case(office=office, actor=clerk, emergency=True, purpose="emergency")
        services.case_submit(case=case, actor=clerk)
        decision = services.case_decide(
            case=case,
            actor=counsel,
            outcome="approved",
            categories=["address", "license_record"],
            emergency=True,
            rationale="Danger to life.",
        )
        assert notifications.followups_overdue_notify() == 0
        assert decision.followup_due is not None
        later = decision.followup_due + timedelta(hours=1)
        assert notifications.followups_overdue_notify(now=later) == 1
        assert notifications.followups_overdue_notify(now=later) == 0
        assert OutboundEmail.objects.filter(
            kind="followup_overdue", recipient="counsel@dmv.example.gov"
        ).exists()


class TestOutbox:
    def test_a_broker_failure_leaves_the_mail_for_the_sweep(
        self, monkeypatch, office, clerk, counsel, django_capture_on_commit_callbacks
    ):
        def broker_down(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        monkeypatch.setattr(tasks.send_outbound, "delay", broker_down)
        case = make_case(office=office, actor=clerk)
        committed(
            django_capture_on_commit_callbacks,
            lambda: services.case_assign(case=case, counsel=counsel, actor=clerk),
        )
        row = OutboundEmail.objects.get()
        assert row.sent_at is None and mail.outbox == []
        OutboundEmail.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        assert tasks.outbox_sweep() == 1
        assert len(mail.outbox) == 1
        assert tasks.outbox_sweep() == 0

    def test_delivery_is_idempotent(self, office, clerk, counsel):
        case = make_case(office=office, actor=clerk)
        services.case_assign(case=case, counsel=counsel, actor=clerk)
        row = OutboundEmail.objects.get()
        assert notifications.deliver(row.pk) is True
        assert notifications.deliver(row.pk) is False
        assert len(mail.outbox) == 1

    def test_a_failed_send_is_counted_and_retried(self, monkeypatch, office, clerk, counsel):
        case = make_case(office=office, actor=clerk)
        services.case_assign(case=case, counsel=counsel, actor=clerk)
        row = OutboundEmail.objects.get()

        def smtp_down(*args, **kwargs):
            raise OSError("SMTP server unreachable")

        monkeypatch.setattr(notifications, "send_mail", smtp_down)
        assert notifications.deliver(row.pk) is False
        row.refresh_from_db()
        assert row.attempts == 1 and "unreachable" in row.last_error and row.sent_at is None


class TestPreferencesPage:
    def test_a_user_switches_off_the_digest(self, client, clerk):
        client.force_login(clerk)
        assert client.get(reverse("notifications:preferences")).status_code == 200
        response = client.post(reverse("notifications:preferences"), {"assignment": "on"})
        assert response.status_code == 302
        preference = Preference.objects.get(user=clerk)
        assert preference.assignment and not preference.digest
        assert preference.history.first().history_user == clerk

    def test_opening_the_page_writes_nothing(self, client, clerk):
        client.force_login(clerk)
        page = client.get(reverse("notifications:preferences"))
        assert page.status_code == 200
        assert not Preference.objects.filter(user=clerk).exists()

    def test_the_form_as_rendered_saves_the_settings(self, django_app, clerk):
        form = django_app.get(reverse("notifications:preferences"), user="clerk").forms[1]
        assert form["assignment"].checked and form["digest"].checked
        form["assignment"] = False
        page = form.submit().follow()
        assert "Your notification settings are saved." in page
        preference = Preference.objects.get(user=clerk)
        assert not preference.assignment and preference.digest
        assert not page.forms[1]["assignment"].checked

    def test_anonymous_users_sign_in_first(self, client):
        assert client.get(reverse("notifications:preferences")).status_code == 302
