from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dmvrequests.access import FORM_ADDRESS
from dmvrequests.audit.models import Action as AuditAction
from dmvrequests.audit.services import access_log, access_log_many
from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.cases.services import WorkflowError
from dmvrequests.intake import selectors, services
from dmvrequests.intake.forms import DiscardForm, ReleaseForm

PAGE_SIZE = 50
MESSAGE = "intake.inboundmessage"


@require_GET
def quarantine(request):
    held, sort = selectors.quarantine_held(request.GET.get("sort", selectors.DEFAULT_SORT))
    page = Paginator(held, PAGE_SIZE).get_page(request.GET.get("page"))
    # Senders and subject lines can name people: one record per message shown.
    access_log_many(
        request=request,
        action=AuditAction.LIST_QUARANTINE,
        targets=[(m.case.number if m.case else "", MESSAGE, m.pk) for m in page.object_list],
    )
    context = {"page": page, "sort": sort, "nav": "quarantine"}
    return render(request, "intake/quarantine_list.html", context)


@require_GET
def quarantine_detail(request, pk):
    message = selectors.quarantined_message_for(request.user, pk)
    return _detail(request, message)


@require_http_methods(["GET", "POST"])
def quarantine_release(request, pk):
    message = selectors.quarantined_message_for(request.user, pk)
    if request.method != "POST":
        # A re-opened form address: the release form is on the held email's page.
        messages.info(request, FORM_ADDRESS)
        return redirect("intake:quarantine_detail", pk=message.pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            case = services.quarantine_release(
                message=message, actor=request.user, **form.cleaned_data
            )
        except WorkflowError as exc:
            return _refused(request, message, exc)
        else:
            messages.success(
                request,
                f"Released into case {case.number}. Complete its intake: purpose, record "
                "categories, subject and the legal documents' type.",
            )
            # Open the case if the clerk may (their own office's); another office's is not theirs.
            if capabilities_for(request.user, case).view:
                return redirect(case)
            return redirect("intake:quarantine")
    return _detail(request, message, release_form=form)


@require_http_methods(["GET", "POST"])
def quarantine_discard(request, pk):
    """GET asks to confirm, with the reason; POST discards."""
    message = selectors.quarantined_message_for(request.user, pk)
    if not message.is_held:
        return redirect("intake:quarantine_detail", pk=message.pk)
    form = DiscardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quarantine_discard(
                message=message, reason=form.cleaned_data["reason"], actor=request.user
            )
        except WorkflowError as exc:
            return _refused(request, message, exc)
        else:
            messages.success(
                request, "Message discarded. It is kept, with your reason, as a record."
            )
            return redirect("intake:quarantine")
    # The confirmation names the email (sender, subject line): a read, recorded first.
    access_log(
        request=request,
        action=AuditAction.VIEW_CASE,
        case=message.case,
        obj=message,
        detail={"page": "discard"},
    )
    context = {"message": message, "form": form, "nav": "quarantine"}
    return render(request, "intake/quarantine_discard.html", context)


def _refused(request, message, exc):
    # Not a mistake in the form but the message's state (handled by someone else
    # meanwhile, unreadable): say so above the page as it now is.
    messages.error(request, " ".join(exc.messages))
    return redirect("intake:quarantine_detail", pk=message.pk)


def _detail(request, message, *, release_form=None, discard_form=None):
    # The page shows the whole email (names, license and plate numbers): a read, recorded
    # before anything is shown, under the case's number once it has one.
    access_log(
        request=request,
        action=AuditAction.VIEW_CASE,
        case=message.case,
        obj=message,
        detail={"page": "quarantine"},
    )
    if release_form is None:
        release_form = ReleaseForm(
            initial={"agency": message.agency_id, "office": request.user.office_id}
        )
    context = {
        "message": message,
        "display": selectors.message_display(message),
        "release_form": release_form,
        "discard_form": discard_form or DiscardForm(),
        "nav": "quarantine",
    }
    return render(request, "intake/quarantine_detail.html", context)


@require_GET
def message_original(request, pk):
    """One email of a case as it arrived: header fields, every text part, attachments.

    Read from the summary stored at ingest; a read of case data, recorded against
    the case before anything is shown (404, unrecorded, for a case not visible).
    """
    message = selectors.case_message_for(request.user, pk)
    access_log(
        request=request,
        action=AuditAction.VIEW_CASE,
        case=message.case,
        obj=message,
        detail={"page": "original email"},
    )
    shown = message.duplicate_of or message
    context = {
        "message": message,
        "case": message.case,
        "display": selectors.message_display(shown),
    }
    return render(request, "intake/message_original.html", context)
