"""Signing in: a new clerk sets up an authenticator app and signs in with a code (done with
the keyboard alone); five wrong passwords lock an account."""

import base64
import re

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Office, User
from e2e.support import PASSWORD, label

pytestmark = pytest.mark.e2e

WRONG_PASSWORD = "not the password at all"  # noqa: S105


def new_clerk(username):
    user = User.objects.create_user(
        username,
        password=PASSWORD,
        first_name="Jamie",
        last_name="Newcomb",
        office=Office.objects.get(code="albany"),
    )
    user.groups.add(Group.objects.get(name="Clerk"))
    return user


def authenticator_app(secret):
    """What a phone app does with the key typed in from the enrolment page."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return TOTP(key, step=30, t0=0, digits=6)


def test_a_new_clerk_sets_up_an_authenticator_and_signs_in_with_a_code(people):
    user = new_clerk("jnewcomb")
    jamie = people.new("jnewcomb")
    page = jamie.page

    # First sign-in, keyboard only: the password, then enrolment (MFA is required).
    jamie.goto("/accounts/sign-in/", screenshot="sign-in")
    jamie.type_into(page.get_by_label("Username"), "jnewcomb")
    jamie.tab_to(page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/mfa/setup/"))
    jamie.check(screenshot="mfa-setup")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()

    # Scan-free: the key shown under the QR code goes into the app by hand.
    secret = page.get_by_text("Cannot scan?").locator("code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    app = authenticator_app(secret)

    # A mistyped code is explained, next to the field.
    code_field = page.get_by_label(label("Code"))
    jamie.type_into(code_field, "000000")
    page.keyboard.press("Enter")
    expect(page.get_by_text("That code is not right")).to_be_visible()
    jamie.check()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    # django-otp refuses any code for one second after a wrong one (OTP_TOTP_THROTTLE_FACTOR);
    # a person reading the message takes longer. No page event marks the end of that second.
    page.wait_for_timeout(1100)

    jamie.tab_to(page.get_by_label(label("Code")))
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{app.token():06d}")
    page.keyboard.press("Enter")

    # The backup codes are shown once.
    expect(page.get_by_role("heading", name="Backup codes")).to_be_visible()
    expect(page.get_by_text("Your authenticator app is set up.")).to_be_visible()
    codes = page.locator("main li code")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z0-9]{8}", code) for code in codes.all_inner_texts())
    jamie.check()
    jamie.activate(page.get_by_role("link", name="Continue"))
    expect(page.get_by_role("heading", name="Albany legal unit queue")).to_be_visible()
    jamie.check()

    # Sign out, then in again: password, then the code the app shows.
    jamie.activate(page.get_by_role("button", name="Sign out"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    jamie.check()
    jamie.type_into(page.get_by_label("Username"), "jnewcomb")
    jamie.tab_to(page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    jamie.check(screenshot="sign-in-code")
    # The enrolment code's time step is spent; when the clock has not moved on yet, the app's
    # next code is the one a phone a few seconds ahead shows, which the server accepts.
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    if app.t() <= device.last_t:
        app.drift += device.last_t + 1 - app.t()
    jamie.type_into(page.get_by_label(label("Code")), f"{app.token():06d}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Albany legal unit queue")).to_be_visible()
    expect(page.get_by_text("Jamie Newcomb")).to_be_visible()
    jamie.check()


def test_five_failed_sign_ins_lock_the_account(people):
    new_clerk("lockedout")
    visitor = people.new("lockedout")
    page = visitor.page
    visitor.goto("/accounts/sign-in/")
    for attempt in range(1, 6):
        page.get_by_label("Username").fill("lockedout")
        page.get_by_label("Password").fill(WRONG_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if attempt < 5:
            expect(page.get_by_role("alert")).to_contain_text(
                "That username and password do not match an account"
            )
            visitor.check()
    # The fifth failure in a row locks the username (django-axes, CJIS 5.5.3) ...
    expect(
        page.get_by_role("heading", name="This account is locked for 10 minutes")
    ).to_be_visible()
    visitor.check()
    # ... and the right password, tried a sixth time, does not open it.
    visitor.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill("lockedout")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(re.compile(r"/accounts/sign-in/")) as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 429
    expect(
        page.get_by_role("heading", name="This account is locked for 10 minutes")
    ).to_be_visible()
    visitor.check(screenshot="locked-out")
    # Still locked: nothing behind the sign-in page is reachable.
    visitor.goto("/cases/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
