"""Attaching a document through the API answers with document recognition's hint: the type
the PDF's text names, beside the type sent, which is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dmvrequests.intake.tests.conftest import text_pdf

I200 = text_pdf("U.S. Department of Homeland Security", "Warrant for Arrest of Alien", "Form I-200")
NEW = {
    "purpose": "criminal_investigation",
    "categories": ["address"],
    "subject_name": "Jordan Example",
    "attested": True,
}


@pytest.mark.django_db
def test_the_answer_to_an_attachment_hints_the_recognised_type(api, office):
    number = api.post("/api/v1/requests", NEW, key="create-1").json()["number"]
    response = api.post(
        f"/api/v1/requests/{number}/documents",
        {"file": SimpleUploadedFile("w.pdf", I200), "type": "judicial_warrant"},
        key="doc-1",
        json=False,
    )
    assert response.status_code == 201, response.content
    (document,) = response.json()["documents"]
    assert document["type"] == "judicial_warrant"  # kept as sent
    assert document["recognised_type"] == "administrative_warrant"
    assert document["recognised_as"].startswith("I-200, filed as Administrative warrant")
    again = api.get(f"/api/v1/requests/{number}").json()["documents"][0]
    assert again["recognised_type"] is None
