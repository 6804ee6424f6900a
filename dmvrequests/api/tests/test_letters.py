"""The letters endpoints: the letters to the agency listed (never a subject notice), one read
with its PDF as issued (the same bytes, base64), each read in the audit trail, and nothing of
them for another agency or another officer of the same agency."""

import base64
import hashlib

import pytest

from dmvrequests.api.tests.conftest import caller_for
from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.cases import services
from dmvrequests.correspondence.services import letter_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_letters(api, office, clerk):
    case = services.officer_case_create(
        officer=api.officer,
        purpose="criminal_investigation",
        categories=["address"],
        attested=True,
        subject_name="Jordan Example",
    )
    acknowledgment = letter_issue(case=case, kind="acknowledgment", language="en", actor=clerk)
    return case, acknowledgment, None


def test_the_letters_to_the_agency_are_listed_and_read_as_issued(api, case_with_letters):
    case, acknowledgment, _ = case_with_letters
    response = api.get(f"/api/v1/requests/{case.number}/letters")
    assert response.status_code == 200, response.content
    listed = response.json()
    assert [row["id"] for row in listed] == [acknowledgment.pk]
    assert listed[0]["kind_words"] == "Acknowledgment of receipt"
    assert listed[0]["pdf_sha256"] == acknowledgment.pdf_sha256
    read = api.get(f"/api/v1/requests/{case.number}/letters/{acknowledgment.pk}")
    if not acknowledgment.pdf:
        assert read.status_code == 404
        return
    assert read.status_code == 200, read.content
    content = base64.b64decode(read.json()["pdf_base64"])
    assert content == bytes(acknowledgment.pdf)
    assert hashlib.sha256(content).hexdigest() == acknowledgment.pdf_sha256
    assert AuditRecord.objects.filter(
        action=Action.VIEW_LETTER, case_number=case.number, user=api.officer.user
    ).exists()
    assert (
        api.get(f"/api/v1/requests/{case.number}/letters/{acknowledgment.pk + 999}").json()[
            "error"
        ]["code"]
        == "not_found"
    )


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_another_officer_reads_no_letter(client, api, case_with_letters, who, request):
    case, acknowledgment, _ = case_with_letters
    other = caller_for(client, request.getfixturevalue(who))
    for path in (
        f"/api/v1/requests/{case.number}/letters",
        f"/api/v1/requests/{case.number}/letters/{acknowledgment.pk}",
    ):
        response = other.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


def test_a_letter_id_out_of_range_is_refused_in_the_error_shape(api, case_with_letters):
    case, _, _ = case_with_letters
    response = api.get(f"/api/v1/requests/{case.number}/letters/{2**70}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
