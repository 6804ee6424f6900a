from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dmvrequests.agencies.services import requester_find_or_create
from dmvrequests.audit.models import Action as AuditAction
from dmvrequests.audit.services import access_log, access_log_cases
from dmvrequests.cases import selectors, services
from dmvrequests.cases.case_table import case_rows, for_case_table
from dmvrequests.cases.decorators import case_action, refusal
from dmvrequests.cases.forms import (
    AssignForm,
    DecisionForm,
    DocumentFormSet,
    RequestForm,
    ShareForm,
    SubmitForm,
)
from dmvrequests.cases.models import DecisionOutcome, ReasonCode, Status
from dmvrequests.cases.page import case_page, submit_missing
from dmvrequests.cases.page_forms import case_page_forms
from dmvrequests.cases.queue_forms import FILTERED_TABS, QueueFilterForm
from dmvrequests.cases.search import search_page
from dmvrequests.cases.services.base import CaseChanged
from dmvrequests.cases.timeline_reads import timeline_context
from dmvrequests.cases.workflow import CaseAction, actions_for

PAGE_SIZE = 50
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


def _page(request, cases, sort=None):
    sort = sort or request.GET.get("sort", "due")
    ordered = cases.order_by(*_ordering(sort))
    # Counted on the cases alone: the rows' query joins the agency for its name, and a
    # COUNT(*) of it would join every case counted (an office's 68,052 closed cases at
    # 1,000,000: 232 ms against 15).
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = (
        for_case_table(ordered)[page.start_index() - 1 : page.end_index()]
        if page.paginator.count
        else []
    )
    page.object_list = case_rows(shown)
    return page, sort


def queue(request):
    user = request.user
    # Only the filter's own fields: ?page= belongs to the paginator, which copes with any.
    params = {k: request.GET[k] for k in ("status", "sort", "tab") if k in request.GET}
    if user.is_counsel and params.get("tab") not in FILTERED_TABS:
        params.pop("status", None)  # counsel's review queues have no status filter
    filter_form = QueueFilterForm(params)
    tab, status = filter_form.value("tab"), filter_form.value("status")
    sort = filter_form.value("sort") or "due"
    if tab == "shared":
        cases = selectors.shared_queue(user)
        heading = "Shared with us"
    elif user.is_counsel and tab != "office-cases":
        cases = selectors.review_queue(user, assigned_only=tab == "mine")
        heading = "Cases assigned to me" if tab == "mine" else "Review queue"
    else:
        cases = selectors.office_queue(user)
        heading = f"{user.office or 'Office'} queue"
    if tab in FILTERED_TABS or not user.is_counsel:
        if status in Status.values:
            cases = cases.filter(status=status)
        elif not status:
            cases = cases.open()
    page, sort = _page(request, cases, sort)
    # The rows show subject names: one record per case on the page, before it is shown.
    access_log_cases(request=request, action=AuditAction.LIST_QUEUE, cases=page.object_list)
    return render(
        request,
        "cases/queue.html",
        {
            "nav": "queue",
            "page": page,
            "sort": sort,
            "tab": tab,
            "status": status,
            "filter_form": filter_form,
            "heading": heading,
        },
        status=400 if filter_form.errors else 200,
    )


def search(request):
    query = request.GET.get("q", "").strip()
    # At most SEARCH_LIMIT matches counted and paged, in two queries (cases/search.py).
    results = search_page(request.user, query, request.GET.get("page"), PAGE_SIZE)
    if query:
        # One record per case shown; the search text itself is never logged.
        access_log_cases(request=request, action=AuditAction.SEARCH, cases=results.page.object_list)
    return render(
        request,
        "cases/search.html",
        {"nav": "search", "q": query, "page": results.page, "results": results},
    )


def _requester_for(form, agency, actor):
    requester = form.cleaned_data.get("requester")
    if requester:
        return requester
    return requester_find_or_create(agency=agency, actor=actor, **form.requester_fields())


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
    if request.method == "POST":
        # Shown again with an error: say at each file that arrived that it must be chosen again.
        documents.is_valid()
        for document in documents:
            document.file_not_kept()
    return render(
        request,
        "cases/create.html",
        {"nav": "create", "form": form, "documents": documents},
    )


def edit(request, number):
    """Complete or correct intake while the case is with the clerk (emailed requests
    arrive without categories or purpose)."""
    case, caps = selectors.case_with_capabilities_for(request.user, number)
    refused_here = refusal(request, case, caps)
    if refused_here:
        return refused_here
    if not case.intake_editable:
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
                services.case_update_intake(
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
    case = services.case_create(office=actor.office, requester=requester, actor=actor, **fields)
    for document_form in documents:
        if document_form.has_changed():
            services.document_add(case=case, actor=actor, **document_form.document_fields())
    return case


def _submit_after_create(request, case):
    missing = submit_missing(case)
    if missing:
        # Said on the form before the button is pressed too (create.html).
        messages.info(
            request,
            f"{case.number} saved as received. It goes to legal review once this is done: "
            + " ".join(missing),
        )
        return redirect(case)
    try:
        case = services.case_submit(case=case, actor=request.user)
    except ValidationError as exc:
        messages.warning(
            request, f"{case.number} saved as received; not submitted: {' '.join(exc.messages)}"
        )
    else:
        messages.success(request, _submitted_message(case))
    return redirect(case)


def detail(request, number):
    # Fetched through the selector and recorded in the access log before anything is shown.
    case = selectors.case_get_for_read(request=request, number=number)
    page = case_page(user=request.user, case=case)
    evaluation, profile = services.case_evaluate(case, documents=page.documents)
    decision_form = _decision_form(case, evaluation) if request.user.is_counsel else None
    return render(
        request,
        "cases/detail.html",
        _detail_context(request, page, evaluation, profile, decision_form),
    )


def case_page_with_errors(request, case, **bound):
    """The case page again with the form that failed bound (`release_form=form`): what was
    typed stays, the fields are marked and the summary at the top links to them. A redirect
    would lose the input."""
    access_log(request=request, action=AuditAction.VIEW_CASE, case=case)
    page = case_page(user=request.user, case=case)
    evaluation, profile = services.case_evaluate(case, documents=page.documents)
    decision_form = bound.pop("decision_form", None)
    if decision_form is None and request.user.is_counsel:
        decision_form = _decision_form(case, evaluation)
    context = _detail_context(request, page, evaluation, profile, decision_form)
    describe_form = bound.pop("describe_form", None)
    if describe_form is not None:
        # One form per document: the bound one replaces that document's form, if offered.
        document = next(
            (d for d in context["documents"] if d.pk == describe_form.document.pk), None
        )
        if document is not None and document.describe_form is not None:
            document.describe_form = context["describe_form"] = describe_form
        bound["describe_form"] = describe_form
    # Only a form the page still offers comes back (the case may have moved on meanwhile).
    shown = {name: form for name, form in bound.items() if context.get(name) is not None}
    if len(shown) < len(bound):
        messages.error(
            request,
            f"Nothing was recorded: that form no longer applies to {case.number}, which is "
            f"now “{case.get_status_display()}”.",
        )
    context.update(shown)
    context["error_forms"] = list(shown.values())
    if decision_form is not None and decision_form.is_bound and context["decision_form"]:
        context["error_forms"].append(decision_form)
    return render(request, "cases/detail.html", context, status=400)


def _decision_form(case, evaluation):
    if case.status != Status.IN_REVIEW or not evaluation:
        return None
    return DecisionForm(
        initial={"status": case.status},
        releasable=evaluation["releasable"],
        asked=case.categories,
        engine_decision=evaluation["decision"],
    )


def _detail_context(request, page, evaluation, profile, decision_form):
    """The case page's context: the selector's reads, the forms they allow, the timeline."""
    return {
        **page.reads(),
        "evaluation": evaluation,
        "profile": profile,
        **case_page_forms(page, decision_form=decision_form),
        **timeline_context(request, page.case, fold=True),
    }


def refused(request, case, form, name, exc):
    """A service refused: someone else changed the case (start again from the case as it is
    now), or the input cannot be accepted (the page again, the form bound, the reason on it)."""
    if isinstance(exc, CaseChanged):
        # The forms shown must fit the case as it is now, so none stays bound.
        messages.error(request, " ".join(exc.messages))
        case.refresh_from_db()
        return case_page_with_errors(request, case)
    add_service_error(form, exc)
    return case_page_with_errors(request, case, **{name: form})


def add_service_error(form, exc):
    """A service's refusal on the form: a message the service ties to a field the form
    has (`WorkflowError({"rationale": ...})`) is marked on that field; any other is the
    form's own error."""
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, errors in by_field.items():
        form.add_error(field if field in form.fields else None, errors)


def _submitted_message(case):
    counsel = case.assigned_counsel
    who = f"{counsel} is assigned" if counsel else "it waits in the office's review queue"
    return f"{case.number} submitted for legal review: {who}. Counsel decides or asks for more."


@case_action
def submit(request, case):
    form = SubmitForm(request.POST, office=case.office)
    if not form.is_valid():
        return case_page_with_errors(request, case, submit_form=form)
    try:
        case = services.case_submit(
            case=case, actor=request.user, assigned_counsel=form.cleaned_data["assigned_counsel"]
        )
    except ValidationError as exc:
        return refused(request, case, form, "submit_form", exc)
    messages.success(request, _submitted_message(case))
    return redirect(case)


def _reason_words(decision):
    """ ", reason: <label>" for the message, the label in full ("Administrative (non-judicial)
    document"); nothing for "Other (explain in the rationale)", which says only what the
    rationale does."""
    if decision.reason == ReasonCode.OTHER:
        return ""
    return f", reason: {decision.get_reason_display()}"


def _decided_message(case, decision):
    if decision.outcome == DecisionOutcome.DENIED:
        return (
            f"{case.number}: your denial is recorded{_reason_words(decision)}. "
            "Tell the agency, then close the case."
        )
    if decision.awaiting_second_approval:
        return (
            f"{case.number}: your approval is recorded but not final. A second counsel must "
            "confirm it before anything is released; the case stays in review until then."
        )
    return f"{case.number}: {decision.outcome_label.lower()}. The clerk can now record the release."


@case_action
def decide(request, case):
    evaluation, profile = services.case_evaluate(case)
    form = DecisionForm(
        request.POST,
        releasable=evaluation["releasable"] if evaluation else [],
        asked=case.categories,
        engine_decision=evaluation["decision"] if evaluation else "",
    )
    if form.is_valid():
        try:
            decision = services.case_decide(
                case=case,
                actor=request.user,
                rationale=form.cleaned_data["rationale"],
                expected_status=form.cleaned_data["status"],
                **form.service_arguments(),
            )
        except ValidationError as exc:
            return refused(request, case, form, "decision_form", exc)
        messages.success(request, _decided_message(case, decision))
        return redirect(case)
    return case_page_with_errors(request, case, decision_form=form)


TRANSITION_MESSAGES = {
    CaseAction.WITHDRAW: "{number} is recorded as withdrawn by the agency. Nothing more is due on it.",
    CaseAction.CLOSE: "{number} is closed. It stays searchable and in the reports.",
}


def transition(request, number):
    """POST makes the move; GET asks to confirm a withdrawal, which cannot be undone."""
    if request.method != "GET":
        return _transition(request, number)
    case, caps = selectors.case_with_capabilities_for(request.user, number)
    refused_here = refusal(request, case, caps)
    if refused_here:  # a share is read-only: no confirmation page to withdraw
        return refused_here
    action = request.GET.get("action", "")
    if action != CaseAction.WITHDRAW or action not in actions_for(case.status, request.user):
        return redirect(case)
    # The confirmation names the subject: a read of the case like the case page.
    access_log(request=request, action=AuditAction.VIEW_CASE, case=case)
    return render(request, "cases/confirm_withdraw.html", {"case": case})


@case_action
def _transition(request, case):
    action = request.POST.get("action", "")
    if action not in (CaseAction.WITHDRAW, CaseAction.CLOSE):
        messages.error(
            request, "That action is not available here. Use the buttons on the case page."
        )
        return redirect(case)
    try:
        services.case_transition(
            case=case,
            action=action,
            actor=request.user,
            expected_status=request.POST.get("status") or None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, TRANSITION_MESSAGES[action].format(number=case.number))
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
    disclosure_request, missing = preview_input(request.POST)
    context = {"profile": profile, "missing": missing, "preview": True}
    if disclosure_request is not None:
        try:
            context["evaluation"] = evaluate_with_profile(
                disclosure_request=disclosure_request, profile=profile
            )
        except PolicyInputError as exc:
            context["missing"] = [str(exc)]
    return render(request, "cases/_preview.html", context)


def _messages_from(request, exc):
    messages.error(request, " ".join(exc.messages))


@case_action
def assign(request, case):
    form = AssignForm(request.POST, case=case)
    if not form.is_valid():
        return case_page_with_errors(request, case, assign_form=form)
    try:
        services.case_assign(case=case, counsel=form.cleaned_data["counsel"], actor=request.user)
    except ValidationError as exc:
        return refused(request, case, form, "assign_form", exc)
    counsel = form.cleaned_data["counsel"]
    messages.success(
        request, f"{case.number} assigned to {counsel}; it is on their “Assigned to me” list."
    )
    return redirect(case)


@case_action
def share(request, case):
    form = ShareForm(request.POST, case=case)
    if not form.is_valid():
        return case_page_with_errors(request, case, share_form=form)
    try:
        shared = services.case_share(case=case, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return refused(request, case, form, "share_form", exc)
    messages.success(
        request,
        f"{case.number} is shared with {shared.user or shared.office}; they can open it "
        "until you stop sharing it.",
    )
    return redirect(case)


@case_action
def share_revoke(request, case, share_id):
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
