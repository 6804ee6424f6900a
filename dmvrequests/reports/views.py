"""Reports pages: the dashboard, exports and export jobs, and the published reports.

Who may open each URL is in dmvrequests/access.py: administrators everywhere,
auditors on the read-only statistics pages (dashboard, transparency report,
attestation) but not on exports of case rows.
"""

import csv
import io
import tempfile
from itertools import chain
from urllib.parse import urlencode

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dmvrequests.panels import dashboard_panels
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.reports import exports, formats, notices, services
from dmvrequests.reports.auditing import ExportNotLogged, export_cases_log, export_log
from dmvrequests.reports.forms import ExportForm, PeriodForm, ReportFilterForm
from dmvrequests.reports.network import network_csv_rows, network_section
from dmvrequests.reports.selectors import export_job_get_for, export_jobs_visible_to
from dmvrequests.reports.statistics import dashboard_figures
from dmvrequests.reports.transparency import (
    Period,
    attestation_csv_rows,
    attestation_report,
    attestation_statute,
    transparency_csv_rows,
    transparency_report,
)

FILTER_FIELDS = ("date_from", "date_to", "office", "agency_kind")
# The last filters used, so that they survive a visit to another page.
SESSION_FILTERS = "reports.filters"
RECENT_JOBS = 20


def _filter_params(request):
    """(params, given): the filters of the query string, else the remembered ones."""
    if "clear" in request.GET:
        request.session.pop(SESSION_FILTERS, None)
        return {}, False
    given = {name: request.GET[name] for name in FILTER_FIELDS if request.GET.get(name)}
    if given:
        return given, True
    return dict(request.session.get(SESSION_FILTERS, {})), False


def _filters_from(request):
    """(form, filters) where filters is None if the form has errors."""
    params, given = _filter_params(request)
    form = ReportFilterForm(params)
    if not form.is_valid():
        return form, None
    if given:
        # Only what the user chose is remembered: a default period stays "the last
        # twelve months" tomorrow too.
        request.session[SESSION_FILTERS] = params
    filters = form.filters()
    # Shown filled in with what the figures used, defaults included.
    return ReportFilterForm(filters.as_params()), filters


def _base_context(request, page):
    # The section's links carry the filters the user chose (none: the defaults).
    params = request.session.get(SESSION_FILTERS, {})
    return {"nav": "reports", "reports_page": page, "filter_query": urlencode(params)}


@require_GET
def index(request):
    """The dashboard."""
    form, filters = _filters_from(request)
    context = {**_base_context(request, "dashboard"), "form": form}
    if filters is None:
        return render(request, "reports/dashboard.html", context, status=400)
    dashboard = dashboard_figures(filters)
    context.update(
        dashboard=dashboard,
        charts=_chart_specs(dashboard),
        notice_quarters=(quarters := notices.last_quarters(filters)),
        notice_table=notices.quarter_table(quarters),
        # Other apps' panels (the outbound journal's), through dmvrequests.panels.
        panels=dashboard_panels(filters.panel_scope()),
    )
    return render(request, "reports/dashboard.html", context)


def _chart_specs(dashboard):
    """What static/js/reports/dashboard.js draws, read from a json_script block."""
    return [
        {
            "id": f"chart-{breakdown.slug}",
            "type": breakdown.chart,
            "title": breakdown.title,
            "labels": [row.label for row in breakdown.shown_rows],
            "values": [row.value for row in breakdown.shown_rows],
        }
        for breakdown in dashboard.breakdowns
    ]


# Exports -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def export_page(request):
    if request.method == "POST":
        return _export(request, ExportForm(request.POST))
    _, filters = _filters_from(request)
    initial = filters.as_params() if filters else {}
    return _export_page(request, ExportForm(initial=initial))


def _export_page(request, form, status=200, refusal=""):
    context = {
        **_base_context(request, "exports"),
        "form": form,
        "jobs": export_jobs_visible_to(request.user)[:RECENT_JOBS],
        "threshold": services.async_threshold(),
        "expiry_days": services.expiry_days(),
        "refusal": refusal,
    }
    return render(request, "reports/exports.html", context, status=status)


def _export(request, form):
    if not form.is_valid():
        return _export_page(request, form, status=400)
    data, filters = form.cleaned_data, form.filters()
    dataset, fmt = data["dataset"], data["format"]
    if dataset == exports.STATISTICS:
        return _download(fmt, dataset, filters)
    identifiers, reason = data["include_identifiers"], data["reason"].strip()
    rows = filters.cases().count()
    try:
        if rows > services.async_threshold():
            job = services.export_job_create(
                actor=request.user,
                request=request,
                dataset=dataset,
                fmt=fmt,
                filters=filters,
                include_identifiers=identifiers,
                reason=reason,
                rows_total=rows,
            )
            return redirect("reports:export_job", job_id=job.pk)
        _log_direct(request, dataset, fmt, filters, identifiers, reason, rows)
        return _download(fmt, dataset, filters, identifiers, request=request)
    except ExportNotLogged as refusal:
        return _export_page(request, form, status=503, refusal=str(refusal))


def _log_direct(request, dataset, fmt, filters, identifiers, reason, rows):
    export_log(
        actor=request.user,
        request=request,
        detail=services.export_audit_detail(
            dataset=dataset,
            fmt=fmt,
            filters=filters.as_detail(),
            include_identifiers=identifiers,
            reason=reason,
            rows=rows,
            delivery="direct download",
        ),
    )


def _download(fmt, dataset, filters, include_identifiers=False, request=None):
    """The export as an attachment: CSV and JSON streamed as written, XLSX written to a
    temporary file first (a ZIP's directory comes last) and then streamed from disk. With
    identifiers, each case is recorded as read by the user before its row is written."""
    name = exports.export_filename(dataset, fmt, filters)
    log_cases = _case_logger(request, dataset, include_identifiers)
    # With identifiers the rows come from the Python writer, which records each chunk's
    # cases before writing it; without, the fastest writer (COPY on PostgreSQL) is used.
    rows = (
        exports.export_rows(dataset, filters, include_identifiers, log_cases) if log_cases else None
    )
    if fmt == formats.XLSX:
        # Not a `with` block: FileResponse closes (and so deletes) it once sent.
        scratch = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            exports.write_export(scratch, fmt, dataset, filters, include_identifiers, rows)
        except BaseException:
            scratch.close()
            raise
        scratch.seek(0)
        response: StreamingHttpResponse = FileResponse(
            scratch, as_attachment=True, filename=name, content_type=formats.content_type(fmt)
        )
    else:
        chunks = exports.text_chunks(fmt, dataset, filters, include_identifiers, rows)
        response = StreamingHttpResponse(chunks, content_type=formats.content_type(fmt))
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


def _case_logger(request, dataset, include_identifiers):
    """What records the cases of a direct download with identifiers, chunk by chunk."""
    if not include_identifiers or request is None:
        return None

    def log_cases(keys):
        export_cases_log(
            user=request.user,
            request=request,
            cases=keys,
            detail={"export": dataset, "delivery": "direct download"},
        )

    return log_cases


def _private(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def cases_csv(request):
    """Cases as CSV from a link (no identifiers); a large export goes to the job page."""
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return _export_page(request, _as_export_form(request), status=400)
    filters = form.filters()
    rows = filters.cases().count()
    if rows > services.async_threshold():
        messages.info(
            request,
            f"This export has {rows:,} rows, too many to download at once. Ask for it here "
            "and it will be prepared in the background.",
        )
        return redirect(f"{reverse('reports:exports')}?{urlencode(filters.as_params())}")
    try:
        _log_direct(request, exports.CASES, formats.CSV, filters, False, "", rows)
    except ExportNotLogged as refusal:
        return _export_page(request, _as_export_form(request), status=503, refusal=str(refusal))
    return _download(formats.CSV, exports.CASES, filters)


def _as_export_form(request):
    """The link's filters in the export form, to show what was wrong with them."""
    form = ExportForm({**request.GET.dict(), "dataset": exports.CASES, "format": formats.CSV})
    form.is_valid()
    return form


# Export jobs ---------------------------------------------------------------------------


@require_GET
def export_job(request, job_id):
    job = export_job_get_for(request.user, job_id)
    context = {**_base_context(request, "exports"), "job": job}
    return render(request, "reports/export_job.html", context)


@require_GET
def export_job_status(request, job_id):
    """For the progress bar's script: the job's state as JSON."""
    job = export_job_get_for(request.user, job_id)
    body = {
        "status": job.status,
        "status_label": job.get_status_display(),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "progress_text": job.progress_text,
        "finished": job.finished,
    }
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_job_download(request, job_id):
    job = export_job_get_for(request.user, job_id)
    if not job.downloadable:
        raise Http404("This export is not ready, or it has expired.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("The export's file is missing from storage.") from None
    try:
        services.export_download_log(job=job, actor=request.user, request=request)
    except ExportNotLogged as refusal:
        handle.close()
        context = {**_base_context(request, "exports"), "job": job, "refusal": str(refusal)}
        return render(request, "reports/export_job.html", context, status=503)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.download_name,
        content_type=formats.content_type(job.format),
    )
    return _private(response)


# Published reports ---------------------------------------------------------------------


def _period_from(request, *, quarters_only=False):
    if not request.GET.get("year"):
        period = Period.default()
        return PeriodForm.for_period(period, quarters_only=quarters_only), period
    form = PeriodForm(request.GET, quarters_only=quarters_only)
    return form, (form.period_chosen() if form.is_valid() else None)


@require_GET
def transparency(request):
    form, period = _period_from(request)
    context = {**_base_context(request, "transparency"), "form": form}
    if period is None:
        return render(request, "reports/transparency.html", context, status=400)
    report = transparency_report(period)
    context.update(
        report=report,
        generated_at=timezone.now(),
        notices=notices.published(notices.notice_timeliness(period), report.threshold),
        network=network_section(period, report.threshold),
    )
    return render(request, "reports/transparency.html", context)


@require_GET
def transparency_csv(request):
    form, period = _period_from(request)
    if period is None:  # the page says what is wrong with the period
        return redirect(f"{reverse('reports:transparency')}?{request.GET.urlencode()}")
    report = transparency_report(period)
    notice_rows = notices.published_rows(notices.notice_timeliness(period), report.threshold)
    rows = chain(
        transparency_csv_rows(report, notice_rows),
        network_csv_rows(network_section(period, report.threshold)),
    )
    return _csv_response(rows, f"transparency-{period.slug}.csv")


@require_GET
def attestation(request):
    form, period = _period_from(request, quarters_only=True)
    context = {**_base_context(request, "attestation"), "form": form}
    if period is None:
        return render(request, "reports/attestation.html", context, status=400)
    profile = PolicyProfile.objects.filter(is_active=True).first()
    context.update(
        attestation=attestation_report(period),
        profile=profile,
        statute=attestation_statute(profile),
    )
    return render(request, "reports/attestation.html", context)


@require_GET
def attestation_csv(request):
    form, period = _period_from(request, quarters_only=True)
    if period is None:
        return redirect(f"{reverse('reports:attestation')}?{request.GET.urlencode()}")
    report = attestation_report(period)
    return _csv_response(attestation_csv_rows(report), f"attestation-{period.slug}.csv")


def _csv_response(rows, filename):
    """A small CSV (a report's few dozen rows), built in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([formats.csv_text(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type=formats.content_type(formats.CSV))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)
