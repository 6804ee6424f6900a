import csv
import io

import pytest
from django.urls import reverse

from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


class TestCasesCsv:
    def test_an_administrator_downloads_every_case_with_its_decision(
        self, client, office, other_office, clerk, other_clerk, counsel, administrator
    ):
        ours = services.request_submit(case=make_case(office=office, actor=clerk), actor=clerk)
        services.request_decide(
            case=ours,
            actor=counsel,
            outcome=DecisionOutcome.APPROVED,
            categories=["address", "license_record"],
        )
        make_case(office=other_office, actor=other_clerk)
        client.force_login(administrator)
        response = client.get(reverse("reports:cases_csv"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        data = rows(response)
        assert len(data) == 2
        first = next(r for r in data if r["number"] == ours.number)
        assert first["outcome"] == "approved"
        assert first["categories_approved"] == "address;license_record"
        assert "subject_name" not in first and "narrative" not in first

    def test_it_filters_by_received_date(self, client, office, clerk, administrator):
        make_case(office=office, actor=clerk)
        client.force_login(administrator)
        response = client.get(
            reverse("reports:cases_csv"), {"date_from": "2000-01-01", "date_to": "2000-12-31"}
        )
        assert rows(response) == []

    def test_bad_dates_are_explained(self, client, administrator):
        client.force_login(administrator)
        response = client.get(
            reverse("reports:cases_csv"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
        )
        assert response.status_code == 400
        assert "before the start date" in response.content.decode()
        response = client.get(reverse("reports:cases_csv"), {"date_from": "yesterday"})
        assert response.status_code == 400

    @pytest.mark.parametrize("role", ["clerk", "counsel", "auditor"])
    def test_other_roles_are_refused(self, client, request, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get(reverse("reports:cases_csv")).status_code == 403
        assert client.get(reverse("reports:index")).status_code == 403

    def test_the_reports_page_opens(self, client, administrator):
        client.force_login(administrator)
        assert client.get(reverse("reports:index")).status_code == 200

    def test_anonymous_users_sign_in_first(self, client):
        assert client.get(reverse("reports:cases_csv")).status_code == 302
