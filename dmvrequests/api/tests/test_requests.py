"""The request endpoints as an agency's case system uses them: create, attach, answer, read,
list; isolation between agencies and between officers of one agency; a blocked agency."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dmvrequests.api.tests.conftest import caller_for
from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.cases import services
from dmvrequests.cases.selectors import officer_case_get

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

NEW = {
    "purpose": "criminal_investigation",
    "categories": ["license_record", "address"],
    "subject_name": "Jordan Example",
    "subject_dob": "1980-02-03",
    "narrative": "Hit and run on Route 9, case 26-1234.",
    "attested": True,
}


def create(caller, key="create-1", **changes):
    return caller.post("/api/v1/requests", {**NEW, **changes}, key=key)


@pytest.fixture
def office_for_portal(office):
    return office


@pytest.mark.django_db
def test_an_officer_sends_a_request(api, office_for_portal):
    response = create(api)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received"
    assert body["status_words"] == "Received"
    assert body["officer"] == "Dana Reyes"
    case = officer_case_get(api.officer, body["number"])
    assert case.channel == "portal"
    assert case.requester == api.officer.requester
    assert case.requester_verified
    assert case.agency == api.officer.agency
    assert AuditRecord.objects.filter(
        action=Action.VIEW_CASE, case_number=case.number, user=api.officer.user
    ).exists()


@pytest.mark.django_db
def test_a_request_without_subject_or_attestation_says_which_fields(api, office_for_portal):
    response = create(api, subject_name="", subject_dob=None, attested=False)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"subject_name", "attested"} <= set(fields)


@pytest.mark.django_db
def test_an_unknown_purpose_is_a_field_error(api, office_for_portal):
    response = create(api, purpose="curiosity")
    assert response.status_code == 422
    assert "purpose" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_a_blocked_agency_submits_nothing_and_is_told_why(api, agency, office_for_portal):
    case_number = create(api).json()["number"]
    agency.blocked, agency.blocked_reason = True, "Data-sharing agreement lapsed."
    agency.save()
    response = create(api, key="create-2")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "submission_refused"
    assert "Data-sharing agreement lapsed." in error["message"]
    attach = api.post(
        f"/api/v1/requests/{case_number}/documents",
        {"file": SimpleUploadedFile("order.pdf", PDF), "type": "court_order"},
        key="doc-1",
        json=False,
    )
    assert attach.status_code == 403
    # Past requests are still readable.
    assert api.get(f"/api/v1/requests/{case_number}").status_code == 200
    assert api.get("/api/v1/requests").json()["count"] == 1


@pytest.mark.django_db
def test_an_officer_attaches_a_court_order(api, office_for_portal):
    number = create(api).json()["number"]
    response = api.post(
        f"/api/v1/requests/{number}/documents",
        {
            "file": SimpleUploadedFile("order.pdf", PDF),
            "type": "court_order",
            "issuer": "state_judge",
            "court": "Albany County Court",
            "docket_number": "IND-2026-44",
            "issued_on": "2026-11-20",
        },
        key="doc-1",
        json=False,
    )
    assert response.status_code == 201, response.content
    (document,) = response.json()["documents"]
    assert document["type"] == "court_order"
    assert document["type_words"] == "Court order"
    assert document["filename"] == "order.pdf"


@pytest.mark.django_db
def test_a_file_that_is_not_a_document_is_refused_at_the_file(api, office_for_portal):
    number = create(api).json()["number"]
    response = api.post(
        f"/api/v1/requests/{number}/documents",
        {"file": SimpleUploadedFile("order.exe", b"MZ\x90\x00" * 10), "type": "court_order"},
        key="doc-1",
        json=False,
    )
    assert response.status_code == 422
    assert "file" in response.json()["error"]["fields"]
    assert response.json()["documents" if False else "error"]["message"]
    assert officer_case_get(api.officer, number).documents.count() == 0


@pytest.mark.django_db
def test_an_officer_answers_the_legal_units_question(api, clerk, counsel, office_for_portal):
    number = create(api).json()["number"]
    case = officer_case_get(api.officer, number)
    case = services.case_submit(case=case, actor=clerk)
    services.info_request(case=case, question="Send the signed order.", actor=counsel)
    read = api.get(f"/api/v1/requests/{number}").json()
    assert read["status"] == "needs_info"
    assert read["questions"][0]["question"] == "Send the signed order."
    response = api.post(
        f"/api/v1/requests/{number}/answer", {"answer": "Attached today."}, key="answer-1"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    assert response.json()["questions"][0]["answer"] == "Attached today."
    again = api.post(f"/api/v1/requests/{number}/answer", {"answer": "Again."}, key="answer-2")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


@pytest.mark.django_db
def test_the_list_is_paged_and_audited(api, office_for_portal):
    numbers = [create(api, key=f"k{i}").json()["number"] for i in range(3)]
    page = api.get("/api/v1/requests?page_size=2").json()
    assert (page["count"], page["pages"], len(page["results"])) == (3, 2, 2)
    second = api.get("/api/v1/requests?page=2&page_size=2").json()
    assert [r["number"] for r in page["results"] + second["results"]] == numbers[::-1]
    assert AuditRecord.objects.filter(action=Action.LIST_QUEUE, user=api.officer.user).count() == 3
    assert api.get("/api/v1/requests?page_size=0").status_code == 422


# -- Isolation: another agency, another officer of the same agency, the portal administrator


def _everything(caller, number):
    pdf = SimpleUploadedFile("order.pdf", PDF)
    return {
        "detail": caller.get(f"/api/v1/requests/{number}"),
        "attach": caller.post(
            f"/api/v1/requests/{number}/documents",
            {"file": pdf, "type": "court_order"},
            key="iso-doc",
            json=False,
        ),
        "answer": caller.post(
            f"/api/v1/requests/{number}/answer", {"answer": "x"}, key="iso-answer"
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_another_officer_reaches_nothing_of_the_request(
    client, api, who, request, office_for_portal
):
    number = create(api).json()["number"]
    other = caller_for(client, request.getfixturevalue(who))
    for name, response in _everything(other, number).items():
        assert response.status_code == 404, name
        assert response.json()["error"]["code"] == "not_found"
    assert other.get("/api/v1/requests").json()["count"] == 0
    assert officer_case_get(api.officer, number).documents.count() == 0


@pytest.mark.django_db
def test_the_portal_administrator_sees_the_agencys_requests(
    client, api, portal_admin, outsider, office_for_portal
):
    mine = create(api).json()["number"]
    create(caller_for(client, outsider), key="other-agency")
    chief = caller_for(client, portal_admin)
    listed = chief.get("/api/v1/requests").json()
    assert [r["number"] for r in listed["results"]] == [mine]
    assert chief.get(f"/api/v1/requests/{mine}").status_code == 200


@pytest.mark.django_db
def test_an_approved_request_takes_no_more_documents(api, clerk, counsel, office_for_portal):
    number = create(api).json()["number"]
    case = services.case_submit(case=officer_case_get(api.officer, number), actor=clerk)
    case.decided_at = case.submitted_at  # counsel decided: the approval's date is what counts
    case.status = "approved"
    case.save(update_fields=["decided_at", "status"])
    response = api.post(
        f"/api/v1/requests/{number}/documents",
        {"file": SimpleUploadedFile("order.pdf", PDF), "type": "court_order"},
        key="doc-late",
        json=False,
    )
    assert response.status_code == 409, response.content
    assert response.json()["error"]["message"].startswith(f"{number} is decided or closed")
    assert officer_case_get(api.officer, number).documents.count() == 0


@pytest.mark.django_db
def test_the_same_file_twice_is_refused_in_words_for_an_officer(api, office_for_portal):
    number = create(api).json()["number"]
    for key in ("doc-a", "doc-b"):
        response = api.post(
            f"/api/v1/requests/{number}/documents",
            {"file": SimpleUploadedFile(f"{key}.pdf", PDF), "type": "court_order"},
            key=key,
            json=False,
        )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == (
        f"This file is already on {number}: the same file was sent before. "
        "Nothing was added; send a different file if you meant to."
    )
    assert error["fields"]["file"] == [error["message"]]
