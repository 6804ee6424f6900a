"""The review queue of unrecorded-disclosure items and an item's page (docs/outbound.md).

Who may open them is in dmvrequests/access.py (counsel, administrators, auditors; only counsel
act). Every page records its reads: one access record per item listed, one per item or
attachment opened.
"""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dmvrequests.audit.models import Action as AuditAction
from dmvrequests.audit.services import access_log, access_log_many
from dmvrequests.cases.services import WorkflowError
from dmvrequests.outbound import review, selectors
from dmvrequests.outbound.forms import DismissForm, LinkForm, OpenCaseForm, PatternTryForm
from dmvrequests.outbound.identifiers import PatternTimeout, patterns_in_force
from dmvrequests.outbound.models import ReviewStatus

PAGE_SIZE = 50
# Seconds each license pattern may take on the pattern-test page's sample text: ample for any
# sensible pattern on 20,000 characters, short enough that a catastrophic one cannot hold a
# server worker.
PATTERN_TRY_SECONDS = 1.0
ITEM = "outbound.outboundmessage"


@require_GET
def queue(request):
    tab = request.GET.get("tab", "open")
    if tab not in selectors.TABS:
        tab = "open"
    page = Paginator(selectors.review_queue(tab), PAGE_SIZE).get_page(request.GET.get("page"))
    access_log_many(
        request=request,
        action=AuditAction.LIST_OUTBOUND,
        targets=[(i.case.number if i.case else "", ITEM, i.pk) for i in page.object_list],
    )
    context = {
        "page": page,
        "tab": tab,
        "tabs": selectors.TABS,
        "repeated": selectors.REPEATED_SENDER,
        "nav": "outbound",
    }
    return render(request, "outbound/queue.html", context)


@require_http_methods(["GET", "POST"])
def patterns(request):
    """Administrators try the identifier patterns on sample text (nothing is stored). The text
    is posted, never put in the address: pasted record data must not reach server logs or
    the browser's history."""
    form = PatternTryForm(request.POST or None)
    context = {"form": form, "nav": "outbound", "patterns_in_force": patterns_in_force()}
    if form.is_bound and form.is_valid():
        source = form.cleaned_data["patterns"].strip() or None
        try:
            segments = selectors.highlighted(
                form.cleaned_data["text"], source, timeout=PATTERN_TRY_SECONDS
            )
        except PatternTimeout as exc:
            form.add_error("patterns" if source else "text", str(exc))
        else:
            context["segments"] = segments
            context["found"] = [s for s in segments if s.kind]
    return render(request, "outbound/patterns.html", context, status=400 if form.errors else 200)


@require_GET
def item(request, pk):
    found = selectors.item_get(pk)
    return _page(request, found)


def _page(request, found, **forms):
    access_log(request=request, action=AuditAction.VIEW_OUTBOUND, case=found.case, obj=found)
    context = selectors.item_page(found)
    if request.user.is_counsel and found.review_status == ReviewStatus.OPEN:
        context["link_form"] = forms.get("link_form") or LinkForm()
        context["open_form"] = forms.get("open_form") or OpenCaseForm(
            initial={
                "purpose": review.suggested_purpose(found),
                "categories": review.suggested_categories(found),
            }
        )
        context["dismiss_form"] = forms.get("dismiss_form") or DismissForm()
    context["nav"] = "outbound"
    status = 400 if forms else 200
    return render(request, "outbound/item.html", context, status=status)


@require_GET
def attachment(request, pk, number):
    found = selectors.item_get(pk)
    content = selectors.attachment_of(found, number)
    if content is None:
        messages.error(request, "That attachment is not in this email; choose one from the list.")
        return redirect("outbound:item", pk=found.pk)
    filename, data = content
    access_log(
        request=request,
        action=AuditAction.VIEW_OUTBOUND,
        case=found.case,
        obj=found,
        detail={"attachment": filename},
    )
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def message(request, pk):
    """The whole email as it was kept (.eml), for one too large to be read automatically."""
    found = selectors.item_get(pk)
    if not found.raw_file or not default_storage.exists(found.raw_file):
        messages.error(request, "The email as sent is no longer kept (retention).")
        return redirect("outbound:item", pk=found.pk)
    access_log(
        request=request,
        action=AuditAction.VIEW_OUTBOUND,
        case=found.case,
        obj=found,
        detail={"format": "eml"},
    )
    response = FileResponse(
        default_storage.open(found.raw_file, "rb"),
        as_attachment=True,
        filename=f"staff-email-{found.pk}.eml",
        content_type="message/rfc822",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def link(request, pk):
    found = selectors.item_get(pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _page(request, found, link_form=form)
    try:
        case = review.item_link(item=found, number=form.cleaned_data["number"], actor=request.user)
    except WorkflowError as exc:
        form.add_error("number", exc.messages)
        return _page(request, found, link_form=form)
    messages.success(request, f"Linked to case {case.number}.")
    return redirect("outbound:item", pk=found.pk)


@require_POST
def open_case(request, pk):
    found = selectors.item_get(pk)
    form = OpenCaseForm(request.POST)
    if not form.is_valid():
        return _page(request, found, open_form=form)
    try:
        case = review.item_open_case(item=found, actor=request.user, **form.cleaned_data)
    except WorkflowError as exc:
        form.add_error(None, exc.messages)
        return _page(request, found, open_form=form)
    messages.success(
        request,
        f"Case {case.number} opened after the fact; its policy panel says whether the "
        "records should have been released.",
    )
    return redirect(case)


@require_POST
def dismiss(request, pk):
    found = selectors.item_get(pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _page(request, found, dismiss_form=form)
    try:
        review.item_dismiss(item=found, reason=form.cleaned_data["reason"], actor=request.user)
    except WorkflowError as exc:
        form.add_error("reason", exc.messages)
        return _page(request, found, dismiss_form=form)
    messages.success(request, "Dismissed, with your reason in the item's history.")
    return redirect("outbound:queue")
