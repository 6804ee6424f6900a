from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest, Status
from dmvrequests.reports.exports import cases_for_export, csv_lines
from dmvrequests.reports.forms import DateRangeForm


def _status_counts():
    found = dict(DisclosureRequest.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return [(label, found.get(value, 0)) for value, label in Status.choices]


def _index(request, form, status=200):
    counts = _status_counts()
    context = {"nav": "reports", "form": form, "counts": counts, "total": sum(n for _, n in counts)}
    return render(request, "reports/index.html", context, status=status)


def index(request):
    return _index(request, DateRangeForm())


def cases_csv(request):
    form = DateRangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _index(request, form, status=400)
    data = form.cleaned_data if form.is_bound else {}
    rows = cases_for_export(data.get("date_from"), data.get("date_to"))
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="cases-{timezone.localdate().isoformat()}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
