"""Counsel removes text entered by mistake from a case and from all its history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import AuditRecord, Kind
from dmvrequests.cases import services
from dmvrequests.oversight.erasure import RedactionError, redaction_apply
from dmvrequests.oversight.verification import chain_verify

pytestmark = pytest.mark.django_db

MISTAKE = "Subject is undocumented."


@pytest.fixture
def mistaken_case(case, clerk):
    """The mistake sits in three versions of the narrative, then in the current one."""
    services.case_update_intake(case=case, actor=clerk, narrative=f"Stopped twice. {MISTAKE}")
    services.case_update_intake(case=case, actor=clerk, narrative=f"Stopped 3x. {MISTAKE}")
    return case


def narratives(case):
    return list(case.history.order_by("history_date").values_list("narrative", flat=True))


def redact(case, actor, text=MISTAKE, field="narrative", reason="Immigration status by mistake"):
    return redaction_apply(case=case, field=field, text=text, reason=reason, actor=actor)


class TestRedactionApply:
    def test_it_removes_the_text_from_the_case_and_every_version(self, mistaken_case, counsel):
        rows = redact(mistaken_case, counsel)
        mistaken_case.refresh_from_db()
        marker = (
            f"[redacted by {counsel} on {timezone.localdate():%Y-%m-%d}: "
            "Immigration status by mistake]"
        )
        assert rows == 2
        assert mistaken_case.narrative == f"Stopped 3x. {marker}"
        assert all(MISTAKE not in n for n in narratives(mistaken_case))
        assert [n.endswith(marker) for n in narratives(mistaken_case)] == [False, True, True]

    def test_it_adds_no_version_of_its_own(self, mistaken_case, counsel):
        before = mistaken_case.history.count()
        redact(mistaken_case, counsel)
        assert mistaken_case.history.count() == before

    def test_it_records_who_why_and_which_field_but_not_the_text(self, mistaken_case, counsel):
        redact(mistaken_case, counsel)
        record = AuditRecord.objects.get(kind=Kind.REDACTION)
        assert (record.user, record.action, record.case_number) == (
            counsel,
            "redact",
            mistaken_case.number,
        )
        assert record.detail["field"] == "narrative"
        assert record.detail["reason"] == "Immigration status by mistake"
        assert "undocumented" not in str(record.detail)
        assert chain_verify().intact

    def test_it_removes_text_that_only_the_history_still_holds(self, mistaken_case, clerk, counsel):
        services.case_update_intake(case=mistaken_case, actor=clerk, narrative="Stopped 3x.")
        assert redact(mistaken_case, counsel) == 2
        assert all(MISTAKE not in n for n in narratives(mistaken_case))

    def test_it_refuses_text_that_does_not_occur(self, mistaken_case, counsel):
        with pytest.raises(RedactionError, match="does not occur in narrative"):
            redact(mistaken_case, counsel, text="subject is undocumented.")
        assert not AuditRecord.objects.filter(kind=Kind.REDACTION).exists()

    def test_it_refuses_a_field_that_is_not_free_text(self, mistaken_case, counsel):
        with pytest.raises(RedactionError, match="Only these fields can be redacted"):
            redact(mistaken_case, counsel, field="status", text="received")

    def test_it_refuses_a_clerk(self, mistaken_case, clerk):
        with pytest.raises(RedactionError, match="Only counsel"):
            redact(mistaken_case, clerk)

    def test_it_needs_a_reason(self, mistaken_case, counsel):
        with pytest.raises(RedactionError, match="Say why"):
            redact(mistaken_case, counsel, reason="  ")

    def test_a_short_field_gets_the_short_marker(self, case, clerk, counsel):
        services.case_update_intake(case=case, actor=clerk, subject_plate="ABC1234")
        redact(case, counsel, field="subject_plate", text="ABC1234")
        case.refresh_from_db()
        assert case.subject_plate == "[redacted]"


class TestRedactView:
    def url(self, case):
        return reverse("audit:redact", args=[case.number])

    def test_counsel_sees_the_form(self, client, mistaken_case, counsel):
        client.force_login(counsel)
        response = client.get(self.url(mistaken_case))
        body = response.content.decode()
        assert response.status_code == 200
        assert '<label class="usa-label" for="id_text">Text to remove' in body
        assert MISTAKE in body

    def test_counsel_redacts_and_goes_back_to_the_case(self, client, mistaken_case, counsel):
        client.force_login(counsel)
        response = client.post(
            self.url(mistaken_case),
            {"field": "narrative", "text": MISTAKE, "reason": "Entered by mistake"},
        )
        assert response.status_code == 302
        assert response["Location"] == mistaken_case.get_absolute_url()
        mistaken_case.refresh_from_db()
        assert MISTAKE not in mistaken_case.narrative

    def test_it_explains_text_that_does_not_occur(self, client, mistaken_case, counsel):
        client.force_login(counsel)
        response = client.post(
            self.url(mistaken_case),
            {"field": "narrative", "text": "not there", "reason": "Entered by mistake"},
        )
        assert response.status_code == 400
        assert "Copy it exactly as it appears" in response.content.decode()

    def test_it_answers_404_to_counsel_of_another_office(
        self, client, mistaken_case, other_counsel
    ):
        client.force_login(other_counsel)
        response = client.post(
            self.url(mistaken_case),
            {"field": "narrative", "text": MISTAKE, "reason": "Entered by mistake"},
        )
        assert response.status_code == 404
        mistaken_case.refresh_from_db()
        assert MISTAKE in mistaken_case.narrative

    @pytest.mark.parametrize("role", ["clerk", "auditor", "administrator"])
    def test_it_is_refused_to_other_roles(self, client, request, mistaken_case, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get(self.url(mistaken_case)).status_code == 403

    def test_it_sends_anonymous_users_to_sign_in(self, client, mistaken_case):
        response = client.get(self.url(mistaken_case))
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]
