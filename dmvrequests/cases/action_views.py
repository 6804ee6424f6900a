"""The POST actions of the case page: one view per service, each answering with the
case page and a message that says what happened or what to do instead."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from dmvrequests.audit.models import Action as AuditAction
from dmvrequests.audit.services import access_log
from dmvrequests.cases import selectors, services
from dmvrequests.cases.decorators import case_action
from dmvrequests.cases.forms import (
    AnswerForm,
    CallbackForm,
    DocumentForm,
    NoticeExemptForm,
    NoticeSentForm,
    QuestionForm,
    ReleaseForm,
    SecondApprovalForm,
    VerificationForm,
)
from dmvrequests.cases.models import DecisionOutcome, SubjectNotice


def _form_errors(form):
    return " ".join(e for errors in form.errors.values() for e in errors)


def _run(request, page, service, success, **arguments):
    """Call a service; a refusal becomes an error message on the case page (`page`)."""
    try:
        service(actor=request.user, **arguments)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(page)


def _bound(request, case, form):
    if form.is_valid():
        return True
    messages.error(request, f"Nothing was recorded: {_form_errors(form)}")
    return False


@case_action
def callback(request, case):
    form = CallbackForm(request.POST)
    if not _bound(request, case, form):
        return redirect(case)
    return _run(
        request,
        case,
        services.callback_record,
        "Callback recorded.",
        case=case,
        **form.cleaned_data,
    )


@case_action
def ask(request, case):
    form = QuestionForm(request.POST)
    if not _bound(request, case, form):
        return redirect(case)
    return _run(
        request,
        case,
        services.info_request,
        "The case waits for the agency's answer; its clock is paused.",
        case=case,
        question=form.cleaned_data["question"],
        expected_status=form.cleaned_data["status"],
    )


@case_action
def answer(request, case):
    form = AnswerForm(request.POST)
    if not _bound(request, case, form):
        return redirect(case)
    return _run(
        request,
        case,
        services.info_answer,
        "Answer recorded; the case is back with legal review.",
        case=case,
        answer=form.cleaned_data["answer"],
        expected_status=form.cleaned_data["status"],
    )


def document_verify(request, number, document_id):
    """Counsel's checklist for one legal document, with guidance on telling documents apart."""
    case, document = selectors.document_get_for(request.user, number, document_id)
    access_log(request=request, action=AuditAction.VIEW_CASE, case=case, obj=document)
    form = VerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_verify(
                document=document, actor=request.user, **form.service_arguments()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
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
    if not _bound(request, case, form):
        return redirect(case)
    return _run(
        request,
        case,
        services.document_add,
        "Document added. Counsel verifies it before it counts.",
        case=case,
        **form.document_fields(),
    )


@case_action
def second_approval(request, case):
    decision = case.decisions.filter(second_approval_required=True, second_approved_at=None).first()
    if decision is None:
        messages.error(request, "No approval of this case waits for a second counsel.")
        return redirect(case)
    form = SecondApprovalForm(request.POST)
    if not _bound(request, case, form):
        return redirect(case)
    status = form.cleaned_data["status"]
    if form.cleaned_data["confirm"] == "yes":
        return _run(
            request,
            case,
            services.decision_confirm,
            "Approval confirmed.",
            decision=decision,
            expected_status=status,
        )
    return _run(
        request,
        case,
        services.decision_reject_pending,
        "Approval not confirmed; the request is denied.",
        decision=decision,
        rationale=form.cleaned_data["rationale"],
        expected_status=status,
    )


@case_action
def release(request, case):
    approved = case.decisions.filter(outcome=DecisionOutcome.APPROVED).first()
    form = ReleaseForm(request.POST, approved=approved.categories_approved if approved else [])
    if not _bound(request, case, form):
        return redirect(case)
    data = form.cleaned_data
    return _run(
        request,
        case,
        services.release_record,
        "Release recorded in the disclosure ledger.",
        case=case,
        expected_status=data.pop("status"),
        **data,
    )


def _notice(case):
    notice = SubjectNotice.objects.filter(case=case).first()
    if notice is None:
        raise Http404("This case has no subject notice")
    return notice


@case_action
def notice_sent(request, case):
    notice = _notice(case)
    form = NoticeSentForm(request.POST)
    if not _bound(request, case, form):
        return redirect(case)
    return _run(
        request,
        case,
        services.notice_record_sent,
        "Subject notice recorded as sent.",
        notice=notice,
        **form.cleaned_data,
    )


@case_action
def notice_exempt(request, case):
    notice = _notice(case)
    form = NoticeExemptForm(request.POST)
    if not _bound(request, case, form):
        return redirect(case)
    return _run(
        request,
        case,
        services.notice_exempt,
        "Subject notice recorded as exempted.",
        notice=notice,
        reason=form.cleaned_data["reason"],
    )
