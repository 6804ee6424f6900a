import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from dmvrequests.testing import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, username="clerk", password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.mfa
class TestMultiFactor:
    def test_a_user_without_a_device_is_sent_to_enrolment(self, client, clerk):
        sign_in(client)
        response = client.get(reverse("cases:queue"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:mfa_setup"))

    def test_enrolment_confirms_the_app_and_shows_backup_codes(self, client, clerk):
        sign_in(client)
        page = client.get(reverse("accounts:mfa_setup"))
        assert "<svg" in page.content.decode()
        device = TOTPDevice.objects.get(user=clerk, confirmed=False)
        response = client.post(reverse("accounts:mfa_setup"), {"token": code_for(device)})
        assert response.status_code == 200
        assert len(response.context["codes"]) == mfa.BACKUP_CODE_COUNT
        assert client.get(reverse("cases:queue")).status_code == 200

    def test_a_wrong_enrolment_code_is_explained(self, client, clerk):
        sign_in(client)
        client.get(reverse("accounts:mfa_setup"))
        response = client.post(reverse("accounts:mfa_setup"), {"token": "000000"})
        assert "That code is not right" in response.content.decode()
        assert not mfa.has_mfa(clerk)

    def test_an_enrolled_user_must_enter_a_code_after_the_password(self, client, clerk):
        device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        sign_in(client)
        response = client.get(reverse("cases:queue"))
        assert response["Location"].startswith(reverse("accounts:mfa_verify"))
        response = client.post(
            reverse("accounts:mfa_verify"), {"token": code_for(device), "next": "/cases/"}
        )
        assert response["Location"] == "/cases/"
        assert client.get(reverse("cases:queue")).status_code == 200

    def test_a_backup_code_works_once(self, client, clerk):
        TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        code = mfa.backup_codes_generate(user=clerk)[0]
        sign_in(client)
        assert client.post(reverse("accounts:mfa_verify"), {"token": code}).status_code == 302
        client.post(reverse("accounts:logout"))
        sign_in(client)
        response = client.post(reverse("accounts:mfa_verify"), {"token": code})
        assert response.status_code == 200
        assert "not right" in response.content.decode()

    def test_five_wrong_codes_end_the_session(self, client, clerk):
        TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        sign_in(client)
        for _ in range(5):
            response = client.post(reverse("accounts:mfa_verify"), {"token": "123456"})
        assert response["Location"] == reverse("accounts:login")
        assert client.get(reverse("cases:queue")).status_code == 302

    def test_an_administrator_reset_sends_the_user_back_to_enrolment(self, client, clerk):
        TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        mfa.mfa_reset(user=clerk)
        sign_in(client)
        assert client.get(reverse("cases:queue"))["Location"].startswith(
            reverse("accounts:mfa_setup")
        )


class TestLockout:
    def test_five_failures_lock_the_account_for_ten_minutes(self, client, clerk):
        for _ in range(5):
            sign_in(client, password="wrong password!")
        response = sign_in(client)
        assert response.status_code == 429
        assert "locked for 10 minutes" in response.content.decode()

    def test_a_success_resets_the_count(self, client, clerk):
        for _ in range(4):
            sign_in(client, password="wrong password!")
        assert sign_in(client).status_code == 302
        client.post(reverse("accounts:logout"))
        for _ in range(4):
            sign_in(client, password="wrong password!")
        assert sign_in(client).status_code == 302

    def test_an_administrator_unlocks(self, client, clerk):
        from axes.utils import reset

        for _ in range(5):
            sign_in(client, password="wrong password!")
        reset(username="clerk")
        assert sign_in(client).status_code == 302


class TestSessions:
    def test_a_second_sign_in_ends_the_first_session(self, client, clerk):
        from django.test import Client

        sign_in(client)
        assert client.get(reverse("cases:queue")).status_code == 200
        other = Client()
        sign_in(other)
        response = client.get(reverse("cases:queue"))
        assert response.status_code == 302
        assert other.get(reverse("cases:queue")).status_code == 200

    def test_sessions_expire_after_the_idle_time(self, settings):
        assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST is True


class TestPasswords:
    @pytest.mark.parametrize(
        "password,message",
        [
            ("short1!", "at least 12"),
            ("Password2026!!", "password"),
            ("welcome-to-the-dmv", "welcome"),
        ],
    )
    def test_it_refuses_weak_passwords(self, clerk, password, message):
        with pytest.raises(ValidationError) as error:
            validate_password(password, clerk)
        assert message in " ".join(error.value.messages)

    def test_it_refuses_the_username(self, clerk):
        clerk.username = "mjohnson"
        with pytest.raises(ValidationError):
            validate_password("xx-mjohnson-harbor-lamp", clerk)

    def test_it_accepts_a_passphrase(self, clerk, settings):
        # Accepted means every configured validator ran and none refused it.
        assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 3
        validate_password("harbor lamp violet tractor", clerk)  # raises ValidationError if refused
        assert all(v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS)

    def test_a_user_changes_their_password(self, client, clerk):
        client.force_login(clerk)
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "harbor lamp violet tractor",
                "new_password2": "harbor lamp violet tractor",
            },
        )
        assert response.status_code == 302
        clerk.refresh_from_db()
        assert clerk.check_password("harbor lamp violet tractor")


class TestHeaders:
    def test_pages_carry_a_strict_content_security_policy(self, client):
        response = client.get(reverse("accounts:login"))
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_pages_have_no_inline_script(self, client, clerk):
        import re

        client.force_login(clerk)
        for url in (reverse("accounts:login"), reverse("cases:queue"), reverse("cases:create")):
            body = client.get(url).content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url


class TestSecurityEventsAreAudited:
    def actions(self):
        from dmvrequests.audit.models import AuditRecord

        return list(AuditRecord.objects.order_by("seq").values_list("action", "outcome", "detail"))

    def test_a_lockout_is_recorded(self, client, clerk):
        for _ in range(5):
            sign_in(client, password="wrong password!")
        sign_in(client)
        assert ("lockout", "denied", {}) in self.actions()

    @pytest.mark.mfa
    def test_second_factor_results_are_recorded(self, client, clerk):
        device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        sign_in(client)
        client.post(reverse("accounts:mfa_verify"), {"token": "000000"})
        device.refresh_from_db()
        device.throttle_reset()  # django-otp slows retries after a failure; skip the wait
        client.post(reverse("accounts:mfa_verify"), {"token": code_for(device)})
        steps = [(a, o, d.get("step")) for a, o, d in self.actions() if a == "mfa"]
        assert steps == [("mfa", "failure", "failed"), ("mfa", "success", "verified")]

    def test_a_password_change_is_recorded(self, client, clerk):
        client.force_login(clerk)
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "harbor lamp violet tractor",
                "new_password2": "harbor lamp violet tractor",
            },
        )
        assert ("password", "success", {"step": "changed"}) in self.actions()

    def test_an_mfa_reset_names_the_account(self, clerk, administrator):
        from accounts.services import user_reset_mfa
        from dmvrequests.audit.models import AuditRecord

        user_reset_mfa(user=clerk, actor=administrator)
        record = AuditRecord.objects.get(action="mfa")
        assert record.username == "admin" and record.object_id == str(clerk.pk)
