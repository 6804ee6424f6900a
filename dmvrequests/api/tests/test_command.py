"""manage.py portal_officer_create: an approved officer, and a token printed once."""

import io

import pytest
from django.core.management import CommandError, call_command

from dmvrequests.agencies.models import Officer
from dmvrequests.api.tokens import token_find


@pytest.mark.django_db
def test_it_creates_an_approved_officer_and_prints_a_working_token(client, agency):
    out = io.StringIO()
    call_command(
        "portal_officer_create",
        "--agency",
        "Albany Police Department",
        "--email",
        "pat@albanypd.example.gov",
        "--name",
        "Pat Lane",
        "--print-token",
        stdout=out,
    )
    token = out.getvalue().strip().splitlines()[-1]
    officer = Officer.objects.get(email="pat@albanypd.example.gov")
    assert officer.may_see_requests
    found = token_find(token)
    assert found is not None and found.user == officer.user
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["name"] == "Pat Lane"


@pytest.mark.django_db
def test_it_refuses_an_address_outside_the_agency_in_words(agency):
    with pytest.raises(CommandError, match="albanypd.example.gov"):
        call_command(
            "portal_officer_create",
            "--agency",
            agency.slug,
            "--email",
            "pat@gmail.com",
            "--name",
            "Pat Lane",
            stdout=io.StringIO(),
        )
    assert not Officer.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_agency(db):
    with pytest.raises(CommandError, match="No single agency"):
        call_command(
            "portal_officer_create", "--agency", "Nowhere", "--email", "a@b.gov", "--name", "A B"
        )
