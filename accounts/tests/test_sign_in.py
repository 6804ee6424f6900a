import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dmvrequests.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_creates_the_four_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Clerk",
        "Counsel",
        "Administrator",
        "Auditor",
    }


def test_it_hashes_with_argon2_outside_tests():
    from django.conf import settings

    real = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    assert real[0].endswith("Argon2PasswordHasher")


class TestSignIn:
    def test_it_shows_the_sign_in_page(self, client):
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 200
        assert 'for="id_username"' in response.content.decode()

    def test_a_clerk_signs_in_and_lands_on_the_queue(self, client, clerk):
        response = client.post(
            reverse("accounts:login"), {"username": "clerk", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.get(response["Location"], follow=True).status_code == 200

    def test_a_wrong_password_is_explained(self, client, clerk):
        response = client.post(reverse("accounts:login"), {"username": "clerk", "password": "nope"})
        assert response.status_code == 200
        assert "do not match an account" in response.content.decode()

    def test_sign_out_needs_post(self, client, clerk):
        client.force_login(clerk)
        assert client.get(reverse("accounts:logout")).status_code == 405
        response = client.post(reverse("accounts:logout"))
        assert response["Location"] == reverse("accounts:login")
        assert client.get(reverse("cases:queue")).status_code == 302

    def test_the_header_shows_name_office_and_role(self, client, clerk):
        client.force_login(clerk)
        body = client.get(reverse("cases:queue")).content.decode()
        assert "Albany legal unit" in body and "Clerk" in body
