"""Issue 13, item 6: account, role, password, MFA and lockout events in the hash chain;
every role grant tells the other administrators and the auditors; optionally a second
administrator approves grants of Administrator, Counsel and Auditor."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import GrantStatus, PendingRoleGrant, User
from dmvrequests.audit.models import AuditRecord, Kind
from dmvrequests.notifications.models import Kind as NoticeKind
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.oversight.verification import chain_verify
from dmvrequests.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "harbor lamp violet tractor"


@pytest.fixture
def admin_client(client, administrator):
    administrator.email = "admin@dmv.example.gov"
    administrator.save()
    client.force_login(administrator)
    return client


@pytest.fixture
def second_admin(office):
    return UserFactory(
        username="admin2",
        office=office,
        role="Administrator",
        is_staff=True,
        email="admin2@dmv.example.gov",
    )


@pytest.fixture
def watching_auditor(auditor):
    auditor.email = "auditor@dmv.example.gov"
    auditor.save()
    return auditor


def events(action, **filters):
    return list(AuditRecord.objects.filter(action=action, **filters).order_by("seq"))


def admin_action(client, name, *users):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": name, "_selected_action": [u.pk for u in users], "confirmed": "yes"},
        follow=True,
    )


def change_role(client, user, role):
    return client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "title": "",
            "office": user.office_id or "",
            "role": role,
            # Past the confirmation page (accounts/tests/test_role_change_confirmation.py).
            "_role_change_confirmed": "yes",
        },
    )


def create_user(client, office, role, username="newcounsel"):
    return client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": username,
            "first_name": "New",
            "last_name": "Person",
            "email": f"{username}@dmv.example.gov",
            "title": "",
            "office": office.pk,
            "role": role,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


class TestAccountEventsAreChained:
    def test_creating_a_user_with_a_role(
        self, admin_client, administrator, office, second_admin, watching_auditor
    ):
        assert create_user(admin_client, office, "Counsel").status_code == 302
        user = User.objects.get(username="newcounsel")
        assert user.is_counsel
        (created,) = events("account_create")
        assert created.kind == Kind.ACCOUNT and created.user == administrator
        assert created.object_id == str(user.pk)
        assert created.detail["role_requested"] == "Counsel"
        assert created.detail["password_set"] is True
        (granted,) = events("role_change")
        assert granted.detail == {"account": "newcounsel", "from": [], "to": "Counsel"}
        assert chain_verify().intact

    def test_a_role_grant_tells_the_other_administrators_and_the_auditors(
        self, admin_client, clerk, second_admin, watching_auditor
    ):
        assert change_role(admin_client, clerk, "Counsel").status_code == 302
        notices = OutboundEmail.objects.filter(kind=NoticeKind.ROLE_GRANT)
        assert sorted(notices.values_list("recipient", flat=True)) == [
            "admin2@dmv.example.gov",
            "auditor@dmv.example.gov",
        ]
        first = notices.first()
        assert first is not None
        assert "changed clerk's role from Clerk to Counsel" in first.subject

    def test_changing_a_role(self, admin_client, clerk):
        change_role(admin_client, clerk, "Auditor")
        (event,) = events("role_change")
        assert event.detail == {"account": "clerk", "from": ["Clerk"], "to": "Auditor"}
        # Saving the form again with the same role is not a role change.
        change_role(admin_client, User.objects.get(pk=clerk.pk), "Auditor")
        assert len(events("role_change")) == 1

    def test_setting_a_password_in_the_admin(self, admin_client, administrator, clerk):
        url = reverse("admin:auth_user_password_change", args=[clerk.pk])
        response = admin_client.post(
            url,
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        clerk.refresh_from_db()
        assert clerk.check_password(NEW_PASSWORD)
        (event,) = events("password")
        assert event.user == administrator and event.object_id == str(clerk.pk)
        assert event.detail == {"step": "set_by_administrator", "account": "clerk"}

    def test_resetting_mfa_deactivating_reactivating_and_unlocking(self, admin_client, clerk):
        from axes.models import AccessAttempt

        TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        AccessAttempt.objects.create(
            username="clerk",
            failures_since_start=5,
            ip_address="127.0.0.1",
            user_agent="x",
            http_accept="x",
            path_info="/",
        )
        for name in ("reset_mfa", "deactivate", "reactivate", "unlock"):
            admin_action(admin_client, name, clerk)
        named = AuditRecord.objects.filter(object_id=str(clerk.pk)).order_by("seq")
        assert [(r.action, r.detail.get("step", "")) for r in named] == [
            ("mfa", "reset"),
            ("account_deactivate", ""),
            ("account_reactivate", ""),
            ("unlock", ""),
        ]
        assert chain_verify().intact

    def test_a_lockout_is_chained(self, client, clerk):
        for _ in range(5):
            client.post(
                reverse("accounts:login"), {"username": "clerk", "password": "wrong password!"}
            )
        client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
        assert events("lockout", username="clerk")
        assert chain_verify().intact


class TestSecondAdministrator:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.ROLE_GRANT_REQUIRES_SECOND_ADMIN = True

    def test_a_privileged_grant_waits_and_the_asker_cannot_approve_it(
        self, admin_client, clerk, second_admin, watching_auditor
    ):
        response = change_role(admin_client, clerk, "Counsel")
        assert response.status_code == 302
        clerk = User.objects.get(pk=clerk.pk)
        assert clerk.is_clerk and not clerk.is_counsel
        grant = PendingRoleGrant.objects.get(user=clerk)
        assert grant.status == GrantStatus.PENDING
        assert events("role_grant_request")[0].detail["role"] == "Counsel"
        assert (
            OutboundEmail.objects.filter(subject__contains="asks to change clerk's role").count()
            == 2
        )
        page = admin_client.get(reverse("accounts:role_grants"))
        assert page.status_code == 200 and "clerk" in page.content.decode()
        admin_client.post(
            reverse("accounts:role_grant_decide", args=[grant.pk]), {"decision": "approve"}
        )
        grant.refresh_from_db()
        assert grant.status == GrantStatus.PENDING
        assert not User.objects.get(pk=clerk.pk).is_counsel

    def test_a_second_administrator_approves(self, client, admin_client, clerk, second_admin):
        change_role(admin_client, clerk, "Counsel")
        grant = PendingRoleGrant.objects.get(user=clerk)
        client.force_login(second_admin)
        response = client.post(
            reverse("accounts:role_grant_decide", args=[grant.pk]),
            {"decision": "approve", "note": "Promoted by the chief counsel"},
            follow=True,
        )
        assert "is approved" in response.content.decode()
        assert User.objects.get(pk=clerk.pk).is_counsel
        (decision,) = events("role_grant_decision")
        assert decision.user == second_admin and decision.outcome == "success"
        (change,) = events("role_change")
        assert change.detail["approved_by"] == "admin2"
        assert grant.history.count() == 2
        assert chain_verify().intact

    def test_a_second_administrator_refuses(self, client, admin_client, office, second_admin):
        create_user(admin_client, office, "Administrator", username="newadmin")
        user = User.objects.get(username="newadmin")
        assert user.role_label == "No role" and not user.is_staff
        grant = PendingRoleGrant.objects.get(user=user)
        client.force_login(second_admin)
        client.post(reverse("accounts:role_grant_decide", args=[grant.pk]), {"decision": "refuse"})
        grant.refresh_from_db()
        assert grant.status == GrantStatus.REFUSED and grant.decided_by == second_admin
        assert not User.objects.get(pk=user.pk).is_administrator
        assert events("role_grant_decision")[0].outcome == "denied"

    def test_a_clerk_role_needs_no_second_administrator(self, admin_client, office):
        create_user(admin_client, office, "Clerk", username="newclerk")
        assert User.objects.get(username="newclerk").is_clerk
        assert not PendingRoleGrant.objects.exists()

    def test_only_administrators_open_the_page(self, client, clerk, auditor):
        for user in (clerk, auditor):
            client.force_login(user)
            assert client.get(reverse("accounts:role_grants")).status_code == 403
