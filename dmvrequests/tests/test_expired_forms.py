"""Form addresses reached without a form: a sign-in that returns to a POST-only address,
a bookmarked action, a form whose CSRF token expired. Each gets a page in the house
layout that says what happened and what to do, never a blank 405 or Django's bare 403."""

import pytest
from django.test import Client
from django.urls import reverse

from dmvrequests.testing import make_case


@pytest.mark.django_db
class TestFormAddresses:
    def test_a_get_of_a_case_action_leads_to_the_case_page(self, client, clerk):
        case = make_case(office=clerk.office, actor=clerk)
        client.force_login(clerk)
        response = client.get(reverse("cases:callback", args=[case.number]), follow=True)
        assert response.redirect_chain[-1][0] == case.get_absolute_url()
        assert "only receives a form" in response.content.decode()

    def test_another_office_still_gets_404(self, client, other_clerk, clerk):
        case = make_case(office=clerk.office, actor=clerk)
        client.force_login(other_clerk)
        assert client.get(reverse("cases:callback", args=[case.number])).status_code == 404

    def test_an_expired_form_says_nothing_was_recorded(self, clerk):
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(clerk)
        case = make_case(office=clerk.office, actor=clerk)
        response = csrf_client.post(
            reverse("cases:callback", args=[case.number]), {"callback-outcome": "confirmed"}
        )
        assert response.status_code == 403
        text = response.content.decode()
        assert "The form had expired: nothing was recorded" in text
        assert "reload the page" in text
        assert 'class="usa-header' in text or "<header" in text
