"""Every form of the case pages, filled and submitted as the page renders it (WebTest).

A test posting field names by hand passes even when the page renders the form with a
prefix, leaves a field out or points it at the wrong URL; these tests read the form
from the page a person sees, so any of those fails here. Each form has a test that
saves, and one that fails validation and checks that what was typed survives, the
field is marked (USWDS error pattern) and the summary at the top links to it.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from webtest import Upload

from dmvrequests.cases import services
from dmvrequests.cases.forms import DecisionForm
from dmvrequests.cases.models import DecisionOutcome, Status, SubjectNotice
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.cases.timeline import case_timeline
from dmvrequests.testing import AgencyFactory, OfficeFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def case_page(app, case, user):
    return app.get(reverse("cases:detail", args=[case.number]), user=user.username)


def form_for(page, url_name, case):
    """The form of the page that posts to `url_name`: found by its action, as a browser does."""
    action = reverse(url_name, args=[case.number])
    forms = [f for f in page.forms.values() if f.action == action]
    assert forms, f"the page renders no form posting to {action}"
    return forms[0]


def submitted(form):
    """Submit; success answers with a redirect to the case page, which shows the message."""
    response = form.submit()
    assert response.status_code == 302, response.text[:2000]
    return response.follow()


def assert_marked(page, name, *, value=None):
    """The USWDS error pattern on field `name`, and the value typed still in it."""
    assert page.status_code == 400
    html = page.html
    control = html.find(attrs={"name": name})
    assert control is not None, f"{name} is not on the page again"
    assert "usa-input--error" in control["class"]
    assert control.get("aria-invalid") == "true"
    assert f"{name}-error" in control["aria-describedby"].split()
    message = html.find(id=f"{name}-error")
    assert message is not None and "usa-error-message" in message["class"]
    group = control.find_parent(class_="usa-form-group--error")
    assert group is not None, f"{name} is not inside a group marked as in error"
    summary = html.find(id="error-summary")
    assert summary is not None and "usa-alert--error" in summary["class"]
    anchors = [a["href"] for a in summary.find_all("a")]
    target = control["id"]
    assert f"#{target}" in anchors, anchors
    if value is not None:
        typed = (control.get("value") or "") if control.name == "input" else control.text
        assert typed.strip() == value


def typed(page, name):
    control = page.html.find(attrs={"name": name})
    return (control.get("value") or "") if control.name == "input" else control.text.strip()


@pytest.fixture
def police(db):
    return AgencyFactory(kind="local_law_enforcement", name="Albany Police Department")


@pytest.fixture
def phone_case(office, clerk, police):
    return make_case(office=office, actor=clerk, agency=police, channel="phone")


@pytest.fixture
def mail_case(office, clerk, police):
    return make_case(office=office, actor=clerk, agency=police)


@pytest.fixture
def in_review(mail_case, clerk, counsel):
    return services.case_submit(case=mail_case, actor=clerk, assigned_counsel=counsel)


@pytest.fixture
def needs_info(in_review, counsel):
    services.info_request(case=in_review, actor=counsel, question="Send the signed order.")
    in_review.refresh_from_db()
    return in_review


@pytest.fixture
def approved(in_review, counsel):
    services.case_decide(
        case=in_review,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address", "license_record"],
    )
    in_review.refresh_from_db()
    return in_review


@pytest.fixture
def second_counsel(office):
    return UserFactory(username="counsel-b", office=office, role="Counsel")


@pytest.fixture
def pending(office, clerk, counsel):
    """An immigration agency's request approved by one counsel, waiting for another."""
    return approved_once(office, clerk, counsel, asked=["address"], approved=["address"])


def approved_once(office, clerk, counsel, *, asked, approved, rationale=""):
    """An immigration agency's request for `asked`, with a verified judicial warrant, approved
    for `approved` by one counsel: it waits for a second counsel."""
    ice = AgencyFactory(kind="immigration", name="ICE HSI New York")
    case = make_case(office=office, actor=clerk, agency=ice, categories=asked)
    document = services.document_add(
        case=case, actor=clerk, type="judicial_warrant", issuer="article_iii_judge", content=PDF
    )
    services.case_submit(case=case, actor=clerk)
    services.document_verify(
        document=document,
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
    )
    case.refresh_from_db()
    services.case_decide(
        case=case,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=approved,
        rationale=rationale,
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def notice_due(in_review):
    return SubjectNotice.objects.create(case=in_review, rule="N.Y. VTL 201(12)")


class TestDocumentAdd:
    def test_it_adds_a_document_after_intake(self, django_app, mail_case, clerk):
        form = form_for(case_page(django_app, mail_case, clerk), "cases:document_add", mail_case)
        form["newdoc-type"] = "court_order"
        form["newdoc-issuer"] = "state_judge"
        form["newdoc-court"] = "Albany County Court"
        form["newdoc-docket_number"] = "2026-CR-114"
        form["newdoc-file"] = Upload("order.pdf", PDF, "application/pdf")
        page = submitted(form)
        document = mail_case.documents.get()
        assert document.court == "Albany County Court" and document.sha256
        assert "Document added: Court order" in page.text
        assert "Download order.pdf" in page.text

    def test_the_same_file_twice_is_refused_naming_the_first(self, django_app, mail_case, clerk):
        for attempt in ("first", "second"):
            form = form_for(
                case_page(django_app, mail_case, clerk), "cases:document_add", mail_case
            )
            form["newdoc-type"] = "court_order"
            form["newdoc-court"] = "Albany County Court"
            form["newdoc-file"] = Upload(f"{attempt}.pdf", PDF, "application/pdf")
            page = submitted(form) if attempt == "first" else form.submit(status=400)
        assert mail_case.documents.count() == 1
        assert "second.pdf was already added to this case on" in page.text
        assert "as first.pdf (Court order). Nothing was added" in page.text
        assert typed(page, "newdoc-court") == "Albany County Court"

    def test_counsel_adds_one_while_the_case_is_in_review(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:document_add", in_review)
        form["newdoc-type"] = "judicial_subpoena"
        form["newdoc-issuer"] = "state_judge"
        submitted(form)
        assert in_review.documents.get().type == "judicial_subpoena"

    def test_an_error_keeps_what_was_typed(self, django_app, mail_case, clerk):
        form = form_for(case_page(django_app, mail_case, clerk), "cases:document_add", mail_case)
        form["newdoc-type"] = "court_order"
        form["newdoc-court"] = "Albany County Court"
        form["newdoc-issued_on"] = "2026-03-10"
        form["newdoc-expires_on"] = "2026-03-01"
        page = form.submit(status=400)
        assert_marked(page, "newdoc-expires_on", value="2026-03-01")
        assert typed(page, "newdoc-court") == "Albany County Court"
        # The form stays open, and nothing was saved.
        assert page.html.find(id="document-form").find_parent("details").has_attr("open")
        assert not mail_case.documents.exists()

    def test_a_file_that_is_not_a_document_is_refused_at_the_form(
        self, django_app, mail_case, clerk
    ):
        form = form_for(case_page(django_app, mail_case, clerk), "cases:document_add", mail_case)
        form["newdoc-type"] = "court_order"
        form["newdoc-court"] = "Albany County Court"
        form["newdoc-file"] = Upload("order.pdf", b"<html>not a pdf</html>", "application/pdf")
        page = form.submit(status=400)
        assert "not a PDF, PNG, JPEG or TIFF" in page.html.find(id="error-summary").text
        assert_marked(page, "newdoc-file")
        assert typed(page, "newdoc-court") == "Albany County Court"
        assert not mail_case.documents.exists()

    def test_pressing_add_again_without_the_refused_file_saves_nothing(
        self, django_app, mail_case, clerk
    ):
        """Newcomers' finding 4: the page came back without the refused file, and pressing
        the button again added the document without its scan."""
        form = form_for(case_page(django_app, mail_case, clerk), "cases:document_add", mail_case)
        form["newdoc-type"] = "court_order"
        form["newdoc-file"] = Upload("order.docx", b"PK\x03\x04 word", "application/msword")
        page = form.submit(status=400)
        again = page.forms["document-form"]
        assert again["newdoc-type"].value == "court_order"
        page = again.submit(status=400)
        assert_marked(page, "newdoc-file")
        message = page.html.find(id="newdoc-file-error").text
        assert "did not arrive" in message and "Choose the file again" in message
        assert not mail_case.documents.exists()
        # The way out the message names: the box below the file.
        again = page.forms["document-form"]
        again["newdoc-without_file"] = True
        page = submitted(again)
        document = mail_case.documents.get()
        assert not document.file and document.type == "court_order"
        assert "Document added: Court order" in page.text

    def test_a_chosen_file_that_did_not_arrive_is_not_silently_dropped(
        self, django_app, mail_case, clerk
    ):
        """file-choice.js marks the choice as the file is picked, so a form that arrives
        saying a file was chosen, without it, adds nothing and says to choose it again."""
        form = form_for(case_page(django_app, mail_case, clerk), "cases:document_add", mail_case)
        form["newdoc-type"] = "court_order"
        form["newdoc-file_chosen"].force_value("1")  # what file-choice.js does
        page = form.submit(status=400)
        assert_marked(page, "newdoc-file")
        said = page.html.find(id="newdoc-file-error").text
        assert "did not arrive with the page" in said and "Choose the file again" in said
        assert "browser refused" not in said
        assert not mail_case.documents.exists()

    def test_a_document_without_a_file_is_still_added_when_none_was_chosen(
        self, django_app, mail_case, clerk
    ):
        page = case_page(django_app, mail_case, clerk)
        # The "without its scan" box appears only once a file went missing.
        assert page.html.find("label", attrs={"for": "id_newdoc-without_file"}) is None
        form = form_for(page, "cases:document_add", mail_case)
        form["newdoc-type"] = "court_order"
        submitted(form)
        assert mail_case.documents.get().type == "court_order"


class TestCallback:
    def test_it_confirms_the_requester(self, django_app, phone_case, clerk):
        form = form_for(case_page(django_app, phone_case, clerk), "cases:callback", phone_case)
        form["callback-answered_by"] = "Sgt. Miller, desk officer"
        form["callback-number_called"] = "518-555-0100"
        form["callback-confirmed"] = True
        page = submitted(form)
        phone_case.refresh_from_db()
        assert phone_case.requester_verified
        assert "the requester is confirmed. Submit the case for legal review" in page.text

    def test_without_who_answered_it_keeps_what_was_typed(self, django_app, phone_case, clerk):
        form = form_for(case_page(django_app, phone_case, clerk), "cases:callback", phone_case)
        form["callback-number_called"] = "518-555-0100"
        form["callback-notes"] = "Desk sergeant put me on hold."
        page = form.submit(status=400)
        assert_marked(page, "callback-answered_by")
        assert typed(page, "callback-number_called") == "518-555-0100"
        assert typed(page, "callback-notes") == "Desk sergeant put me on hold."
        assert not phone_case.callbacks.exists()


class TestSubmit:
    def test_it_sends_the_case_to_counsel(self, django_app, mail_case, clerk, counsel):
        form = form_for(case_page(django_app, mail_case, clerk), "cases:submit", mail_case)
        form["submit-assigned_counsel"] = str(counsel.pk)
        page = submitted(form)
        mail_case.refresh_from_db()
        assert mail_case.status == Status.IN_REVIEW and mail_case.assigned_counsel == counsel
        assert "submitted for legal review" in page.text

    def test_a_phone_request_says_what_is_missing_before_submitting(
        self, django_app, phone_case, clerk
    ):
        page = case_page(django_app, phone_case, clerk)
        missing = page.html.find(id="submit-missing")
        assert "Confirm the requester" in missing.text
        # The button is there, switched off, and says why.
        button = page.html.find(id="submit-form").find("button")
        assert button.has_attr("disabled") and button["aria-describedby"] == "submit-missing"
        assert page.html.find(attrs={"name": "submit-assigned_counsel"}).has_attr("disabled")

    def test_counsel_not_in_the_list_is_marked(self, django_app, mail_case, clerk):
        form = form_for(case_page(django_app, mail_case, clerk), "cases:submit", mail_case)
        form["submit-assigned_counsel"].force_value("999999")
        page = form.submit(status=400)
        assert_marked(page, "submit-assigned_counsel")
        mail_case.refresh_from_db()
        assert mail_case.status == Status.RECEIVED


class TestAskAndAnswer:
    def test_counsel_asks_and_the_clerk_answers_with_a_new_court_order(
        self, django_app, in_review, clerk, counsel
    ):
        form = form_for(case_page(django_app, in_review, counsel), "cases:ask", in_review)
        form["ask-question"] = "Send the order signed by the judge."
        page = submitted(form)
        in_review.refresh_from_db()
        assert in_review.status == Status.NEEDS_INFO
        assert "waits for the agency" in page.text

        form = form_for(case_page(django_app, in_review, clerk), "cases:document_add", in_review)
        form["newdoc-type"] = "court_order"
        form["newdoc-issuer"] = "state_judge"
        form["newdoc-file"] = Upload("signed-order.pdf", PDF, "application/pdf")
        submitted(form)
        form = form_for(case_page(django_app, in_review, clerk), "cases:answer", in_review)
        form["answer-answer"] = "The agency sent the signed order."
        page = submitted(form)
        in_review.refresh_from_db()
        assert in_review.status == Status.IN_REVIEW
        assert in_review.documents.get().original_filename == "signed-order.pdf"
        assert "back with legal review" in page.text

    def test_an_empty_question_is_marked(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:ask", in_review)
        page = form.submit(status=400)
        assert_marked(page, "ask-question", value="")
        assert page.html.find(id="question-form").find_parent("details").has_attr("open")

    def test_an_empty_answer_is_marked(self, django_app, needs_info, clerk):
        form = form_for(case_page(django_app, needs_info, clerk), "cases:answer", needs_info)
        page = form.submit(status=400)
        assert_marked(page, "answer-answer", value="")
        needs_info.refresh_from_db()
        assert needs_info.status == Status.NEEDS_INFO


class TestDecide:
    def test_counsel_approves(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        form["decide-decision"] = "approve_all"
        page = submitted(form)
        in_review.refresh_from_db()
        assert in_review.status == Status.APPROVED
        assert "approved. The clerk can now record the release" in page.text

    def test_an_approval_in_part_says_so(self, django_app, in_review, counsel):
        """Newcomer's finding (#14, 3): approving some categories and withholding others is
        an approval in part, on the message and on the case page."""
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        boxes = form.fields["decide-categories"]
        assert len(boxes) > 1
        form["decide-decision"] = "approve_some"
        boxes[0].checked = True
        form["decide-rationale"] = "Only the first category is needed for the investigation."
        page = submitted(form)
        assert "approved in part. The clerk can now record the release" in page.text
        summary = page.html.find(id="decisions").find_next("h3").text
        assert "Counsel's decision: Approved in part by" in " ".join(summary.split())
        assert "Approved in part</strong> by" in page.text

    def test_a_denial_without_a_rationale_marks_the_rationale(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        form["decide-decision"] = "deny"
        form["decide-reason"] = "other"
        page = form.submit(status=400)
        assert_marked(page, "decide-rationale")
        said = page.html.find(id="decide-rationale-error").text
        assert "Write the rationale for the denial." in said
        assert not in_review.decisions.exists()

    def test_a_denial_without_a_reason_keeps_the_rationale(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        form["decide-decision"] = "deny"
        form["decide-rationale"] = "No legal process was offered."
        page = form.submit(status=400)
        assert_marked(page, "decide-reason")
        assert typed(page, "decide-rationale") == "No legal process was offered."
        assert not in_review.decisions.exists()

    def test_a_denial_with_nothing_filled_in_shows_every_error_at_once(
        self, django_app, in_review, counsel
    ):
        """Newcomer's finding: the reason was asked for first, the rationale only after."""
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        form["decide-decision"] = "deny"
        page = form.submit(status=400)
        assert_marked(page, "decide-reason")
        assert_marked(page, "decide-rationale")
        said = page.html.find(id="decide-rationale-error").text
        assert "Write the rationale for the denial." in said
        assert not in_review.decisions.exists()

    def test_no_decision_chosen_says_what_to_choose(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        page = form.submit(status=400)
        said = page.html.find(id="decide-decision-error").text
        assert "Choose a decision: approve everything, approve some, or deny." in said

    def test_approving_some_with_nothing_ticked_asks_for_both(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
        form["decide-decision"] = "approve_some"
        page = form.submit(status=400)
        assert (
            "Tick the categories you approve." in page.html.find(id="decide-categories-error").text
        )
        said = page.html.find(id="decide-rationale-error").text
        assert "Write the rationale for approving only some categories." in said
        assert not in_review.decisions.exists()

    def test_the_form_asks_for_a_rationale_the_engine_wants_before_the_service(
        self, django_app, in_review, counsel
    ):
        """The form says what the service would refuse (services.decisions.rationale_missing):
        a request the engine sends to review needs counsel's rationale, even approved in full."""
        form = DecisionForm(
            {"decide-decision": "approve_all", "decide-status": in_review.status},
            releasable=in_review.categories,
            asked=in_review.categories,
            engine_decision="review",
        )
        assert not form.is_valid()
        assert form.errors["rationale"] == [
            "The engine asks for counsel's judgement: write your rationale."
        ]
        denied = DecisionForm(
            {"decide-decision": "approve_all", "decide-status": in_review.status},
            releasable=[],
            asked=in_review.categories,
            engine_decision="deny",
        )
        assert not denied.is_valid()
        assert "The policy engine denies this request" in denied.errors["decision"][0]
        assert "rationale" not in denied.errors  # an approval it cannot make needs none

    def test_an_immigration_approval_says_a_second_counsel_must_confirm(
        self, django_app, office, clerk, counsel
    ):
        ice = AgencyFactory(kind="immigration", name="ICE HSI New York")
        case = make_case(office=office, actor=clerk, agency=ice, categories=["address"])
        document = services.document_add(
            case=case, actor=clerk, type="judicial_warrant", issuer="article_iii_judge", content=PDF
        )
        services.case_submit(case=case, actor=clerk)
        services.document_verify(
            document=document,
            actor=counsel,
            result="verified",
            checks=dict.fromkeys(REQUIRED_CHECKS, True),
        )
        form = form_for(case_page(django_app, case, counsel), "cases:decide", case)
        form["decide-decision"] = "approve_all"
        page = submitted(form)
        assert "not final. A second counsel must confirm it" in page.text
        assert "approved. The clerk" not in page.text


class TestSecondApproval:
    def test_a_second_counsel_confirms(self, django_app, pending, second_counsel):
        form = form_for(
            case_page(django_app, pending, second_counsel), "cases:second_approval", pending
        )
        form["second-confirm"] = "yes"
        page = submitted(form)
        pending.refresh_from_db()
        assert pending.status == Status.APPROVED
        assert "Approval confirmed" in page.text

    def test_confirming_an_approval_in_part_says_in_part(
        self, django_app, office, clerk, counsel, second_counsel
    ):
        case = approved_once(
            office,
            clerk,
            counsel,
            asked=["address", "photo"],
            approved=["address"],
            rationale="The warrant names the address only.",
        )
        form = form_for(case_page(django_app, case, second_counsel), "cases:second_approval", case)
        form["second-confirm"] = "yes"
        page = submitted(form)
        assert "Approval confirmed: the case is approved in part." in page.text
        sentences = [e.sentence for e in case_timeline(case) if e.kind == "decision"]
        assert sentences == [
            f"{counsel} approved in part the request",
            f"{second_counsel} confirmed the approval as second counsel "
            "(the case is approved in part)",
        ]

    def test_not_confirming_without_a_rationale_marks_the_rationale(
        self, django_app, pending, second_counsel
    ):
        form = form_for(
            case_page(django_app, pending, second_counsel), "cases:second_approval", pending
        )
        form["second-confirm"] = "no"
        page = form.submit(status=400)
        assert_marked(page, "second-rationale")
        assert "Write why you do not confirm" in page.html.find(id="second-rationale-error").text

    def test_no_choice_keeps_the_rationale(self, django_app, pending, second_counsel):
        form = form_for(
            case_page(django_app, pending, second_counsel), "cases:second_approval", pending
        )
        form["second-rationale"] = "Checked the warrant's docket with the court."
        page = form.submit(status=400)
        assert_marked(page, "second-confirm")
        assert typed(page, "second-rationale") == "Checked the warrant's docket with the court."


class TestRelease:
    def test_the_clerk_records_the_release(self, django_app, approved, clerk):
        form = form_for(case_page(django_app, approved, clerk), "cases:release", approved)
        form["release-categories"] = ["address", "license_record"]
        form["release-recipient"] = "Det. Jane Roe, Albany PD"
        form["release-method"] = "secure_email"
        form["release-records_count"] = "2"
        page = submitted(form)
        approved.refresh_from_db()
        assert approved.status == Status.FULFILLED
        assert approved.releases.get().records_count == 2
        assert "Release recorded in the disclosure ledger" in page.text

    def test_a_count_of_zero_keeps_what_was_typed(self, django_app, approved, clerk):
        form = form_for(case_page(django_app, approved, clerk), "cases:release", approved)
        form["release-categories"] = ["address"]
        form["release-recipient"] = "Det. Jane Roe, Albany PD"
        form["release-records_count"] = "0"
        form["release-notes"] = "Sent by secure email."
        page = form.submit(status=400)
        assert_marked(page, "release-records_count", value="0")
        # Newcomers' finding 7: it says what is wrong and what to enter, not a bare bound.
        said = page.html.find(id="release-records_count-error").text
        assert "at least 1 record" in said and "enter how many were released" in said
        assert "greater than or equal" not in page.text
        assert "at least 1 record" in page.html.find(id="error-summary").text
        assert typed(page, "release-recipient") == "Det. Jane Roe, Albany PD"
        assert typed(page, "release-notes") == "Sent by secure email."
        ticked = page.html.find(attrs={"name": "release-categories", "value": "address"})
        assert ticked.has_attr("checked")
        assert not approved.releases.exists()

    def test_nothing_is_chosen_for_the_clerk(self, django_app, approved, clerk):
        """Newcomer's finding (#14, 1): a release is permanent, so the method, the categories
        and the count are the clerk's deliberate choice: posting the form as first shown
        records nothing and says what to choose."""
        page = case_page(django_app, approved, clerk)
        method = page.html.find("select", attrs={"name": "release-method"})
        first = method.find("option")
        assert first["value"] == "" and first.text == "Choose how it was sent"
        assert first.has_attr("selected") or not method.find("option", selected=True)
        boxes = page.html.find_all(attrs={"name": "release-categories"})
        assert boxes and not any(box.has_attr("checked") for box in boxes)
        assert typed(page, "release-records_count") == ""
        page = form_for(page, "cases:release", approved).submit(status=400)
        assert_marked(page, "release-method")
        said = page.html.find(id="release-method-error").text
        assert "Choose how the records were sent" in said
        said = page.html.find(id="release-categories-error").text
        assert "Tick each category that was released" in said
        assert "Enter how many records were released" in page.html.find(id="error-summary").text
        assert not approved.releases.exists()
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED

    def test_no_category_ticked_is_marked(self, django_app, approved, clerk):
        form = form_for(case_page(django_app, approved, clerk), "cases:release", approved)
        form["release-categories"] = []
        page = form.submit(status=400)
        assert_marked(page, "release-categories")


class TestSubjectNotice:
    def test_the_clerk_records_it_as_sent(self, django_app, notice_due, clerk):
        case = notice_due.case
        form = form_for(case_page(django_app, case, clerk), "cases:notice_sent", case)
        form["notice-method"] = "First-class mail to the address on file"
        page = submitted(form)
        notice_due.refresh_from_db()
        assert notice_due.status == "sent"
        assert "Subject notice recorded as sent" in page.text

    def test_without_a_method_it_keeps_the_date(self, django_app, notice_due, clerk):
        case = notice_due.case
        form = form_for(case_page(django_app, case, clerk), "cases:notice_sent", case)
        form["notice-sent_at"] = "2026-03-02T09:30"
        page = form.submit(status=400)
        assert_marked(page, "notice-method", value="")
        assert typed(page, "notice-sent_at") == "2026-03-02T09:30"

    def test_counsel_exempts_it(self, django_app, notice_due, counsel):
        case = notice_due.case
        form = form_for(case_page(django_app, case, counsel), "cases:notice_exempt", case)
        form["exempt-reason"] = "A court order delays notice (docket 2026-CR-114)."
        page = submitted(form)
        notice_due.refresh_from_db()
        assert notice_due.status == "exempted"
        assert "recorded as exempted" in page.text

    def test_an_empty_exemption_is_marked(self, django_app, notice_due, counsel):
        case = notice_due.case
        form = form_for(case_page(django_app, case, counsel), "cases:notice_exempt", case)
        page = form.submit(status=400)
        assert_marked(page, "exempt-reason", value="")


class TestAssignAndShare:
    def test_counsel_assigns_the_case(self, django_app, in_review, counsel, second_counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:assign", in_review)
        form["assign-counsel"] = str(second_counsel.pk)
        page = submitted(form)
        in_review.refresh_from_db()
        assert in_review.assigned_counsel == second_counsel
        assert f"assigned to {second_counsel}" in page.text

    def test_counsel_outside_the_list_is_marked(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:assign", in_review)
        form["assign-counsel"].force_value("999999")
        page = form.submit(status=400)
        assert_marked(page, "assign-counsel")

    def test_counsel_shares_and_stops_sharing(self, django_app, in_review, counsel, other_office):
        form = form_for(case_page(django_app, in_review, counsel), "cases:share", in_review)
        form["share-office"] = str(other_office.pk)
        form["share-reason"] = "Joint investigation with Buffalo."
        page = submitted(form)
        share = in_review.shares.get()
        assert share.office == other_office and share.reason == "Joint investigation with Buffalo."
        assert f"shared with {other_office}" in page.text
        revoke = [
            f
            for f in page.forms.values()
            if f.action == reverse("cases:share_revoke", args=[in_review.number, share.pk])
        ][0]
        revoke["reason"] = "Investigation closed."
        page = revoke.submit().follow()
        share.refresh_from_db()
        assert share.revoked_at is not None
        assert "no longer sees" in page.text

    def test_a_share_with_an_office_and_a_person_asks_for_one(
        self, django_app, in_review, counsel, other_office, other_counsel
    ):
        form = form_for(case_page(django_app, in_review, counsel), "cases:share", in_review)
        form["share-office"] = str(other_office.pk)
        form["share-user"] = str(other_counsel.pk)
        form["share-reason"] = "Joint investigation with Buffalo."
        page = form.submit(status=400)
        said = page.html.find(id="error-summary").text
        assert "Choose either an office or one person, not both." in said
        assert not in_review.shares.exists()

    def test_a_share_with_no_one_keeps_the_reason(self, django_app, in_review, counsel):
        form = form_for(case_page(django_app, in_review, counsel), "cases:share", in_review)
        form["share-reason"] = "Joint investigation with Buffalo."
        page = form.submit(status=400)
        said = page.html.find(id="error-summary").text
        assert "Choose an office or one person to share the case with." in said
        assert typed(page, "share-reason") == "Joint investigation with Buffalo."
        assert page.html.find(id="share-form").find_parent("details").has_attr("open")
        assert not in_review.shares.exists()


class TestWithdrawAndClose:
    def test_withdrawing_asks_for_confirmation_first(self, django_app, mail_case, clerk):
        page = case_page(django_app, mail_case, clerk)
        confirm = page.click(description="Record withdrawal")
        mail_case.refresh_from_db()
        assert mail_case.status == Status.RECEIVED
        assert "Record that the agency withdrew" in confirm.text
        page = (
            confirm.forms[[k for k, f in confirm.forms.items() if "transition" in f.action][0]]
            .submit()
            .follow()
        )
        mail_case.refresh_from_db()
        assert mail_case.status == Status.WITHDRAWN
        assert "recorded as withdrawn" in page.text

    def test_counsel_closes_a_fulfilled_case(self, django_app, approved, clerk, counsel):
        services.release_record(
            case=approved,
            actor=clerk,
            categories=["address"],
            recipient="Det. Jane Roe",
            method="secure_email",
            released_at=timezone.now(),
        )
        page = case_page(django_app, approved, counsel)
        close = form_for(page, "cases:transition", approved)
        page = submitted(close)
        approved.refresh_from_db()
        assert approved.status == Status.CLOSED
        assert "is closed" in page.text and "done" not in page.text.split("is closed")[0][-20:]


class TestDocumentVerify:
    @pytest.fixture
    def document(self, in_review, clerk):
        return services.document_add(
            case=in_review,
            actor=clerk,
            type="court_order",
            issuer="state_judge",
            docket_number="2026-CR-114",
            content=PDF,
        )

    def verify_page(self, app, document, counsel):
        case_page_ = case_page(app, document.case, counsel)
        return case_page_.click(
            href=reverse("cases:document_verify", args=[document.case.number, document.pk])
        )

    def test_counsel_verifies_a_document(self, django_app, document, counsel):
        form = self.verify_page(django_app, document, counsel).forms["verify-form"]
        for name in REQUIRED_CHECKS:
            form[f"verify-{name}"] = True
        form["verify-result"] = "verified"
        page = submitted(form)
        document.refresh_from_db()
        assert document.verified
        assert "Checklist recorded" in page.text

    def test_a_rejection_is_shown_as_rejected(self, django_app, document, counsel):
        form = self.verify_page(django_app, document, counsel).forms["verify-form"]
        form["verify-result"] = "rejected"
        form["verify-notes"] = "Signed by an immigration officer, not a judge."
        page = submitted(form)
        row = next(th for th in page.html.find_all("th") if "Court order" in th.text)
        assert "Rejected" in row.find_parent("tr").text

    def test_no_result_keeps_the_notes(self, django_app, document, counsel):
        form = self.verify_page(django_app, document, counsel).forms["verify-form"]
        form["verify-notes"] = "Called the court clerk."
        page = form.submit(status=400)
        assert_marked(page, "verify-result")
        assert typed(page, "verify-notes") == "Called the court clerk."


def test_every_case_page_form_has_its_own_prefix(
    django_app, needs_info, notice_due, counsel, clerk
):
    """Names and ids of one form never collide with another's on the same page."""
    for user in (clerk, counsel):
        page = case_page(django_app, needs_info, user)
        ids = [tag["id"] for tag in page.html.find_all(id=True)]
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_an_outsider_office_gets_no_forms(django_app, in_review):
    outsider = UserFactory(
        username="elsewhere", office=OfficeFactory(code="elsewhere"), role="Clerk"
    )
    response = django_app.get(
        reverse("cases:detail", args=[in_review.number]), user=outsider.username, status=404
    )
    assert response.status_code == 404


def test_the_recommendation_and_counsels_decision_are_labelled(
    django_app, in_review, counsel, clerk
):
    """A green "Eligible" beside a "Denied" must say which is the engine's and which counsel's."""
    form = form_for(case_page(django_app, in_review, counsel), "cases:decide", in_review)
    form["decide-decision"] = "deny"
    form["decide-reason"] = "other"
    form["decide-rationale"] = "The agency withdrew its reason."
    submitted(form)
    page = case_page(django_app, in_review, clerk)
    panel = page.html.find(id="policy-panel-heading")
    assert panel.text == "Policy engine's recommendation"
    decision = page.html.find(id="counsel-decision-heading").find_parent(class_="usa-summary-box")
    assert "Counsel's decision" in decision.text and "Denied" in decision.text


def test_a_form_the_case_no_longer_offers_is_not_shown_again(django_app, mail_case, clerk):
    """A release posted from a stale page on a case that is not approved: the page says so."""
    page = case_page(django_app, mail_case, clerk)
    response = django_app.post(
        reverse("cases:release", args=[mail_case.number]),
        {"csrfmiddlewaretoken": page.forms["document-form"]["csrfmiddlewaretoken"].value},
        user=clerk.username,
        status=400,
    )
    assert "no longer applies" in response.text
    assert response.html.find(id="release-form") is None
    assert not mail_case.releases.exists()
