"""The forms the case page offers, one small builder each, from the page's reads.

Each builder returns the unbound form when the user may do that thing with the
case in its present state (`dmvrequests.cases.page.CasePage`), else None; the
template shows a form only when it is there. Decisions follow the capability
model: `page.clerk_here` is a clerk who may act on the case, `page.counsel_here`
counsel who may decide it.
"""

from typing import Any

from django import forms as django_forms

from dmvrequests.cases import forms as f
from dmvrequests.cases.models import Status
from dmvrequests.cases.page import CasePage, submit_missing

Form = django_forms.Form | None


def case_page_forms(page: CasePage, *, decision_form: Form) -> dict[str, Any]:
    """Every form of the case page by its context name; `decision_form` is the counsel's
    decision form the view built (bound after a refused post), shown unless a decision
    awaits a second counsel or the user may not decide."""
    return {
        "documents": with_describe_forms(page),
        "decision_form": None if page.pending or not page.caps.decide else decision_form,
        "second_approval_form": second_approval_form(page),
        "callback_form": callback_form(page),
        "question_form": question_form(page),
        "answer_form": answer_form(page),
        "document_form": document_form(page),
        "release_form": release_form(page),
        "notice_sent_form": notice_sent_form(page),
        "notice_exempt_form": notice_exempt_form(page),
        "submit_form": submit_form(page),
        "share_form": share_form(page),
        "assign_form": assign_form(page),
    }


def with_describe_forms(page: CasePage) -> list[Any]:
    """Each document counsel has not checked yet gets its "Describe this document" form
    (`describe_form`), when the user may add documents to the case."""
    offered = page.takes_documents
    document: Any  # a LegalDocument carrying the page's check_result and describe_form
    for document in page.documents:
        unchecked = not document.verified and not document.check_result
        document.describe_form = (
            f.DescribeForm(document=document) if offered and unchecked else None
        )
    return page.documents


def share_form(page: CasePage) -> Form:
    """Counsel of the office shares the case; whom it may go to was read with the page."""
    if not page.caps.share:
        return None
    offered = (page.lists.share_offices, page.lists.share_people)
    return f.ShareForm(case=page.case, offered=offered)


def second_approval_form(page: CasePage) -> Form:
    """Counsel other than the first approver confirms a decision awaiting a second counsel."""
    pending = page.pending
    if not (page.counsel_here and pending and pending.decided_by_id != page.user.pk):
        return None
    return f.SecondApprovalForm(initial={"status": page.case.status})


def callback_form(page: CasePage) -> Form:
    if not (page.clerk_here and page.case.is_open and page.needs_callback):
        return None
    return f.CallbackForm(initial={"called_at": page.now})


def question_form(page: CasePage) -> Form:
    if not (page.counsel_here and page.case.status == Status.IN_REVIEW and not page.pending):
        return None
    return f.QuestionForm(initial={"status": page.case.status})


def answer_form(page: CasePage) -> Form:
    if not (page.clerk_here and page.case.status == Status.NEEDS_INFO):
        return None
    return f.AnswerForm(initial={"status": page.case.status})


def document_form(page: CasePage) -> Form:
    return f.DocumentForm(prefix="newdoc") if page.takes_documents else None


def release_form(page: CasePage) -> Form:
    approved = page.approved
    if not (page.clerk_here and approved and page.case.status == Status.APPROVED):
        return None
    return f.ReleaseForm(
        approved=approved.categories_approved,
        initial={
            "status": page.case.status,
            "released_at": page.now,
            "recipient": str(page.case.requester or ""),
        },
    )


def notice_sent_form(page: CasePage) -> Form:
    if not (page.notice_due and (page.clerk_here or page.counsel_here)):
        return None
    return f.NoticeSentForm(initial={"sent_at": page.now})


def notice_exempt_form(page: CasePage) -> Form:
    return f.NoticeExemptForm() if page.notice_due and page.counsel_here else None


def submit_form(page: CasePage) -> Form:
    if not page.offers_submit:
        return None
    switched_off = bool(submit_missing(page.case))
    return f.SubmitForm(
        office=page.case.office_id, switched_off=switched_off, offered=page.lists.counsel
    )


def assign_form(page: CasePage) -> Form:
    if not page.offers_assign:
        return None
    initial = {"counsel": page.case.assigned_counsel_id}
    return f.AssignForm(case=page.case, offered=page.lists.counsel, initial=initial)
