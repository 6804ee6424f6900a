"""The POST actions of the case page: one view per service, each answering with the
case page and a message that says what happened or what to do instead."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from dmvrequests.audit.models import Action as AuditAction
from dmvrequests.audit.services import access_log
from dmvrequests.cases import selectors, services
from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.cases.decorators import case_action, refusal
from dmvrequests.cases.forms import (
    AnswerForm,
    CallbackForm,
    DescribeForm,
    DocumentForm,
    NoticeExemptForm,
    NoticeSentForm,
    QuestionForm,
    ReleaseForm,
    SecondApprovalForm,
    VerificationForm,
)
from dmvrequests.cases.models import Channel, DecisionOutcome, NoticeStatus, SubjectNotice
from dmvrequests.cases.views import add_service_error, case_page_with_errors, refused


def _act(request, page, form, name, service, success, **arguments):
    """Call a service with a valid form. Done: the message says what happened and what
    comes next. Refused: the case page (`page`) again with the form bound and the reason."""
    try:
        service(actor=request.user, **arguments)
    except ValidationError as exc:
        return refused(request, page, form, name, exc)
    messages.success(request, success)
    return redirect(page)


@case_action
def callback(request, case):
    form = CallbackForm(request.POST, case=case)
    if not form.is_valid():
        return case_page_with_errors(request, case, callback_form=form)
    confirmed = form.cleaned_data["confirmed"]
    return _act(
        request,
        case,
        form,
        "callback_form",
        services.callback_record,
        "Callback recorded: the requester is confirmed. Submit the case for legal review."
        if confirmed
        else "Callback recorded: the agency did not confirm the requester, so the case "
        "cannot go to legal review. Call again, or withdraw the case.",
        case=case,
        **form.cleaned_data,
    )


@case_action
def ask(request, case):
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return case_page_with_errors(request, case, question_form=form)
    return _act(
        request,
        case,
        form,
        "question_form",
        services.info_request,
        "Question recorded: the case waits for the agency's answer and its clock is paused. "
        + (
            "The officer is emailed and answers on the agency portal."
            if case.channel == Channel.PORTAL
            else "The clerk records the answer."
        ),
        case=case,
        question=form.cleaned_data["question"],
        expected_status=form.cleaned_data["status"],
    )


@case_action
def answer(request, case):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return case_page_with_errors(request, case, answer_form=form)
    return _act(
        request,
        case,
        form,
        "answer_form",
        services.info_answer,
        "Answer recorded: the case is back with legal review and its clock runs again.",
        case=case,
        answer=form.cleaned_data["answer"],
        expected_status=form.cleaned_data["status"],
    )


def document_verify(request, number, document_id):
    """Counsel's checklist for one legal document, with guidance on telling documents apart."""
    case, document = selectors.document_get_for(request.user, number, document_id)
    denied = refusal(request, case, capabilities_for(request.user, case))
    if denied:
        return denied
    access_log(request=request, action=AuditAction.VIEW_CASE, case=case, obj=document)
    form = VerificationForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_verify(
                document=document, actor=request.user, **form.service_arguments()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, f"Checklist recorded for the document: {document.get_type_display()}."
            )
            return redirect(case)
    context = {
        "case": case,
        "document": document,
        "form": form,
        "verifications": document.verifications.select_related("verified_by"),
    }
    return render(
        request, "cases/document_verify.html", context, status=400 if form.errors else 200
    )


@case_action
def document_add(request, case):
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return case_page_with_errors(request, case, document_form=form)
    return _act(
        request,
        case,
        form,
        "document_form",
        services.document_add,
        f"Document added: {form.type_label()}. It counts for the policy once "
        "counsel verifies it with the checklist.",
        case=case,
        **form.document_fields(),
    )


@case_action
def document_describe(request, case, document_id):
    """Say what a stored document is (an emailed file arrives unclassified), or correct it."""
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("This case has no such document")
    form = DescribeForm(request.POST, document=document)
    if not form.is_valid():
        return case_page_with_errors(request, case, describe_form=form)
    return _act(
        request,
        case,
        form,
        "describe_form",
        services.document_describe,
        f"Document described: {form.type_label()}. It counts for the policy once "
        "counsel verifies it with the checklist.",
        case=case,
        document=document,
        **form.document_fields(),
    )


@case_action
def second_approval(request, case):
    decision = case.decisions.filter(second_approval_required=True, second_approved_at=None).first()
    if decision is None:
        messages.error(request, "No approval of this case waits for a second counsel.")
        return redirect(case)
    form = SecondApprovalForm(request.POST)
    if not form.is_valid():
        return case_page_with_errors(request, case, second_approval_form=form)
    status = form.cleaned_data["status"]
    if form.cleaned_data["confirm"] == "yes":
        return _act(
            request,
            case,
            form,
            "second_approval_form",
            services.decision_confirm,
            f"Approval confirmed: the case is {decision.outcome_label.lower()}. "
            "The clerk can now record the release.",
            decision=decision,
            expected_status=status,
        )
    return _act(
        request,
        case,
        form,
        "second_approval_form",
        services.decision_reject_pending,
        "Approval not confirmed: the request is denied. Tell the agency, then close the case.",
        decision=decision,
        rationale=form.cleaned_data["rationale"],
        expected_status=status,
    )


@case_action
def release(request, case):
    approved = case.decisions.filter(outcome=DecisionOutcome.APPROVED).first()
    form = ReleaseForm(
        request.POST,
        approved=approved.categories_approved if approved else [],
        case=case,
        approval=approved,
    )
    if not form.is_valid():
        return case_page_with_errors(request, case, release_form=form)
    data = dict(form.cleaned_data)
    return _act(
        request,
        case,
        form,
        "release_form",
        services.release_record,
        "Release recorded in the disclosure ledger; the case is now marked released."
        + (" The subject notice is still due." if _notice_due(case) else ""),
        case=case,
        expected_status=data.pop("status"),
        **data,
    )


def _notice_due(case):
    notice = SubjectNotice.objects.filter(case=case).first()
    return notice is not None and notice.status == NoticeStatus.DUE


def _notice(case):
    notice = SubjectNotice.objects.filter(case=case).first()
    if notice is None:
        raise Http404("This case has no subject notice")
    return notice


@case_action
def notice_sent(request, case):
    notice = _notice(case)
    form = NoticeSentForm(request.POST)
    if not form.is_valid():
        return case_page_with_errors(request, case, notice_sent_form=form)
    return _act(
        request,
        case,
        form,
        "notice_sent_form",
        services.notice_record_sent,
        "Subject notice recorded as sent; nothing more is due to the subject.",
        notice=notice,
        **form.cleaned_data,
    )


@case_action
def notice_exempt(request, case):
    notice = _notice(case)
    form = NoticeExemptForm(request.POST)
    if not form.is_valid():
        return case_page_with_errors(request, case, notice_exempt_form=form)
    return _act(
        request,
        case,
        form,
        "notice_exempt_form",
        services.notice_exempt,
        "Subject notice recorded as exempted, with your reason; nothing more is due to the subject.",
        notice=notice,
        reason=form.cleaned_data["reason"],
    )
