import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def action(client, name, *users):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        # Deactivate and reset MFA ask first (a confirmation page); "confirmed" is its answer.
        {"action": name, "_selected_action": [u.pk for u in users], "confirmed": "yes"},
        follow=True,
    )


class TestUserAdministration:
    def test_an_administrator_lists_users(self, admin_client, clerk):
        response = admin_client.get(reverse("admin:accounts_user_changelist"))
        assert response.status_code == 200
        assert "clerk" in response.content.decode()

    def test_an_administrator_creates_a_clerk(self, admin_client, office):
        response = admin_client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "newclerk",
                "first_name": "New",
                "last_name": "Clerk",
                "email": "",
                "title": "",
                "office": office.pk,
                "role": "Clerk",
                "password1": "harbor lamp violet tractor",
                "password2": "harbor lamp violet tractor",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        user = User.objects.get(username="newclerk")
        assert user.office == office and user.is_clerk and not user.is_staff
        assert "Role" in user.history.first().history_change_reason

    def test_a_weak_password_is_refused(self, admin_client, office):
        response = admin_client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "weak",
                "office": office.pk,
                "role": "Clerk",
                "password1": "password123",
                "password2": "password123",
            },
        )
        assert response.status_code == 200
        assert not User.objects.filter(username="weak").exists()

    def test_changing_the_role_is_recorded(self, admin_client, clerk, office):
        response = admin_client.post(
            reverse("admin:accounts_user_change", args=[clerk.pk]),
            {
                "username": "clerk",
                "first_name": "",
                "last_name": "",
                "email": "",
                "title": "",
                "office": office.pk,
                "role": "Counsel",
                # Past the confirmation page (test_role_change_confirmation.py).
                "_role_change_confirmed": "yes",
            },
        )
        assert response.status_code == 302
        clerk = User.objects.get(pk=clerk.pk)
        assert clerk.is_counsel and not clerk.is_clerk
        assert clerk.history.first().history_change_reason == "Role: Clerk → Counsel"

    def test_users_are_deactivated_never_deleted(self, admin_client, clerk):
        action(admin_client, "deactivate", clerk)
        clerk.refresh_from_db()
        assert clerk.is_active is False
        assert (
            admin_client.get(reverse("admin:accounts_user_delete", args=[clerk.pk])).status_code
            == 403
        )

    def test_an_administrator_resets_mfa(self, admin_client, clerk):
        TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
        action(admin_client, "reset_mfa", clerk)
        assert not TOTPDevice.objects.filter(user=clerk).exists()
        assert "reset" in clerk.history.first().history_change_reason

    def test_an_administrator_unlocks(self, admin_client, clerk, client):
        from axes.models import AccessAttempt

        AccessAttempt.objects.create(
            username="clerk",
            failures_since_start=5,
            ip_address="127.0.0.1",
            user_agent="x",
            http_accept="x",
            path_info="/",
        )
        action(admin_client, "unlock", clerk)
        assert not AccessAttempt.objects.filter(username="clerk").exists()

    @pytest.mark.parametrize("role", ["clerk", "counsel", "auditor"])
    def test_other_roles_cannot_reach_administration(self, client, request, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403

    def test_the_administrator_group_has_model_permissions(self):
        codenames = set(
            Group.objects.get(name="Administrator").permissions.values_list("codename", flat=True)
        )
        assert {"add_user", "change_user", "view_user", "add_agency", "change_agency"} <= codenames
        assert "delete_user" not in codenames


class TestWorkflowSettings:
    def test_an_administrator_switches_off_two_counsel_approval(self, admin_client):
        from dmvrequests.cases.models import WorkflowSettings

        row = WorkflowSettings.current()
        url = reverse("admin:cases_workflowsettings_change", args=[row.pk])
        assert admin_client.get(url).status_code == 200
        response = admin_client.post(url, {"emergency_followup_hours": "48"})
        assert response.status_code == 302
        row.refresh_from_db()
        assert row.two_counsel_immigration is False
        assert row.history.first().history_user.username == "admin"


class TestCaseListInAdmin:
    def test_administrators_see_no_subject_identifiers(self, admin_client, office, clerk):
        from dmvrequests.testing import make_case

        case = make_case(office=office, actor=clerk, subject_name="Maria Lopez", narrative="Secret")
        listing = admin_client.get(reverse("admin:cases_disclosurerequest_changelist"))
        assert listing.status_code == 200 and case.number in listing.content.decode()
        page = admin_client.get(reverse("admin:cases_disclosurerequest_change", args=[case.pk]))
        body = page.content.decode()
        assert page.status_code == 200
        assert "Maria Lopez" not in body and "Secret" not in body
