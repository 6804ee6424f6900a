"""Every form outside the case page, filled and submitted as the page renders it (WebTest).

The case page's own forms are in dmvrequests/cases/tests/test_forms_as_rendered.py, the
quarantine's in dmvrequests/intake/tests/test_forms_as_rendered.py. Each test loads the
page as a user whose role the access table allows, fills the form the page renders,
submits it and checks what a person would notice: the record made or changed, the
message, the result shown; and for a mistake, the field marked with what was typed kept.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dmvrequests.agencies.models import Requester
from dmvrequests.cases.models import DisclosureRequest, Status
from dmvrequests.notifications.models import Preference
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db
PASSWORD = "harbor lamp violet tractor"


def form_posting_to(page, url):
    forms = [f for f in page.forms.values() if (f.action or page.request.path) == url]
    assert forms, f"{page.request.path} renders no form for {url}"
    return forms[0]


def marked(page, name):
    control = page.html.find(attrs={"name": name})
    assert "usa-input--error" in control["class"] and control.get("aria-invalid") == "true"
    assert control.find_parent(class_="usa-form-group--error") is not None
    summary = page.html.find(id="error-summary")
    assert summary is not None and f"#{control['id']}" in [a["href"] for a in summary("a")]
    # The title says so first (WCAG 3.3.1): what a screen reader reads of the page.
    assert page.html.title.string.startswith("Error: "), page.html.title.string
    return control


@pytest.fixture
def police(db):
    return AgencyFactory(kind="local_law_enforcement", name="Albany Police Department")


@pytest.fixture
def case(office, clerk, police):
    return make_case(office=office, actor=clerk, agency=police)


class TestIntakeForm:
    def fill(self, form, police):
        form["channel"] = "mail"
        form["received_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        form["agency"] = str(police.pk)
        form["requester_name"] = "Det. Jane Roe"
        form["purpose"] = "criminal_investigation"
        form["categories"] = ["address"]
        form["subject_name"] = "Maria Lopez"

    def test_a_clerk_logs_a_mailed_request_and_submits_it(self, django_app, clerk, police):
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        self.fill(form, police)
        page = form.submit("submit").follow()
        case = DisclosureRequest.objects.get()
        assert case.status == Status.IN_REVIEW
        assert case.requester is not None and case.requester.name == "Det. Jane Roe"
        assert "submitted for legal review" in page.text

    def test_a_phone_request_is_saved_with_what_to_do_next(self, django_app, clerk, police):
        page = django_app.get(reverse("cases:create"), user="clerk")
        assert "phone or fax" in page.html.find(id="submit-needs").text
        form = page.forms[1]
        self.fill(form, police)
        form["channel"] = "phone"
        page = form.submit("submit").follow()
        case = DisclosureRequest.objects.get()
        assert case.status == Status.RECEIVED
        assert "record the callback" in page.text and "not submitted" not in page.text

    def test_a_mistake_keeps_what_was_typed(self, django_app, clerk, police):
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        self.fill(form, police)
        form["requester_name"] = ""
        form["subject_plate"] = "HXT 4821"
        page = form.submit("draft")
        assert page.status_code == 200
        marked(page, "requester_name")
        assert page.html.find(attrs={"name": "subject_plate"})["value"] == "HXT 4821"
        assert not DisclosureRequest.objects.exists()

    def test_no_record_ticked_is_announced_where_each_box_points(self, django_app, clerk, police):
        """The boxes name `categories-error` in aria-describedby: the message carries that id."""
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        self.fill(form, police)
        form["categories"] = []
        page = form.submit("draft")
        message = page.html.find(id="categories-error")
        assert message is not None and "Tick at least one" in message.text
        # Announced once, by the summary (role="alert") and the title; each box names it.
        assert message.get("role") is None
        assert page.html.select_one('#error-summary a[href="#id_categories_0"]') is not None
        assert page.html.title.string.startswith("Error: ")
        for box in page.html.find_all(attrs={"name": "categories"}):
            for named in box["aria-describedby"].split():
                assert page.html.find(id=named) is not None, named
        assert not DisclosureRequest.objects.exists()

    def test_no_subject_is_reported_at_the_subjects_name(self, django_app, clerk, police):
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        self.fill(form, police)
        form["subject_name"] = ""
        page = form.submit("draft")
        message = page.html.find(id="subject_name-error")
        assert message is not None and "Identify the subject" in message.text
        assert page.html.select_one('#error-summary a[href="#id_subject_name"]') is not None
        assert not DisclosureRequest.objects.exists()

    def test_the_clerk_edits_the_intake(self, django_app, clerk, case):
        form = django_app.get(reverse("cases:edit", args=[case.number]), user="clerk").forms[1]
        form["requester_name"] = "Det. Jane Roe"
        form["subject_name"] = "Maria L. Lopez"
        page = form.submit().follow()
        case.refresh_from_db()
        assert case.subject_name == "Maria L. Lopez"
        assert f"Intake of {case.number} saved" in page.text
        assert Requester.objects.filter(name="Det. Jane Roe").exists()


class TestQueueAndSearch:
    def test_the_queue_filter_shows_one_status(self, django_app, clerk, case, office, police):
        other = make_case(office=office, actor=clerk, agency=police, subject_name="Ann Other")
        DisclosureRequest.objects.filter(pk=other.pk).update(status=Status.WITHDRAWN)
        form = django_app.get(reverse("cases:queue"), user="clerk").forms[1]
        form["status"] = "withdrawn"
        page = form.submit()
        assert other.number in page.text and case.number not in page.text

    def test_search_finds_a_case(self, django_app, clerk, case):
        form = django_app.get(reverse("cases:search"), user="clerk").forms[1]
        form["q"] = case.number
        page = form.submit()
        assert page.html.find("a", string=case.number) is not None


class TestTryARequest:
    def test_counsel_checks_a_hypothetical_request(self, django_app, counsel):
        page = django_app.get(reverse("policy:try"), user="counsel")
        form = form_posting_to(page, reverse("policy:try"))
        form["agency_kind"] = "immigration"
        form["purpose"] = "civil_immigration_enforcement"
        form["records"] = ["address"]
        page = form.submit()
        assert page.html.find(id="policy-panel-heading").text == "Policy engine's recommendation"


class TestAccountForms:
    def test_notification_preferences_are_saved(self, django_app, clerk):
        form = django_app.get(reverse("notifications:preferences"), user="clerk").forms[1]
        form["digest"] = False
        page = form.submit().follow()
        assert "Your notification settings are saved" in page.text
        assert Preference.objects.get(user=clerk).digest is False

    def test_the_password_is_changed(self, django_app, clerk):
        clerk.set_password(PASSWORD)
        clerk.save()
        form = django_app.get(reverse("accounts:password_change"), user="clerk").forms[1]
        form["old_password"] = PASSWORD
        form["new_password1"] = "copper meadow lantern ninety"
        form["new_password2"] = "copper meadow lantern ninety"
        page = form.submit().maybe_follow()
        assert "Your password is changed" in page.text
        clerk.refresh_from_db()
        assert clerk.check_password("copper meadow lantern ninety")

    def test_a_wrong_old_password_is_marked(self, django_app, clerk):
        form = django_app.get(reverse("accounts:password_change"), user="clerk").forms[1]
        form["old_password"] = "not it"
        form["new_password1"] = "copper meadow lantern ninety"
        form["new_password2"] = "copper meadow lantern ninety"
        page = form.submit(status=200)
        marked(page, "old_password")

    def test_an_administrator_creates_a_user(self, django_app, administrator, office):
        page = django_app.get(reverse("admin:accounts_user_add"), user="admin")
        form = page.forms["user_form"]
        form["username"] = "newclerk"
        form["office"] = str(office.pk)
        form["role"] = "Clerk"
        form["password1"] = PASSWORD
        form["password2"] = PASSWORD
        form.submit().follow()
        assert User.objects.get(username="newclerk").is_clerk

    def test_an_administrator_changes_a_user(self, django_app, administrator, clerk):
        page = django_app.get(reverse("admin:accounts_user_change", args=[clerk.pk]), user="admin")
        form = page.forms["user_form"]
        form["title"] = "Senior clerk"
        form.submit("_save").follow()
        clerk.refresh_from_db()
        assert clerk.title == "Senior clerk"


def totp_code(device):
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class TestSecondFactor:
    def test_a_user_sets_up_an_authenticator_app(self, django_app, clerk):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        page = django_app.get(reverse("accounts:mfa_setup"), user="clerk")
        form = form_posting_to(page, reverse("accounts:mfa_setup"))
        form["token"] = totp_code(TOTPDevice.objects.get(user=clerk, confirmed=False))
        page = form.submit()
        assert "Your authenticator app is set up" in page.text
        assert TOTPDevice.objects.get(user=clerk).confirmed

    def test_a_wrong_code_is_marked(self, django_app, clerk):
        page = django_app.get(reverse("accounts:mfa_setup"), user="clerk")
        form = form_posting_to(page, reverse("accounts:mfa_setup"))
        form["token"] = "000000"
        page = form.submit()
        control = page.html.find(attrs={"name": "token"})
        assert (
            "usa-input--error" in control["class"] and "token-error" in control["aria-describedby"]
        )

    @pytest.mark.mfa
    def test_the_code_page_lets_a_user_in(self, django_app, clerk):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        page = django_app.get(reverse("cases:queue"), user="clerk").follow()
        form = form_posting_to(page, reverse("accounts:mfa_verify"))
        form["token"] = totp_code(device)
        page = form.submit().follow()
        assert page.request.path == reverse("cases:queue")
        assert "Albany legal unit queue" in page.text

    def test_new_backup_codes_are_made(self, django_app, clerk):
        page = django_app.get(reverse("accounts:backup_codes"), user="clerk")
        page = form_posting_to(page, reverse("accounts:backup_codes")).submit()
        assert page.status_code == 200
        assert len(page.html.select("code, li code")) >= 1 or "backup code" in page.text.lower()


def test_the_case_timeline_filter_keeps_its_choice(django_app, clerk, case):
    page = django_app.get(reverse("cases:detail", args=[case.number]), user="clerk")
    form = next(f for f in page.forms.values() if f.action == "#timeline")
    boxes = form.fields["kind"]
    boxes[0].checked = True
    chosen = boxes[0]._value
    page = form.submit()
    box = page.html.find("input", attrs={"name": "kind", "value": chosen})
    assert box.has_attr("checked")


def test_signing_out(django_app, clerk):
    page = django_app.get(reverse("cases:queue"), user="clerk")
    page = form_posting_to(page, reverse("accounts:logout")).submit().follow()
    assert "You are signed out" in page.text


class TestUserAdministrationConfirms:
    @pytest.mark.parametrize(
        "action,button", [("deactivate", "Yes, deactivate"), ("reset_mfa", "Yes, reset")]
    )
    def test_the_action_asks_before_it_acts(self, django_app, administrator, clerk, action, button):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        page = django_app.get(reverse("admin:accounts_user_changelist"), user="admin")
        form = page.forms["changelist-form"]
        form["action"] = action
        boxes = form.fields["_selected_action"]
        next(box for box in boxes if box._value == str(clerk.pk)).checked = True
        confirm = form.submit("index", index=0)
        clerk.refresh_from_db()
        assert clerk.is_active and TOTPDevice.objects.filter(user=clerk).exists()
        assert clerk.username in confirm.text
        confirm_form = next(f for f in confirm.forms.values() if "confirmed" in f.fields)
        confirm_form.submit().follow()
        clerk.refresh_from_db()
        if action == "deactivate":
            assert not clerk.is_active
        else:
            assert not TOTPDevice.objects.filter(user=clerk).exists()
        assert button in confirm.text


class TestReports:
    def test_the_dashboard_filters(self, django_app, administrator, case):
        page = django_app.get(reverse("reports:index"), user="admin")
        form = form_posting_to(page, reverse("reports:index"))
        form["date_from"] = "2026-01-01"
        form["date_to"] = "2026-01-31"
        page = form.submit()
        assert page.html.find(id="error-summary") is None
        # The filters survive: the page shows the period asked for.
        assert page.html.find(attrs={"name": "date_from"})["value"] == "2026-01-01"
        assert page.html.find(attrs={"name": "date_to"})["value"] == "2026-01-31"

    def test_dates_the_wrong_way_round_are_marked(self, django_app, administrator):
        page = django_app.get(reverse("reports:index"), user="admin")
        form = form_posting_to(page, reverse("reports:index"))
        form["date_from"] = "2026-03-01"
        form["date_to"] = "2026-01-01"
        page = form.submit(expect_errors=True)
        assert page.html.find(id="error-summary") is not None
        assert "2026-03-01" in page.text

    @pytest.mark.parametrize("name", ["reports:transparency", "reports:attestation"])
    def test_a_period_is_chosen(self, django_app, administrator, name):
        page = django_app.get(reverse(name), user="admin")
        form = form_posting_to(page, reverse(name))
        form["year"] = "2025"
        form["period"] = "q4"
        page = form.submit()
        assert page.status_code == 200 and "2025" in page.text

    def test_an_export_downloads(self, django_app, administrator, case):
        page = django_app.get(reverse("reports:exports"), user="admin")
        form = form_posting_to(page, reverse("reports:exports"))
        form["dataset"] = "cases"
        form["format"] = "csv"
        response = form.submit()
        assert response.status_code == 200
        assert response.content_type == "text/csv"
        assert case.number in response.text

    def test_identifiers_without_a_reason_are_marked(self, django_app, administrator):
        page = django_app.get(reverse("reports:exports"), user="admin")
        form = form_posting_to(page, reverse("reports:exports"))
        form["include_identifiers"] = True
        form["date_from"] = "2026-01-01"
        page = form.submit(expect_errors=True)
        marked(page, "reason")
        assert page.html.find(attrs={"name": "date_from"})["value"] == "2026-01-01"


class TestAudit:
    def test_the_access_log_is_searched_by_case(self, django_app, auditor, case, clerk):
        django_app.get(reverse("cases:detail", args=[case.number]), user="clerk")
        page = django_app.get(reverse("audit:access_log"), user="auditor")
        form = form_posting_to(page, reverse("audit:access_log"))
        form["case_number"] = case.number.lower()
        page = form.submit()
        table = page.html.find("table")
        assert table is not None and case.number in table.text

    def test_the_history_is_filtered(self, django_app, auditor, case):
        page = django_app.get(reverse("audit:history"), user="auditor")
        form = form_posting_to(page, reverse("audit:history"))
        form["case_number"] = case.number
        page = form.submit()
        assert case.number in page.html.find("table").text

    def test_a_users_activity_is_shown(self, django_app, auditor, clerk, case):
        page = django_app.get(reverse("audit:user_activity"), user="auditor")
        form = form_posting_to(page, reverse("audit:user_activity"))
        form["user"] = str(clerk.pk)
        page = form.submit()
        assert page.status_code == 200 and str(clerk) in page.text

    def test_the_chain_is_verified_on_demand(self, django_app, auditor):
        page = django_app.get(reverse("audit:verification"), user="auditor")
        page = form_posting_to(page, reverse("audit:verify_now")).submit().follow()
        assert "Verification started" in page.text

    def test_counsel_redacts_text_entered_by_mistake(self, django_app, counsel, office, clerk):
        case = make_case(office=office, actor=clerk, narrative="Ask about her visa status.")
        url = reverse("audit:redact", args=[case.number])
        form = form_posting_to(django_app.get(url, user="counsel"), url)
        form["field"] = "narrative"
        form["text"] = "her visa status"
        form["reason"] = "Immigration status entered by mistake"
        page = form.submit().follow()
        case.refresh_from_db()
        assert "visa" not in case.narrative
        assert "The text was removed" in page.text

    def test_a_redaction_without_a_reason_keeps_the_text(self, django_app, counsel, case):
        url = reverse("audit:redact", args=[case.number])
        form = form_posting_to(django_app.get(url, user="counsel"), url)
        form["field"] = "subject_name"
        form["text"] = "Maria"
        page = form.submit(status=400)
        marked(page, "reason")
        assert page.html.find(attrs={"name": "text"}).text.strip() == "Maria"


def test_sign_in_form(django_app, clerk):
    clerk.set_password(PASSWORD)
    clerk.save()
    form = django_app.get(reverse("accounts:login")).forms[0]
    form["username"] = "clerk"
    form["password"] = PASSWORD
    page = form.submit().follow()
    assert page.status_code in (200, 302)
    assert "_auth_user_id" in django_app.session
