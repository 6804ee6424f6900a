"""Administration of policy profiles: edit rules as JSON, make active, clone, history."""

import html
import json

import pytest
from django.urls import reverse

from dmvrequests.policy.models import PolicyProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    administrator = make_user("Administrator", is_staff=True, is_superuser=True)
    client.force_login(administrator)
    client.user = administrator
    return client


def change_url(slug):
    return reverse(
        "admin:policy_policyprofile_change", args=[PolicyProfile.objects.get(slug=slug).pk]
    )


def save_rules(client, slug, rules_text, description="Reviewed by counsel."):
    return client.post(
        change_url(slug), {"description": description, "rules": rules_text, "_save": "Save"}
    )


def ny_rules():
    return json.loads(json.dumps(PolicyProfile.objects.get(slug="ny").rules))


class TestProfileAdmin:
    def test_it_lists_the_profiles(self, admin_client):
        response = admin_client.get(reverse("admin:policy_policyprofile_changelist"))
        assert response.status_code == 200
        assert "New York" in response.content.decode()

    def test_it_shows_the_rules_as_indented_json(self, admin_client):
        response = admin_client.get(change_url("ny"))
        assert response.status_code == 200
        # The text area's JSON, escaped (the quote as &#34; or &quot;: the same character).
        text = response.content.decode()
        assert '"immigration_trigger": [' in html.unescape(text)
        assert '"immigration_trigger"' not in text

    def test_it_saves_valid_rules_as_a_new_version(self, admin_client):
        rules = ny_rules()
        rules["subject_notice"]["days"] = 5
        response = save_rules(admin_client, "ny", json.dumps(rules))
        assert response.status_code == 302
        stored = PolicyProfile.objects.get(slug="ny")
        assert (stored.version, stored.rules["subject_notice"]["days"]) == (2, 5)
        assert stored.description == "Reviewed by counsel."
        assert stored.history.first().history_user == admin_client.user

    def test_it_refuses_rules_that_are_not_json(self, admin_client):
        response = save_rules(admin_client, "ny", '{"name": "New York",')
        assert response.status_code == 200
        assert "not valid JSON" in response.content.decode()
        assert PolicyProfile.objects.get(slug="ny").version == 1

    def test_it_refuses_malformed_rules_naming_the_field(self, admin_client):
        rules = ny_rules()
        rules["immigration_accepted"][0]["issuers"] = ["court_clerk"]
        response = save_rules(admin_client, "ny", json.dumps(rules))
        assert response.status_code == 200
        assert "immigration_accepted[0].issuers" in response.content.decode()
        assert PolicyProfile.objects.get(slug="ny").version == 1

    def test_it_refuses_an_unknown_key(self, admin_client):
        rules = {**ny_rules(), "bulk_rule": "deny"}
        response = save_rules(admin_client, "ny", json.dumps(rules))
        assert "bulk_rule" in response.content.decode()
        assert "bulk_rule" not in PolicyProfile.objects.get(slug="ny").rules

    def test_it_makes_a_profile_active(self, admin_client):
        ny = PolicyProfile.objects.get(slug="ny")
        response = admin_client.post(
            reverse("admin:policy_policyprofile_changelist"),
            {"action": "make_active", "_selected_action": [ny.pk]},
            follow=True,
        )
        assert "New York (ny) is now the active profile." in response.content.decode()
        assert list(PolicyProfile.objects.filter(is_active=True)) == [ny]
        assert ny.history.first().history_user == admin_client.user

    def test_it_makes_only_one_profile_active_at_a_time(self, admin_client):
        selected = list(
            PolicyProfile.objects.filter(slug__in=["ny", "il"]).values_list("pk", flat=True)
        )
        response = admin_client.post(
            reverse("admin:policy_policyprofile_changelist"),
            {"action": "make_active", "_selected_action": selected},
            follow=True,
        )
        assert "Select exactly one profile" in response.content.decode()
        assert PolicyProfile.objects.get(is_active=True).slug == "dppa"

    def test_it_clones_a_profile(self, admin_client):
        ny = PolicyProfile.objects.get(slug="ny")
        for _ in range(2):
            admin_client.post(
                reverse("admin:policy_policyprofile_changelist"),
                {"action": "clone", "_selected_action": [ny.pk]},
            )
        clones = PolicyProfile.objects.filter(slug__startswith="ny-copy").order_by("slug")
        assert [c.slug for c in clones] == ["ny-copy", "ny-copy-2"]
        assert clones[0].name == "New York (copy)" and not clones[0].is_active

    def test_it_shows_the_history(self, admin_client):
        ny = PolicyProfile.objects.get(slug="ny")
        response = admin_client.get(reverse("admin:policy_policyprofile_history", args=[ny.pk]))
        assert response.status_code == 200
        assert "Installed by migration" in response.content.decode()

    def test_its_list_gives_times_with_their_zone(self, admin_client):
        """Django's own date and time format is replaced (settings.FORMAT_MODULE_PATH): "Dec 3,
        2026 12:21 EST", not "Dec. 3, 2026, 12:21 p.m." with the zone left to guess."""
        from bs4 import BeautifulSoup

        response = admin_client.get(reverse("admin:policy_policyprofile_changelist"))
        page = BeautifulSoup(response.content, "html.parser")
        updated = [td.get_text(strip=True) for td in page.select("td.field-updated_at")]
        assert updated and all(text.endswith((" EST", " EDT")) for text in updated)
        assert not any("m." in text for text in updated)

    def test_its_history_gives_values_in_words(self, admin_client):
        """Made active: the History's columns under their names ("Is active", not
        "is_active"), flags as Yes and No, choices by their labels, never "None"."""
        from bs4 import BeautifulSoup

        ny = PolicyProfile.objects.get(slug="ny")
        admin_client.post(
            reverse("admin:policy_policyprofile_changelist"),
            {"action": "make_active", "_selected_action": [ny.pk]},
        )
        response = admin_client.get(reverse("admin:policy_policyprofile_history", args=[ny.pk]))
        table = BeautifulSoup(response.content, "html.parser").find(id="change-history")
        assert table is not None and table.thead is not None and table.tbody is not None
        headings = [th.get_text(strip=True) for th in table.thead.find_all("th")]
        assert headings[1:5] == ["Version", "Is active", "Confidence", "Reviewed version"]
        words = " ".join(table.tbody.get_text(" ").split())
        assert "Is active: No → Yes" in words
        assert "None" not in words and "False" not in words and "True" not in words
        confidence = table.tbody.find_all("tr")[0].find_all("td")[3].get_text(strip=True)
        assert confidence in {
            label for _, label in PolicyProfile._meta.get_field("confidence").flatchoices
        }

    def test_it_offers_no_delete_and_no_blank_add(self, admin_client):
        assert admin_client.get(reverse("admin:policy_policyprofile_add")).status_code == 403
        ny = PolicyProfile.objects.get(slug="ny")
        assert (
            admin_client.get(reverse("admin:policy_policyprofile_delete", args=[ny.pk])).status_code
            == 403
        )

    def test_it_is_closed_to_counsel(self, client, make_user):
        client.force_login(make_user("Counsel", is_staff=True))
        response = client.get(reverse("admin:policy_policyprofile_changelist"))
        assert response.status_code == 403
