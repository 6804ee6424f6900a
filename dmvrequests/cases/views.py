from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dmvrequests.agencies.models import Requester
from dmvrequests.audit.models import Action as AuditAction
from dmvrequests.audit.services import access_log, access_log_cases, case_get_for_read
from dmvrequests.audit.timeline import timeline_context
from dmvrequests.cases import selectors, services
from dmvrequests.cases.decorators import case_action
from dmvrequests.cases.forms import (
    AssignForm,
    DecisionForm,
    DocumentFormSet,
    RequestForm,
    ShareForm,
    SubmitForm,
)
from dmvrequests.cases.models import Status, SubjectNotice
from dmvrequests.cases.workflow import Action, actions_for

PAGE_SIZE = 50
OPEN_FOR_DOCUMENTS = (Status.RECEIVED, Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED)
QUEUE_SORTS = {
    "due": ("-emergency", "due_date", "received_at", "pk"),
    "received": ("received_at", "pk"),
    "number": ("number",),
    "agency": ("agency__name", "received_at", "pk"),
    "status": ("status", "received_at", "pk"),
}


def _ordering(sort):
    key = sort.lstrip("-")
    fields = QUEUE_SORTS.get(key, QUEUE_SORTS["due"])
    if sort.startswith("-") and key in QUEUE_SORTS:
        return [f[1:] if f.startswith("-") else f"-{f}" for f in fields]
    return list(fields)


def home(request):
    user = request.user
    if user.is_clerk or user.is_counsel:
        return redirect("cases:queue")
    if user.is_auditor:
        return redirect("cases:search")
    if user.is_administrator:
        return redirect("reports:index")
    return render(request, "cases/no_role.html")


def _page(request, cases):
    sort = request.GET.get("sort", "due")
    cases = cases.order_by(*_ordering(sort))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, sort


def queue(request):
    user = request.user
    tab = request.GET.get("tab", "")
    status = request.GET.get("status", "")
    if user.is_counsel and tab != "office-cases":
        cases = selectors.review_queue(user, assigned_only=tab == "mine")
        heading = "Cases assigned to me" if tab == "mine" else "Review queue"
    else:
        cases = selectors.office_queue(user)
        heading = f"{user.office or 'Office'} queue"
        if status in Status.values:
            cases = cases.filter(status=status)
        elif not status:
            cases = cases.open()
    page, sort = _page(request, cases)
    return render(
        request,
        "cases/queue.html",
        {
            "nav": "queue",
            "page": page,
            "sort": sort,
            "tab": tab,
            "status": status,
            "statuses": Status.choices,
            "heading": heading,
        },
    )


def search(request):
    query = request.GET.get("q", "").strip()
    cases = selectors.requests_search(request.user, query)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    if query:
        # One record per case shown; the search text itself is never logged.
        access_log_cases(request=request, action=AuditAction.SEARCH, cases=page.object_list)
    return render(request, "cases/search.html", {"nav": "search", "q": query, "page": page})


def _requester_for(form, agency, actor):
    requester = form.cleaned_data.get("requester")
    if requester:
        return requester
    fields = form.requester_fields()
    existing = None
    if fields["email"]:
        existing = Requester.objects.filter(agency=agency, email__iexact=fields["email"]).first()
    if existing:
        return existing
    requester = Requester(agency=agency, **fields)
    requester._history_user = actor
    requester.full_clean()
    requester.save()
    return requester


def create(request):
    form = RequestForm(request.POST or None)
    documents = DocumentFormSet(request.POST or None, request.FILES or None, prefix="docs")
    if request.method == "POST" and form.is_valid() and documents.is_valid():
        try:
            case = _create_case(request, form, documents)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if "submit" in request.POST:
                return _submit_after_create(request, case)
            messages.success(
                request,
                f"{case.number} saved as received. Submit it for legal review when intake is complete.",
            )
            return redirect(case)
    return render(
        request,
        "cases/create.html",
        {"nav": "create", "form": form, "documents": documents},
    )


def edit(request, number):
    """Complete or correct intake while the case is with the clerk (emailed requests
    arrive without categories or purpose)."""
    case = selectors.request_get_for(request.user, number)
    if case.status not in (Status.RECEIVED, Status.NEEDS_INFO):
        messages.error(
            request, "This case is with legal review; its intake can no longer be edited."
        )
        return redirect(case)
    access_log(request=request, action=AuditAction.VIEW_CASE, case=case)
    form = RequestForm(request.POST or None, initial=_intake_initial(case), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                fields = form.case_fields()
                requester = _requester_for(form, fields["agency"], request.user)
                services.request_update_intake(
                    case=case, actor=request.user, requester=requester, **fields
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Intake of {case.number} saved.")
            return redirect(case)
    return render(request, "cases/edit.html", {"case": case, "form": form})


def _intake_initial(case):
    initial = {name: getattr(case, name) for name in services.requests.INTAKE_FIELDS}
    initial["received_at"] = timezone.localtime(case.received_at).strftime("%Y-%m-%dT%H:%M")
    initial["agency"], initial["requester"] = case.agency_id, case.requester_id
    return initial


@transaction.atomic
def _create_case(request, form, documents):
    actor = request.user
    fields = form.case_fields()
    requester = _requester_for(form, fields["agency"], actor)
    case = services.request_create(office=actor.office, requester=requester, actor=actor, **fields)
    for document_form in documents:
        if document_form.has_changed():
            services.document_add(case=case, actor=actor, **document_form.document_fields())
    return case


def _submit_after_create(request, case):
    try:
        services.request_submit(case=case, actor=request.user)
    except ValidationError as exc:
        messages.warning(
            request, f"{case.number} was saved but not submitted: {' '.join(exc.messages)}"
        )
    else:
        messages.success(request, f"{case.number} submitted for legal review.")
    return redirect(case)


def detail(request, number):
    # Fetched through the selector and recorded in the access log before anything is shown.
    case = case_get_for_read(request=request, number=number)
    evaluation, profile = services.case_evaluate(case)
    user = request.user
    decision_form = None
    if user.is_counsel and case.status == Status.IN_REVIEW and evaluation:
        decision_form = DecisionForm(
            initial={"status": case.status},
            releasable=evaluation["releasable"],
            asked=case.categories,
        )
    return render(
        request,
        "cases/detail.html",
        _detail_context(request, case, evaluation, profile, decision_form),
    )


def _detail_context(request, case, evaluation, profile, decision_form):
    from dmvrequests.cases import forms as f

    user = request.user
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    # One query for the three uses (the list, the approval, the pending one).
    decisions = list(case.decisions.select_related("decided_by", "second_approved_by"))
    approved = next((d for d in decisions if d.outcome == "approved"), None)
    pending = next((d for d in decisions if d.awaiting_second_approval), None)
    notice = SubjectNotice.objects.filter(case=case).first()
    clerk_here = user.is_clerk
    counsel_here = user.is_counsel
    return {
        "case": case,
        "evaluation": evaluation,
        "profile": profile,
        "documents": case.documents.select_related("uploaded_by"),
        "decisions": decisions,
        "pending_approval": pending,
        "second_approval_form": f.SecondApprovalForm(initial={"status": case.status})
        if counsel_here and pending and pending.decided_by_id != user.pk
        else None,
        "decision_form": None if pending else decision_form,
        "needs_callback": services.needs_callback(case),
        "callbacks": case.callbacks.select_related("recorded_by"),
        "callback_form": f.CallbackForm(initial={"called_at": now})
        if clerk_here and case.is_open and services.needs_callback(case)
        else None,
        "info_requests": case.info_requests.select_related("asked_by", "answered_by"),
        "question_form": f.QuestionForm(initial={"status": case.status})
        if counsel_here and case.status == Status.IN_REVIEW and not pending
        else None,
        "answer_form": f.AnswerForm(initial={"status": case.status})
        if clerk_here and case.status == Status.NEEDS_INFO
        else None,
        "document_form": f.DocumentForm(prefix="newdoc")
        if (clerk_here or counsel_here) and case.status in OPEN_FOR_DOCUMENTS
        else None,
        "releases": case.releases.select_related("recorded_by"),
        "messages_in": case.inbound_messages.order_by("received_at"),
        "release_form": f.ReleaseForm(
            approved=approved.categories_approved,
            initial={
                "status": case.status,
                "released_at": now,
                "categories": approved.categories_approved,
                "recipient": str(case.requester or ""),
            },
        )
        if clerk_here and approved and case.status == Status.APPROVED
        else None,
        "notice": notice,
        "notice_sent_form": f.NoticeSentForm(initial={"sent_at": now})
        if notice and notice.status == "due" and (clerk_here or counsel_here)
        else None,
        "notice_exempt_form": f.NoticeExemptForm()
        if notice and notice.status == "due" and counsel_here
        else None,
        "submit_form": f.SubmitForm(office=case.office)
        if clerk_here and case.status == Status.RECEIVED
        else None,
        "actions": [
            Action(a)
            for a in actions_for(case.status, user)
            if a in (Action.WITHDRAW, Action.CLOSE)
        ],
        "shares": case.shares.filter(revoked_at=None).select_related(
            "user", "office", "granted_by"
        ),
        "share_form": f.ShareForm(case=case)
        if counsel_here and case.office_id == user.office_id
        else None,
        "assign_form": f.AssignForm(case=case, initial={"counsel": case.assigned_counsel_id})
        if counsel_here and case.is_open
        else None,
        **timeline_context(request, case, fold=True),
    }


@case_action
def submit(request, case):
    form = SubmitForm(request.POST, office=case.office)
    if not form.is_valid():
        messages.error(
            request, "Choose counsel from the list, or leave the case in the office queue."
        )
        return redirect(case)
    try:
        services.request_submit(
            case=case, actor=request.user, assigned_counsel=form.cleaned_data["assigned_counsel"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{case.number} submitted for legal review.")
    return redirect(case)


@case_action
def decide(request, case):
    evaluation, profile = services.case_evaluate(case)
    form = DecisionForm(
        request.POST,
        releasable=evaluation["releasable"] if evaluation else [],
        asked=case.categories,
    )
    if form.is_valid():
        try:
            decision = services.request_decide(
                case=case,
                actor=request.user,
                rationale=form.cleaned_data["rationale"],
                expected_status=form.cleaned_data["status"],
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{case.number}: {decision.get_outcome_display().lower()}.")
            return redirect(case)
    access_log(request=request, action=AuditAction.VIEW_CASE, case=case)
    context = _detail_context(request, case, evaluation, profile, form)
    return render(request, "cases/detail.html", context, status=400)


@case_action
def transition(request, case):
    action = request.POST.get("action", "")
    if action not in (Action.WITHDRAW, Action.CLOSE):
        messages.error(
            request, "That action is not available here. Use the buttons on the case page."
        )
        return redirect(case)
    try:
        services.request_transition(
            case=case,
            action=action,
            actor=request.user,
            expected_status=request.POST.get("status") or None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{case.number}: {Action(action).label.lower()} done.")
    return redirect(case)


def document_download(request, number, document_id):
    case, document = selectors.document_get_for(request.user, number, document_id)
    if not document.file:
        raise Http404("No file")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("File missing from storage") from None
    try:
        access_log(request=request, action=AuditAction.DOWNLOAD_DOCUMENT, case=case, obj=document)
    except Exception:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_filename or f"{case.number}-document-{document.pk}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evaluate_preview(request):
    """The policy panel for a request being logged, refreshed as the clerk types."""
    from dmvrequests.cases.preview import preview_input
    from dmvrequests.policy.engine import PolicyInputError
    from dmvrequests.policy.services import evaluate_with_profile, profile_active

    profile = profile_active()
    request_input, missing = preview_input(request.POST)
    context = {"profile": profile, "missing": missing, "preview": True}
    if request_input is not None:
        try:
            context["evaluation"] = evaluate_with_profile(request=request_input, profile=profile)
        except PolicyInputError as exc:
            context["missing"] = [str(exc)]
    return render(request, "cases/_preview.html", context)


def _messages_from(request, exc):
    messages.error(request, " ".join(exc.messages))


@case_action
def assign(request, case):
    form = AssignForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, "Choose counsel of the case's office from the list.")
        return redirect(case)
    try:
        services.request_assign(case=case, counsel=form.cleaned_data["counsel"], actor=request.user)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, f"{case.number} assigned to {form.cleaned_data['counsel']}.")
    return redirect(case)


@case_action
def share(request, case):
    if case.office_id != request.user.office_id:
        raise Http404("Only the case's own office shares it")
    form = ShareForm(request.POST, case=case)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, "The case was not shared: " + " ".join(errors))
        return redirect(case)
    try:
        shared = services.case_share(case=case, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, f"{case.number} is shared with {shared.user or shared.office}.")
    return redirect(case)


@case_action
def share_revoke(request, case, share_id):
    if case.office_id != request.user.office_id:
        raise Http404("Only the case's own office revokes its shares")
    share = case.shares.filter(pk=share_id).first()
    if share is None:
        raise Http404("No such share")
    try:
        # Plain text only: NUL characters cannot be stored (PostgreSQL refuses them).
        reason = request.POST.get("reason", "").replace("\x00", "")[:2000]
        services.case_share_revoke(share=share, actor=request.user, reason=reason)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, f"{share.user or share.office} no longer sees {case.number}.")
    return redirect(case)
