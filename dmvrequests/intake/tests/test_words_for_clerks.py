"""Newcomers' finding 6 (issue 14): a clerk read the setting name INTAKE_TRUSTED_AUTHSERV_ID
in an emailed request's narrative. Clerks read words; the setting is for administrators,
who meet it in the deployment check."""

import re

import pytest
from django.core import checks
from django.urls import reverse

from dmvrequests.intake.services import message_ingest
from dmvrequests.intake.tests.conftest import make_email

pytestmark = pytest.mark.django_db
SETTING_NAME = re.compile(r"\b[A-Z]{2,}(?:_[A-Z]+){2,}\b")


def test_a_clerk_reads_why_the_sender_is_not_verified_in_words(
    django_app, settings, office, clerk, ice
):
    settings.INTAKE_TRUSTED_AUTHSERV_ID = ""
    result = message_ingest(raw=make_email(), source="file")
    page = django_app.get(reverse("cases:detail", args=[result.case]), user="clerk")
    text = page.html.find("main").get_text(" ")
    assert "The sender is not verified" in text
    assert "no emailed request can be verified yet; an administrator can set this up" in text
    assert not SETTING_NAME.search(text), SETTING_NAME.findall(text)


def test_a_message_over_a_limit_is_explained_without_the_setting(
    django_app, settings, office, clerk, ice
):
    settings.INTAKE_MAX_MESSAGE_BYTES = 1000
    message_ingest(raw=make_email(body="x " * 2000), source="file")
    queue = django_app.get(reverse("intake:quarantine"), user="clerk")
    text = queue.click(index=0, href=r"/intake/quarantine/\d+/").html.find("main").get_text(" ")
    assert "a limit an administrator sets" in text
    assert not SETTING_NAME.search(text), SETTING_NAME.findall(text)


def test_administrators_are_told_the_setting_by_the_deployment_check(settings):
    settings.IMAP_URL = "imaps://intake:secret@mail.dmv.example.gov/INBOX"
    settings.INTAKE_TRUSTED_AUTHSERV_ID = ""
    found = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "intake.W001"]
    assert found and "INTAKE_TRUSTED_AUTHSERV_ID" in found[0].msg
    settings.INTAKE_TRUSTED_AUTHSERV_ID = "mx.dmv.example.gov"
    assert not [
        m for m in checks.run_checks(include_deployment_checks=True) if m.id == "intake.W001"
    ]
