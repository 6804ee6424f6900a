"""Issue 13, item 7: changing your password through the real form keeps you signed in.

Django rotates the session key when the password changes (update_session_auth_hash);
the one-session check must follow the new key rather than sign the user out, and
must never fail for want of the messages middleware.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.models import User
from dmvrequests.audit.models import AuditRecord
from dmvrequests.testing import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "harbor lamp violet tractor"


def sign_in(app, username="clerk", password=PASSWORD):
    form = app.get(reverse("accounts:login")).forms[0]
    form["username"] = username
    form["password"] = password
    return form.submit().follow()


def signed_out_to(path):
    return f"{reverse('accounts:login')}?{urlencode({'next': path})}"


def test_changing_the_password_keeps_the_user_signed_in(django_app, clerk):
    sign_in(django_app)
    page = django_app.get(reverse("accounts:password_change"))
    form = next(f for f in page.forms.values() if "old_password" in f.fields)
    form["old_password"] = PASSWORD
    form["new_password1"] = NEW_PASSWORD
    form["new_password2"] = NEW_PASSWORD
    landed = form.submit().maybe_follow()
    assert landed.status_code == 200
    assert "Your password is changed." in landed.text
    # Still signed in on the next pages, with the session the change left behind.
    queue = django_app.get(reverse("cases:queue"))
    assert queue.status_code == 200
    clerk = User.objects.get(pk=clerk.pk)
    assert clerk.check_password(NEW_PASSWORD)
    assert clerk.session_key == django_app.cookies["sessionid"]
    assert AuditRecord.objects.filter(action="password", user=clerk).exists()


def test_a_session_that_is_no_longer_the_users_one_is_ended_with_a_message(django_app, clerk):
    """The one-session check runs after the messages middleware: a redirect and a
    message, never a 500."""
    sign_in(django_app)
    User.objects.filter(pk=clerk.pk).update(session_key="a-newer-session-elsewhere")
    response = django_app.get(reverse("cases:queue"))
    assert response.status_code == 302
    assert response["Location"] == signed_out_to(reverse("cases:queue"))
    page = response.follow()
    assert "signed in on another device" in page.text


def test_signing_in_elsewhere_tells_the_first_browser_why(django_app_factory, clerk):
    """Newcomers' finding 9: the other sign-in deleted the first browser's session, so the
    first browser landed on the sign-in page with no word of why."""
    first, second = django_app_factory(), django_app_factory()
    sign_in(first)
    assert first.get(reverse("cases:queue")).status_code == 200
    sign_in(second)
    response = first.get(reverse("cases:queue"))
    assert response.status_code == 302
    assert response["Location"] == signed_out_to(reverse("cases:queue"))
    page = response.follow()
    assert "signed in on another device or browser" in page.html.find("main").get_text(" ")
    # Said once; the emptied session signs no one in, and the second browser stays in.
    again = first.get(reverse("cases:queue"))
    assert again.status_code == 302 and "next=" in again["Location"]
    assert "another device" not in again.follow().text
    assert second.get(reverse("cases:queue")).status_code == 200


def test_a_form_sent_after_another_sign_in_says_it_was_not_saved_and_comes_back(
    django_app_factory, clerk
):
    """Issue 14 follow-up, finding 2: the displaced browser's POST landed on the sign-in
    page with no word that the form was not saved, and sign-in went to the queue."""
    first, second = django_app_factory(), django_app_factory()
    sign_in(first)
    page = first.get(reverse("accounts:password_change"))
    form = next(f for f in page.forms.values() if "old_password" in f.fields)
    form["old_password"] = PASSWORD
    form["new_password1"] = NEW_PASSWORD
    form["new_password2"] = NEW_PASSWORD
    sign_in(second)
    response = form.submit()
    assert response["Location"] == signed_out_to(reverse("accounts:password_change"))
    sign_in_page = response.follow()
    text = sign_in_page.html.find("main").get_text(" ")
    assert "signed in on another device or browser" in text
    assert "What you were sending was not saved; sign in and fill it in again." in text
    assert User.objects.get(pk=clerk.pk).check_password(PASSWORD)  # nothing changed
    # Signing in again through the page as rendered returns to the form's page.
    login = sign_in_page.forms[0]
    login["username"], login["password"] = "clerk", PASSWORD
    back = login.submit()
    assert back["Location"] == reverse("accounts:password_change")


def test_a_page_opened_after_another_sign_in_comes_back_after_sign_in(django_app_factory, clerk):
    first, second = django_app_factory(), django_app_factory()
    sign_in(first)
    sign_in(second)
    response = first.get(reverse("notifications:preferences"))
    text = response.follow().html.find("main").get_text(" ")
    assert "signed in on another device or browser" in text
    assert "not saved" not in text
    assert response["Location"] == signed_out_to(reverse("notifications:preferences"))


class TestThePasswordRulesAreAList:
    """A newcomer's finding: /accounts/password/ showed the rules under "New password" as
    literal `<ul><li>…`. They are a list now; no other help text is marked safe."""

    RULE = "Your password must contain at least 12 characters."

    def test_the_page_shows_the_rules_as_a_list(self, django_app, clerk):
        sign_in(django_app)
        page = django_app.get(reverse("accounts:password_change"))
        hint = page.html.find(id="new_password1-hint")
        rules = [" ".join(li.text.split()) for li in hint.find_all("li")]
        assert self.RULE in rules and len(rules) >= 2
        assert "<ul>" not in hint.text and "&lt;" not in page.text

    def test_each_rule_is_escaped_and_other_help_text_is_not_marked_safe(self, monkeypatch):
        from django import forms

        from accounts import forms as account_forms
        from dmvrequests.cases.templatetags.form_tags import form_field

        monkeypatch.setattr(
            account_forms, "password_validators_help_texts", lambda: ["<b>bold</b> & more"]
        )
        html = account_forms.password_rules_html()
        assert (
            html
            == '<ul class="usa-list margin-y-05"><li>&lt;b&gt;bold&lt;/b&gt; &amp; more</li></ul>'
        )

        class Other(forms.Form):
            note = forms.CharField(help_text="<ul><li>not a list</li></ul>")

        drawn = form_field(Other()["note"])
        assert "&lt;ul&gt;&lt;li&gt;not a list" in drawn and "<li>" not in drawn

    @pytest.mark.parametrize("page", ["add", "set password"])
    def test_the_admin_password_forms_show_the_rules_as_a_list(
        self, client, administrator, clerk, page
    ):
        client.force_login(administrator)
        url = (
            reverse("admin:accounts_user_add")
            if page == "add"
            else reverse("admin:auth_user_password_change", args=[clerk.pk])
        )
        body = client.get(url).content.decode()
        assert f"<li>{self.RULE}</li>" in body
        assert "&lt;li&gt;" not in body
