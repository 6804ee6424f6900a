"""The administration site's yes/no icons say "Yes" and "No" (a newcomer's trial: Django's
icons carried alt="True" and alt="False"), in lists, in read-only fields and in Django's own
and django-otp's admins alike (admin_widgets.use_yes_no_icons). And every autocomplete field
is named by its label (static/js/admin-autocomplete.js, on every admin page: axe
"aria-input-field-name" on a requester's Agency)."""

import re

import pytest
from django.contrib.admin.templatetags import admin_list
from django.contrib.staticfiles import finders
from django.urls import reverse

from accounts.models import User
from dmvrequests.admin_widgets import yes_no_icon
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.testing import UserFactory

pytestmark = pytest.mark.django_db
ALT = re.compile(r'<img src="[^"]*/admin/img/icon-(yes|no|unknown)\.svg" alt="([^"]*)">')


@pytest.fixture
def root(office):
    return UserFactory(
        username="root", office=office, role="Administrator", is_staff=True, is_superuser=True
    )


def icons(response):
    return ALT.findall(response.content.decode())


def test_the_admin_draws_its_flags_with_words():
    assert getattr(admin_list, "_boolean_icon") is yes_no_icon  # noqa: B009 (not in the stubs)
    assert 'alt="Yes"' in yes_no_icon(True)
    assert 'alt="No"' in yes_no_icon(False)
    assert 'alt="Unknown"' in yes_no_icon(None)


def test_a_change_list_says_yes_and_no(client, root, clerk):
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    client.force_login(root)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    found = icons(response)
    assert ("yes", "Yes") in found and ("no", "No") in found
    assert {alt for _, alt in found} <= {"Yes", "No", "Unknown"}
    body = response.content.decode()
    assert 'alt="True"' not in body and 'alt="False"' not in body


def test_a_read_only_flag_says_yes_or_no(client, root):
    profile = PolicyProfile.objects.get(slug="ny")
    client.force_login(root)
    response = client.get(reverse("admin:policy_policyprofile_change", args=[profile.pk]))
    assert response.status_code == 200
    assert icons(response)
    body = response.content.decode()
    assert 'alt="True"' not in body and 'alt="False"' not in body


def test_every_admin_page_names_its_autocomplete_fields(client, root):
    client.force_login(root)
    response = client.get(reverse("admin:agencies_requester_add"))
    assert response.status_code == 200
    body = response.content.decode()
    # Django's select2 autocomplete of Agency, and the script that names it by its label,
    # after Django's scripts (deferred), from a file (the CSP allows no inline script).
    assert (
        'class="admin-autocomplete' in body and '<label class="required" for="id_agency">' in body
    )
    script = re.search(r'<script src="([^"]*/js/admin-autocomplete\.js)" defer></script>', body)
    assert script, "the autocomplete names' script is not on the page"
    assert finders.find("js/admin-autocomplete.js")
    assert client.get(reverse("admin:index")).content.decode().count("admin-autocomplete.js") == 1
