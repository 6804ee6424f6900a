"""Officer accounts on the portal, through the pages as rendered: registration, the emailed
link, the authenticator, approval by the DMV then by the agency's portal administrator,
deactivation (by hand and on bounce), a blocked agency, and who may open each page."""

import re

import pytest
from django.core import signing
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dmvrequests.agencies.models import Officer, OfficerApproval
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.portal import services
from dmvrequests.testing import PASSWORD, AgencyFactory, make_case, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(django_app):
    return django_app


@pytest.fixture
def poster(django_app_factory):
    """For a POST no page offers (an outsider's forged form): no CSRF token to copy."""
    return django_app_factory(csrf_checks=False)


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


@pytest.fixture
def agency():
    return AgencyFactory(name="Albany Police Department", email_domains="albanypd.example.gov")


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def register(app, email="jo.rivera@albanypd.example.gov", password=PASSWORD):
    page = app.get(reverse("portal:register"))
    form = form_with(page, "email")
    form["email"] = email
    form["name"] = "Jo Rivera"
    form["title"] = "Detective"
    form["badge"] = "4411"
    form["supervisor"] = "Sgt. Kim Lee"
    form["password1"] = password
    form["password2"] = password
    return form.submit()


def sign_in(app, email, password=PASSWORD):
    page = app.get(reverse("portal:login"))
    form = next(f for f in page.forms.values() if "username" in f.fields)
    form["username"] = email
    form["password"] = password
    return form.submit()


def test_an_officer_registers_verifies_enrols_and_waits_for_approval(app, agency):
    done = register(app)
    assert "Check your email" in done and "jo.rivera@albanypd.example.gov" in done
    officer = Officer.objects.get()
    assert officer.agency == agency and officer.approval == OfficerApproval.PENDING
    assert officer.badge == "4411" and officer.supervisor == "Sgt. Kim Lee"
    mail = OutboundEmail.objects.get(recipient=officer.email)
    found = re.search(r"http://\S+/portal/verify/\S+/", mail.body)
    assert found is not None
    link = found.group(0)
    confirm = app.get(link)
    assert officer.email_verified_at is None  # opening the link alone changes nothing
    page = confirm.forms[0].submit().follow()
    assert "Your address is verified" in page
    officer.refresh_from_db()
    assert officer.email_verified
    signed_in = sign_in(app, officer.email).follow()
    setup = signed_in.follow()
    assert "Set up your authenticator app" in setup
    device = TOTPDevice.objects.get(user=officer.user, confirmed=False)
    form = setup.forms[1]
    form["token"] = code_for(device)
    codes = form.submit()
    assert "Backup codes" in codes
    home = codes.click("Continue")
    assert "waiting for approval" in home


def test_signing_in_unverified_sends_a_new_link(app, agency):
    register(app)
    response = sign_in(app, "jo.rivera@albanypd.example.gov")
    assert "not verified yet" in response and "sent a new link" in response
    assert OutboundEmail.objects.filter(kind="portal").count() == 2


def test_a_subdomain_of_the_agency_registers_to_it(app, agency):
    register(app, email="a.b@records.albanypd.example.gov")
    assert Officer.objects.get().agency == agency


@pytest.mark.parametrize(
    "email, words",
    [
        ("jo@gmail.com", "No agency in the DMV"),
        ("jo@albanypd.example.gov.evil.com", "No agency in the DMV"),
    ],
)
def test_an_address_outside_the_directory_is_refused_on_the_page(app, agency, email, words):
    page = register(app, email=email)
    assert words in page and "You are not registered yet" in page
    assert form_with(page, "name")["name"].value == "Jo Rivera"
    assert not Officer.objects.exists()


def test_a_weak_password_and_a_second_registration_are_refused(app, agency):
    assert "too common" in register(app, password="password123")
    register(app)
    again = register(app)
    assert "already registered" in again
    assert Officer.objects.count() == 1


@pytest.mark.parametrize("token", ["garbage", "x" * 300])
def test_a_broken_link_says_what_to_do(app, token):
    page = app.get(reverse("portal:verify", args=[token]))
    response = page.forms[0].submit(status=400)
    assert "not complete or not ours" in response


def test_an_expired_link_says_to_sign_in_again(app, agency, monkeypatch):
    officer = make_officer(agency=agency, verified=False, approved=False)
    token = services.verification_token(officer)
    monkeypatch.setattr(services, "VERIFY_MAX_AGE", -1)
    with pytest.raises(services.VerificationFailed, match="expired"):
        services.officer_verify_email(token=token)
    monkeypatch.setattr(services, "VERIFY_MAX_AGE", 3600)
    other = signing.dumps(
        {"officer": officer.pk, "email": "old@albanypd.example.gov"}, salt=services.VERIFY_SALT
    )
    with pytest.raises(services.VerificationFailed, match="no longer registered"):
        services.officer_verify_email(token=other)


def test_staff_cannot_sign_in_on_the_portal(app, clerk):
    response = sign_in(app, "clerk")
    assert "This sign-in is for officers" in response


def test_the_dmv_approves_the_first_officer_then_the_portal_administrator_the_next(
    app, poster, agency, administrator
):
    first = make_officer(agency=agency, name="First", approved=False)
    page = app.get(reverse("portal:staff_officers"), user=administrator.username)
    form = next(f for f in page.forms.values() if f.action.endswith(f"/{first.pk}/decide/"))
    form["portal_admin"] = True
    page = form.submit("decision", value="approve").follow()
    assert "First is approved" in page
    first.refresh_from_db()
    assert first.is_approved and first.is_portal_admin and first.approved_by == administrator
    assert OutboundEmail.objects.filter(
        recipient=first.email, subject__contains="approved"
    ).exists()

    second = make_officer(agency=agency, name="Second", approved=False)
    page = app.get(reverse("portal:staff_officers"), user=administrator.username)
    assert "Decided by the agency" in page
    poster.post(
        reverse("portal:staff_officer_decide", args=[second.pk]),
        {"decision": "approve"},
        user=administrator.username,
    )
    second.refresh_from_db()
    assert second.approval == OfficerApproval.PENDING

    app.reset()  # a new browser for the next user
    page = app.get(reverse("portal:officers"), user=first.user.username)
    form = next(f for f in page.forms.values() if f.action.endswith(f"/{second.pk}/decide/"))
    page = form.submit("decision", value="approve").follow()
    assert "Second is approved" in page
    second.refresh_from_db()
    assert second.is_approved and second.approved_by == first.user and not second.is_portal_admin


def test_the_portal_administrator_deactivates_an_officer_who_is_told_why(app, agency):
    boss = make_officer(agency=agency, name="Boss", is_portal_admin=True)
    gone = make_officer(agency=agency, name="Gone")
    page = app.get(reverse("portal:officers"), user=boss.user.username)
    form = next(f for f in page.forms.values() if f.action.endswith(f"/{gone.pk}/decide/"))
    assert "Gone" in page
    page = form.submit().follow()
    assert "Say why the officer is deactivated" in page
    form = next(f for f in page.forms.values() if f.action.endswith(f"/{gone.pk}/decide/"))
    form["reason"] = "Left the department."
    page = form.submit().follow()
    gone.refresh_from_db()
    assert not gone.active and gone.deactivated_by == boss.user
    app.reset()
    assert "Your portal account is deactivated: Left the department." in sign_in(app, gone.email)


def test_a_bounce_deactivates_the_officer(agency):
    officer = make_officer(agency=agency)
    assert services.officer_deactivate_on_bounce(email=officer.email.upper()) == officer
    officer.refresh_from_db()
    assert not officer.active and officer.deactivated_by is None
    assert "bounced" in officer.submit_refusal()
    assert services.officer_deactivate_on_bounce(email="nobody@albanypd.example.gov") is None


def test_a_blocked_agencys_officer_sees_past_requests_and_why_nothing_can_be_submitted(
    app, agency, office, clerk
):
    officer = make_officer(agency=agency)
    case = make_case(office=office, actor=clerk, agency=agency, requester=officer.requester)
    agency.blocked, agency.blocked_reason = True, "The agency's certification lapsed."
    agency.save()
    page = app.get(reverse("portal:home"), user=officer.user.username)
    assert case.number in page
    assert "You cannot submit requests now" in page and "certification lapsed" in page


# -- Who may open what -------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_portals_sign_in(app):
    for name in ("portal:home", "portal:officers"):
        response = app.get(reverse(name))
        assert response.location.startswith(reverse("portal:login"))
    response = app.get(reverse("portal:staff_officers"))
    assert response.location.startswith(reverse("accounts:login"))


def test_staff_of_every_role_are_refused_the_officers_pages(
    app, clerk, counsel, administrator, auditor
):
    for user in (clerk, counsel, administrator, auditor):
        for name in ("portal:home", "portal:officers"):
            app.get(reverse(name), user=user.username, status=403)
    for user in (clerk, counsel, auditor):
        app.get(reverse("portal:staff_officers"), user=user.username, status=403)


def test_an_officer_is_refused_the_staff_approval_page(app, agency):
    boss = make_officer(agency=agency, is_portal_admin=True)
    app.get(reverse("portal:staff_officers"), user=boss.user.username, status=403)


def test_only_the_agencys_portal_administrator_manages_its_officers(app, poster, agency):
    plain = make_officer(agency=agency, name="Plain")
    waiting = make_officer(agency=agency, name="Waiting", approved=False)
    elsewhere = make_officer(agency=AgencyFactory(), name="Elsewhere", is_portal_admin=True)
    app.get(reverse("portal:officers"), user=plain.user.username, status=403)
    page = app.get(reverse("portal:officers"), user=elsewhere.user.username)
    assert "Waiting" not in page and "Plain" not in page
    url = reverse("portal:officer_decide", args=[waiting.pk])
    for user in (plain.user, elsewhere.user):
        app.post(url, {"decision": "approve"}, user=user.username, status=(403, 404))
    waiting.refresh_from_db()
    assert waiting.approval == OfficerApproval.PENDING


def test_an_officer_without_an_authenticator_is_sent_to_enrol(app, agency):
    officer = make_officer(agency=agency, mfa=False)
    response = app.get(reverse("portal:home"), user=officer.user.username)
    assert response.location.startswith(reverse("portal:mfa_setup"))
