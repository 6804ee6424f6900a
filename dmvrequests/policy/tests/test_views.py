"""The "Try a request" page and the policy panel."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.tests.builders import immigration_request, run

pytestmark = pytest.mark.django_db

URL = reverse("policy:try")


def form_data(profile="ny", **fields):
    """A filled-in Try form: ICE asks New York for an address with an I-200."""
    data = {
        "profile": PolicyProfile.objects.get(slug=profile).pk,
        "received": "2026-03-02",
        "agency_kind": "immigration",
        "agency_name": "ICE ERO New York",
        "purpose": "civil_immigration_enforcement",
        "records": ["address"],
        "documents-TOTAL_FORMS": "3",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "3",
        "documents-0-type": "administrative_warrant",
        "documents-0-issuer": "immigration_officer",
    }
    for index in (1, 2):
        data[f"documents-{index}-type"] = ""
        data[f"documents-{index}-issuer"] = "none"
    data.update(fields)
    return data


@pytest.fixture
def counsel_client(client, make_user):
    client.force_login(make_user("Counsel"))
    return client


class TestAccess:
    def test_it_sends_anonymous_visitors_to_sign_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    @pytest.mark.parametrize("role", ["Clerk", "Auditor"])
    def test_it_refuses_other_roles(self, client, make_user, role):
        client.force_login(make_user(role))
        assert client.get(URL).status_code == 403
        assert client.post(URL, form_data()).status_code == 403

    @pytest.mark.parametrize("role", ["Counsel", "Administrator"])
    def test_it_opens_for_counsel_and_administrators(self, client, make_user, role):
        client.force_login(make_user(role))
        response = client.get(URL)
        assert response.status_code == 200
        assert "Try a request" in response.content.decode()


class TestForm:
    def test_it_labels_every_field(self, counsel_client):
        page = counsel_client.get(URL).content.decode()
        for field_id in [
            "id_profile",
            "id_received",
            "id_agency_kind",
            "id_agency_name",
            "id_agency_blocked",
            "id_purpose",
            "id_records_0",
            "id_bulk",
            "id_emergency",
            "id_documents-0-type",
            "id_documents-2-expires",
        ]:
            assert f'for="{field_id}"' in page

    def test_it_explains_each_record_category(self, counsel_client):
        page = counsel_client.get(URL).content.decode()
        assert "A face search against the photo database." in page

    def test_it_starts_on_the_active_profile(self, counsel_client):
        dppa = PolicyProfile.objects.get(slug="dppa")
        form = counsel_client.get(URL).context["form"]
        assert form["profile"].value() == dppa.pk

    def test_it_has_no_inline_script(self, counsel_client):
        page = counsel_client.get(URL).content.decode()
        assert "<script>" not in page and "onclick" not in page


class TestEvaluation:
    def test_it_shows_the_decision_in_words(self, counsel_client):
        page = counsel_client.post(URL, form_data()).content.decode()
        assert (
            "Deny: the documents offered do not include a judicial warrant or court order signed "
            "by an Article III judge." in page
        )
        assert "New York (ny), version 1" in page
        assert "N.Y. VTL 201(12)(a)" in page
        assert "finding--block" in page

    def test_it_shows_the_subject_notice_due_date(self, counsel_client):
        page = counsel_client.post(URL, form_data()).content.decode()
        assert 'datetime="2026-03-05"' in page
        assert "Thursday, Mar 5, 2026" in page

    def test_it_shows_an_eligible_request(self, counsel_client):
        data = form_data(
            **{"documents-0-type": "judicial_warrant", "documents-0-issuer": "article_iii_judge"}
        )
        response = counsel_client.post(URL, data)
        assert response.context["evaluation"]["decision"] == "eligible"
        assert "Eligible: counsel may approve releasing the address." in response.content.decode()

    def test_it_gives_the_reason_on_each_withheld_row(self, counsel_client):
        data = form_data(
            profile="co",
            agency_kind="local_law_enforcement",
            purpose="criminal_investigation",
            records=["license_record", "place_of_birth"],
            **{"documents-0-type": "", "documents-0-issuer": "none"},
        )
        response = counsel_client.post(URL, data)
        assert response.context["evaluation"]["withheld"] == ["place_of_birth"]
        assert "Withhold the place of birth: the Colorado profile never releases it" in (
            response.content.decode()
        )

    def test_it_ignores_document_rows_left_empty(self, counsel_client):
        data = form_data(**{"documents-0-type": "", "documents-0-issuer": "none"})
        response = counsel_client.post(URL, data)
        assert response.context["evaluation"]["decision"] == "deny"
        assert "NONJUDICIAL_PROCESS" not in response.content.decode()


class TestInvalidInput:
    def test_it_says_what_is_missing(self, counsel_client):
        response = counsel_client.post(URL, form_data(records=[], received="tomorrow"))
        page = response.content.decode()
        assert response.status_code == 200
        assert response.context["evaluation"] is None
        assert "Choose at least one record category." in page
        assert "Enter the date as year-month-day" in page
        assert "usa-form-group--error" in page

    def test_it_asks_for_the_type_of_a_half_filled_document(self, counsel_client):
        data = form_data(**{"documents-1-issuer": "state_judge"})
        page = counsel_client.post(URL, data).content.decode()
        assert "Choose the type of this document" in page

    def test_it_refuses_an_expiry_before_the_issue_date(self, counsel_client):
        data = form_data(
            **{"documents-0-issued": "2026-03-01", "documents-0-expires": "2026-02-01"}
        )
        page = counsel_client.post(URL, data).content.decode()
        assert "The expiry date is before the date the document was issued." in page

    def test_it_refuses_an_unknown_value(self, counsel_client):
        response = counsel_client.post(URL, form_data(purpose="deportation", profile="ny"))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()

    def test_it_survives_a_form_without_its_management_data(self, counsel_client):
        data = {k: v for k, v in form_data().items() if not k.startswith("documents-")}
        response = counsel_client.post(URL, data)
        assert response.status_code == 200
        assert response.context["evaluation"] is None


class TestPanel:
    def test_it_renders_a_stored_result_without_the_profile_row(self):
        evaluation = {**run("ny", immigration_request()), "profile_version": 3}
        html = render_to_string("policy/_panel.html", {"evaluation": evaluation, "profile": None})
        assert "ny, version 3" in html
        assert "Not released: the request is denied, so the address is withheld." in html
