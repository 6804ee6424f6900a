"""Issue 13, item 10: a line break in an agency's name broke the emergency notification,
and no one was told.

The kind, fixed three ways: every single-line text field of the models refuses control
characters (so the Django admin and every model form do); a notification's subject is
made one line whatever it is given; and a notification that cannot be sent is marked
failed and shown to the administrators on every page.
"""

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from dmvrequests.notifications import services
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.testing import AgencyFactory, make_case
from dmvrequests.validators import SingleLineValidator, single_line

# Apps whose models this check covers; intake's fields are checked with its parsing.
APPS = ("accounts", "agencies", "cases")
# Single-line in form, but never typed by a person: set by the code.
NOT_TYPED = {
    "accounts.User.password",  # a hash
    "accounts.User.username",  # Django's username validator allows letters, digits and @.+-_ only
    "cases.DisclosureRequest.number",
    "cases.Decision.profile_slug",
    "cases.LegalDocument.content_type",
    "cases.LegalDocument.sha256",
    "agencies.Certification.sha256",  # a file's digest
}
CONTROL = ["Albany PD\nBcc: everyone@example.com", "Tab\there", "NUL\x00", "Sep\u2028arator"]


def single_line_fields():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField)
                    and not isinstance(field, models.EmailField | models.SlugField)
                    and not field.choices
                    and field.editable
                ):
                    yield f"{app}.{model.__name__}.{field.name}", field


def test_every_single_line_text_field_refuses_control_characters():
    checked = []
    for name, field in single_line_fields():
        if name in NOT_TYPED:
            continue
        checked.append(name)
        assert any(isinstance(v, SingleLineValidator) for v in field.validators), name
    assert "agencies.Agency.name" in checked
    assert "accounts.Office.name" in checked
    assert "cases.DisclosureRequest.subject_name" in checked


@pytest.mark.parametrize("value", CONTROL)
def test_the_validator_refuses_control_characters(value):
    with pytest.raises(ValidationError):
        single_line(value)


def test_the_validator_accepts_one_line_in_any_script():
    single_line("Policía Municipal de San Juan — Unidad 7 (𝕄𝕒𝕣𝕚𝕒)")


@pytest.mark.django_db
def test_the_admin_refuses_a_line_break_in_an_agency_name(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:agencies_agency_add"),
        {
            "name": "Albany Police\r\nBcc: everyone@example.com",
            "slug": "albany-police-2",
            "kind": "local_law_enforcement",
            "ori": "",
            "jurisdiction": "",
            "email_domains": "",
            "published_phone": "",
            "blocked_reason": "",
        },
    )
    assert response.status_code == 200
    assert "without line breaks" in response.content.decode()
    from dmvrequests.agencies.models import Agency

    assert not Agency.objects.filter(slug="albany-police-2").exists()


@pytest.mark.django_db
def test_an_emergency_from_an_agency_named_on_two_lines_is_still_sent(
    office, clerk, django_capture_on_commit_callbacks
):
    """A name stored before the validator (or by code that skips it) still mails."""
    office.email = "albany@dmv.example.gov"
    office.save()
    agency = AgencyFactory(name="Albany Police\r\nDepartment")
    case = make_case(office=office, actor=clerk, agency=agency, emergency=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_emergency(case=case)
    email = OutboundEmail.objects.get(case=case, kind="emergency")
    assert "\n" not in email.subject and "Albany Police Department" in email.subject
    if email.sent_at is None:  # queued by make_case, its on_commit not run in this test
        assert services.deliver(email.pk) is True
    email.refresh_from_db()
    assert email.sent_at is not None and email.failed_at is None
    assert any("Albany Police Department" in m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_a_notification_that_cannot_be_sent_is_marked_failed_and_shown(
    client, office, clerk, administrator
):
    email = OutboundEmail.objects.create(
        kind="emergency",
        recipient="albany@dmv.example.gov",
        subject="Broken\nheader",  # written directly: only a bug could do it now
        body="x",
        dedupe_key="test:broken",
    )
    assert services.deliver(email.pk) is False
    email.refresh_from_db()
    assert email.failed_at is not None and email.sent_at is None
    assert "BadHeaderError" in email.last_error
    assert email.pk not in list(services.unsent(older_than=__import__("datetime").timedelta(0)))
    client.force_login(administrator)
    page = client.get(reverse("reports:index")).content.decode()
    assert "1 notification could not be sent" in page
    listing = client.get(reverse("admin:notifications_outboundemail_changelist") + "?state=failed")
    assert listing.status_code == 200 and "albany@dmv.example.gov" in listing.content.decode()
    client.force_login(clerk)
    assert "could not be sent" not in client.get(reverse("cases:queue")).content.decode()
