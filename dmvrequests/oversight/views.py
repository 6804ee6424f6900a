"""Auditors' screens, the case timeline and counsel's redaction form.

Every screen records its own read before it shows anything: auditors are
audited too. Who may open which screen is decided by dmvrequests/access.py.
"""

import csv
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dmvrequests.audit.chain import HASHED_FIELDS
from dmvrequests.audit.models import Action, AuditChainHead, AuditRecord, Kind
from dmvrequests.audit.services import (
    CASE_OBJECT_TYPE,
    access_log_many,
    audit_record,
)
from dmvrequests.audit.wording import in_sentence
from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.cases.decorators import refusal
from dmvrequests.cases.selectors import case_get_for_read
from dmvrequests.cases.timeline import history_changes
from dmvrequests.cases.timeline_reads import timeline_context
from dmvrequests.oversight import selectors
from dmvrequests.oversight.directory_history import (
    directory_history_rows,
    directory_history_search,
)
from dmvrequests.oversight.erasure import field_label, redaction_apply
from dmvrequests.oversight.forms import (
    AccessLogFilterForm,
    DirectoryHistoryFilterForm,
    HistoryFilterForm,
    RedactionForm,
    UserActivityForm,
)
from dmvrequests.oversight.tasks import verify_audit_chain
from dmvrequests.oversight.verification import last_verification

PAGE_SIZE = 50
CSV_COLUMNS = (*HASHED_FIELDS, "hash")
# A cell starting with one of these is a formula to a spreadsheet; a failed
# sign-in's user name is typed by anyone, so such cells are defused.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filters(form):
    """The form's valid filters, or None when the form was sent with errors."""
    if not form.is_bound:
        return {}
    return form.cleaned_data if form.is_valid() else None


def _filters_for_record(filters):
    """The filters as plain text, for the auditor's own access record."""
    return {k: str(v) for k, v in (filters or {}).items() if v not in (None, "")}


def _record_auditor_read(request, action, detail=None):
    audit_record(kind=Kind.ACCESS, action=action, request=request, detail=detail)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _records_page(request, queryset):
    """A page of audit records, each with `office_name`: the office's name in words for
    the code the record keeps (the code itself if no office has it any more)."""
    page = _page(request, queryset)
    page.object_list = list(page.object_list)
    names = selectors.office_names()
    for record in page.object_list:
        record.office_name = names.get(record.office, record.office)
    return page


# The access log.


def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    filters = _filters(form)
    _record_auditor_read(request, Action.SEARCH_AUDIT, {"filters": _filters_for_record(filters)})
    if filters is None:
        context = {"nav": "audit", "section": "log", "form": form, "page": None}
        return render(request, "audit/access_log.html", context, status=400)
    page = _records_page(request, selectors.audit_records_search(filters))
    context = {"nav": "audit", "section": "log", "form": form, "page": page}
    return render(request, "audit/access_log.html", context)


def _csv_cell(value):
    if isinstance(value, dict):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    elif hasattr(value, "isoformat"):
        value = value.isoformat(timespec="microseconds")
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value):
        return value


def _csv_lines(records):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    rows = records.order_by("seq").values_list(*CSV_COLUMNS)
    for row in rows.iterator(chunk_size=2000):
        yield writer.writerow([_csv_cell(value) for value in row])


def access_log_csv(request):
    form = AccessLogFilterForm(request.GET or None)
    filters = _filters(form)
    if filters is None:
        return access_log(request)
    _record_auditor_read(request, Action.EXPORT_AUDIT, {"filters": _filters_for_record(filters)})
    records = selectors.audit_records_search(filters)
    response = StreamingHttpResponse(_csv_lines(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-trail-{timezone.localdate().isoformat()}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# The change history of cases.


def history(request):
    form = HistoryFilterForm(request.GET or None)
    filters = _filters(form)
    _record_auditor_read(request, Action.SEARCH_HISTORY, {"filters": _filters_for_record(filters)})
    context = {"nav": "audit", "section": "history", "form": form, "page": None, "rows": []}
    if filters is None:
        return render(request, "audit/history.html", context, status=400)
    page = _page(request, selectors.case_history_search(filters))
    rows = history_changes(page.object_list)
    # The changes shown include subject names: one record per case on the page.
    targets = {row.id: (row.number, CASE_OBJECT_TYPE, row.id) for row, _ in rows}
    access_log_many(request=request, action=Action.LIST_HISTORY, targets=targets.values())
    context.update(page=page, rows=rows)
    return render(request, "audit/history.html", context)


# The change history of the agency directory.


def directory_history(request):
    """The directory's versions, newest first, filtered; 400 with the form's errors for bad
    filters. Recorded as the auditor's search; the directory holds no subject's data, so
    no read per row."""
    form = DirectoryHistoryFilterForm(request.GET or None)
    filters = _filters(form)
    detail = {"filters": _filters_for_record(filters)}
    _record_auditor_read(request, Action.SEARCH_DIRECTORY_HISTORY, detail)
    context = {"nav": "audit", "section": "directory", "form": form, "page": None, "rows": []}
    if filters is None:
        return render(request, "audit/directory_history.html", context, status=400)
    page = _page(request, directory_history_search(filters))
    context.update(page=page, rows=directory_history_rows(page.object_list))
    return render(request, "audit/directory_history.html", context)


# One user's activity.


def user_activity(request):
    initial = UserActivityForm.initial_period(timezone.localdate())
    form = UserActivityForm(request.GET or None, initial=initial)
    context = {"nav": "audit", "section": "users", "form": form, "page": None}
    if not form.is_bound or not form.is_valid():
        _record_auditor_read(request, Action.USER_ACTIVITY)
        return render(
            request, "audit/user_activity.html", context, status=400 if form.is_bound else 200
        )
    data = form.cleaned_data
    _record_auditor_read(request, Action.USER_ACTIVITY, _filters_for_record(data))
    records = selectors.user_activity(data["user"], data["date_from"], data["date_to"])
    counts, cases = selectors.activity_summary(records)
    page = _records_page(request, records.select_related("user").order_by("-seq"))
    context.update(page=page, subject=data["user"], counts=counts, case_count=cases)
    return render(request, "audit/user_activity.html", context)


# The chain's verification status.


def verification(request):
    _record_auditor_read(request, Action.VIEW_VERIFICATION)
    head = AuditChainHead.objects.filter(pk=1).first()
    recent = AuditRecord.objects.filter(kind=Kind.VERIFICATION).select_related("user")[:10]
    context = {
        "nav": "audit",
        "section": "verification",
        "last": last_verification(),
        "recent": recent,
        "head": head,
    }
    return render(request, "audit/verification.html", context)


@require_POST
def verify_now(request):
    # The task records the result with this auditor as its user.
    # delay_on_commit (Celery 5.4) is missing from the celery-types stubs.
    verify_audit_chain.delay_on_commit(actor_id=request.user.pk)  # type: ignore[attr-defined]
    messages.info(
        request,
        "Verification started. Its result appears below when it finishes; a long chain "
        "takes a few minutes, so reload the page.",
    )
    return redirect("audit:verification")


# A case's timeline, and redaction.


def case_timeline(request, number):
    case = case_get_for_read(request=request, number=number, action=Action.VIEW_TIMELINE)
    context = {
        "case": case,
        "caps": capabilities_for(request.user, case),
        **timeline_context(request, case),
    }
    return render(request, "audit/case_timeline.html", context)


def redact(request, number):
    # The form shows the fields' current text so counsel can copy it: a read.
    case = case_get_for_read(request=request, number=number, detail={"page": "redaction"})
    denied = refusal(request, case, capabilities_for(request.user, case))
    if denied:
        return denied
    form = RedactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = redaction_apply(
                case=case, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _redaction_message(case, form.cleaned_data["field"], rows))
            return redirect(case)
    status = 400 if form.is_bound else 200
    return render(request, "audit/redact.html", {"case": case, "form": form}, status=status)


def _redaction_message(case, field, rows):
    label = in_sentence(field_label(field))
    entries = f"{rows} earlier version{'s' if rows != 1 else ''}"
    return f"The text was removed from {label} of {case.number} and from {entries} in its history."
