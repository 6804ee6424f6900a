"""The Network queries section (docs/network-queries.md, "The Network queries section").

Who may open each page is in dmvrequests/access.py: administrators and counsel read the
figures; counsel and auditors read the entries behind them (personal data: one access record
per entry shown); administrators attribute unknown ORIs and keep the block list.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods

from dmvrequests.access import FORM_ADDRESS
from dmvrequests.agencies.blocklist import (
    SwitchLists,
    blocked_without_ori,
    blocklist_csv,
    blocklist_hand_over,
    blocklist_rows,
    blocklist_states,
    blocklist_text,
    leak_timing,
    switch_lists,
)
from dmvrequests.agencies.directory import OriDirectory, ori_directory
from dmvrequests.agencies.models import Agency, BlocklistVersion
from dmvrequests.agencies.services import agency_add_ori
from dmvrequests.audit.models import Action as AuditAction
from dmvrequests.audit.services import access_log_many
from dmvrequests.switchjournal import figurecache
from dmvrequests.switchjournal import figures as figures_of
from dmvrequests.switchjournal.forms import (
    AttributeForm,
    EntriesForm,
    FilterForm,
    HandOverForm,
    UploadForm,
)
from dmvrequests.switchjournal.models import UNKNOWN_KIND, Direction, JournalEntry, JournalUpload
from dmvrequests.switchjournal.uploads import UploadRefused, upload_create
from dmvrequests.timewords import moment_words

PAGE_SIZE = 50
ENTRY = "switchjournal.journalentry"
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAV = "network"


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (read from the rollups: counting a year of
    the journal would take seconds), or counting them when `known` is None."""

    def __init__(self, object_list, per_page: int, known: int | None) -> None:
        super().__init__(object_list, per_page)
        self.known = known

    @cached_property
    def count(self) -> int:
        if self.known is not None:
            return self.known
        return int(super().count)


def safe_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _filter_form(request, form_class=FilterForm):
    form = form_class(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form


@require_GET
def index(request):
    form = _filter_form(request)
    filters = form.filters()
    # A filter refused shows no figures (the defaults' would read as the filter's).
    computed = None if form.errors else figurecache.section_figures(filters)
    context = {
        "form": form,
        "refused": computed is None,
        "filters": filters,
        "query": filters.as_query(),
        "figures": computed.figures if computed else [],
        "computed": computed,
        "figures_seconds": figurecache.CACHE_SECONDS,
        "may_read_entries": request.user.is_counsel or request.user.is_auditor,
        "nav": NAV,
    }
    return render(request, "switchjournal/index.html", context, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_GET
def figure_csv(request):
    """One figure's table as CSV (`figure` names it; the filters as on the section's page)."""
    form = _filter_form(request)
    filters = form.filters()
    found = figurecache.section_figure(request.GET.get("figure", ""), filters)
    if found is None or (form.is_bound and form.errors):
        problem = "names no figure" if found is None else "has filters that are not valid"
        return HttpResponse(
            f"No CSV: this address {problem}. Open Network queries and use a figure's "
            "'Download as CSV' link.\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    notes = [found.note_heading] if found.note_heading else []  # the block leaks' timing
    writer.writerow([found.heading, found.unit, found.detail_heading or "Detail", *notes])
    for row in found.rows:
        note = [safe_cell(row.note)] if notes else []
        writer.writerow([safe_cell(row.label), row.value, safe_cell(row.detail), *note])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"network-{found.slug}-{filters.date_from}-{filters.date_to}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def entries(request):
    """The messages behind a figure, newest first, PAGE_SIZE a page; every entry shown is
    recorded in the access log (the text of a query names a person)."""
    form = _filter_form(request, EntriesForm)
    filters = form.filters()
    refused = form.is_bound and bool(form.errors)
    data = {} if refused else form.cleaned_data if form.is_bound else {}
    slug, ori = data.get("figure", ""), data.get("ori", "")
    # A filter that cannot be applied shows nothing (and so records no read), rather than
    # every message.
    rows = JournalEntry.objects.none() if refused else figures_of.entries(slug, filters, ori)
    known = None if refused else figures_of.entries_count(slug, filters, ori)
    page = CountedPaginator(rows, PAGE_SIZE, known).get_page(request.GET.get("page"))
    if page.object_list:
        access_log_many(
            request=request,
            action=AuditAction.VIEW_JOURNAL,
            targets=[("", ENTRY, entry.pk) for entry in page.object_list],
            detail={**filters.as_detail(), "figure": slug or "all", "ori": ori},
        )
    spec = figures_of.BY_SLUG.get(slug)
    directory = ori_directory()  # read once for the page, not once per entry
    # The versions handed over, once, when the page shows a leak (before or after them).
    lists = switch_lists() if any(e.block_leak for e in page.object_list) else None
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [_entry_row(entry, directory, lists) for entry in page.object_list],
        "title": spec.entries_label if spec else "Every message",
        "ori": ori,
        "refused": refused,
        "may_open_agency": request.user.is_counsel,
        "nav": NAV,
    }
    return render(request, "switchjournal/entries.html", context, status=_status(form))


def _entry_row(
    entry: JournalEntry, directory: OriDirectory, lists: SwitchLists | None
) -> dict[str, object]:
    """An entry as its row shows it: its flags in words (a block leak's, whether it came
    before or after its block was handed over to the switch: `lists`), its agency and kind."""
    flags = []
    if entry.direction == Direction.IN:
        flags = [
            words
            for flag, words in (
                (entry.agency_kind == "immigration", "Immigration agency"),
                (entry.image, "Photo requested"),
                (entry.name_only, "Name only"),
                (entry.partial_plate, "Partial plate"),
                (entry.blocked, "Blocked ORI"),
                (entry.agency_kind == UNKNOWN_KIND, "Unknown ORI"),
            )
            if flag
        ]
    elif entry.block_leak:
        held = lists is not None and lists.at_switch(entry.destination, entry.timestamp)
        timing = leak_timing(1, 0) if held else leak_timing(0, 1)
        flags = ["Block leak: data sent to a blocked ORI", capfirst(timing)]
    elif not entry.carries_data:
        flags = ["No data sent"]
    return {
        "entry": entry,
        "direction": "Query" if entry.direction == Direction.IN else "Response",
        "agency": directory.attribute(
            entry.sender_ori if entry.direction == Direction.IN else entry.destination
        ),
        "kind": figures_of.kind_label(entry.agency_kind),
        "flags": flags,
    }


@require_GET
def unknown_oris(request, form=None):
    """Administrators: the ORIs no agency holds, with their counts and first and last
    queries, and the form that gives one to an agency."""
    return _unknown_page(request, form)


def _unknown_page(request, form=None):
    counted = figures_of.unknown_oris()
    initial = {"ori": request.GET.get("ori", "")[:9].upper()}
    context = {
        "rows": counted,
        "form": form or AttributeForm(initial=initial),
        "nav": NAV,
    }
    return render(request, "switchjournal/unknown.html", context, status=400 if form else 200)


@require_http_methods(["GET", "POST"])
def attribute(request):
    if request.method != "POST":  # a re-opened form address: the form is on Unknown ORIs
        messages.info(request, FORM_ADDRESS)
        return redirect("network:unknown_oris")
    form = AttributeForm(request.POST)
    if not form.is_valid():
        return _unknown_page(request, form)
    agency = form.cleaned_data["agency"]
    value = form.cleaned_data["ori"].strip().upper()
    before = figures_of.queries_not_of(value, agency.pk)
    try:
        ori = agency_add_ori(
            agency=agency,
            value=value,
            actor=request.user,
            other_state_confirmed=form.cleaned_data["other_state_confirmed"],
        )
    except ValidationError as error:
        form.add_error("ori", error.messages)
        return _unknown_page(request, form)
    moved = before - figures_of.queries_not_of(ori, agency.pk)
    if moved:
        past = (
            f"{intcomma(moved)} past quer{'y' if moved == 1 else 'ies'} from it "
            f"{'was' if moved == 1 else 'were'} attributed to the agency, and their flags "
            "(blocked agency, immigration agency, block leak) checked again."
        )
    else:
        past = "The journal holds no past query from it; its next queries will be the agency's."
    messages.success(
        request,
        f"{ori} now belongs to {agency.name}. {past} The change is in the agency's history.",
    )
    return redirect("network:unknown_oris")


@require_GET
def blocklist(request, form=None):
    return _blocklist_page(request, form)


def _blocklist_page(request, form=None):
    states = blocklist_states()
    context = {
        "rows": states,
        "waiting": sum(state.waiting for state in states),
        "without_ori": blocked_without_ori(),  # nothing of theirs to hand over: said apart
        "versions": BlocklistVersion.objects.select_related("handed_over_by")[:20],
        "form": form or HandOverForm(),
        "nav": NAV,
    }
    return render(request, "switchjournal/blocklist.html", context, status=400 if form else 200)


def _download(content: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ori-blocklist-{stamp}.{extension}"'
    return response


@require_GET
def blocklist_download_csv(request):
    return _download(blocklist_csv(blocklist_rows()), "text/csv", "csv")


@require_GET
def blocklist_download_text(request):
    return _download(blocklist_text(blocklist_rows()), "text/plain", "txt")


@require_http_methods(["GET", "POST"])
def hand_over(request):
    if request.method != "POST":  # a re-opened form address: the form is on the block list
        messages.info(request, FORM_ADDRESS)
        return redirect("network:blocklist")
    form = HandOverForm(request.POST)
    if not form.is_valid():
        return _blocklist_page(request, form)
    version = blocklist_hand_over(actor=request.user)
    count = len(version.oris.split())
    when = moment_words(version.handed_over_at)
    messages.success(
        request,
        f"Recorded: the block list of {intcomma(count)} ORI{'s' if count != 1 else ''} was handed to the "
        f"switch by you on {when}. Every block on it is now shown as handed over to the switch.",
    )
    return redirect("network:blocklist")


@require_GET
def agency(request, pk):
    """An agency's ORIs and patterns, its block, its ORIs on the block list with their state
    at the switch (as the block list says it), its queries by month and its flags."""
    found = get_object_or_404(Agency, pk=pk)
    form = _filter_form(request)
    filters = form.filters()
    scoped = figures_of.Filters(filters.date_from, filters.date_to, agency=found)
    blocks = [state for state in blocklist_states() if state.agency == found]
    # A filter refused shows no figures, as the section's page (the defaults' would read as
    # the filter's).
    refused = bool(form.errors)
    flags = None if refused else figures_of.flag_counts(scoped)
    context = {
        "agency": found,
        "form": form,
        "refused": refused,
        "filters": scoped,
        "query": scoped.as_query(),
        "months": None if refused else figures_of.figure("months", scoped),
        "flags": flags,
        "leaks": _leaks_of(scoped, flags),
        "may_read_entries": request.user.is_counsel or request.user.is_auditor,
        "blocks": blocks,
        "blocks_waiting": sum(state.waiting for state in blocks),
        # The agency's own block is at the switch once every one of its ORIs is.
        "block_waiting": any(state.waiting for state in blocks if state.row.ori in found.ori_list),
        "nav": NAV,
    }
    return render(request, "switchjournal/agency.html", context, status=_status(form))


def _leaks_of(
    scoped: figures_of.Filters, flags: list[figures_of.Row] | None
) -> figures_of.Figure | None:
    """The block leaks' figure of an agency's page (by ORI, before or after the hand-over),
    read only when its flags count a leak; None otherwise."""
    leaked = any(row.entries.get("figure") == "leaks" and row.value for row in flags or [])
    return figures_of.figure("leaks", scoped) if leaked else None


@require_http_methods(["GET", "POST"])
def upload(request):
    """Administrators upload a journal file; its import runs as a background job."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = upload_create(upload=form.cleaned_data["journal"], actor=request.user)
        except UploadRefused as error:
            form.add_error("journal", str(error))
        else:
            return redirect("network:upload_job", job_id=job.pk)
    context = {
        "form": form,
        "uploads": JournalUpload.objects.select_related("requested_by")[:10],
        "nav": NAV,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "switchjournal/upload.html", context, status=status)


@require_GET
def upload_job(request, job_id):
    job = get_object_or_404(JournalUpload, pk=job_id)
    return render(request, "switchjournal/upload_job.html", {"job": job, "nav": NAV})


@require_GET
def upload_status(request, job_id):
    """The upload's progress as JSON, for a page that polls instead of reloading."""
    job = get_object_or_404(JournalUpload, pk=job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.status_label,
            "percent": job.percent,
            "progress_text": job.progress_text,
            "finished": job.finished,
            "summary": job.summary,
            "error": job.error,
        }
    )
