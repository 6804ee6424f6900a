"""The section's figures are cached per filter until the journal changes (figurecache.py,
generation.py): a cached page shows what a fresh one shows, says as of when, and every kind of
change (an import, an ORI attributed, a block, an agency's kind or name, retention, a rollup
rebuilt) makes the next page work its figures out again."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.models import Agency
from dmvrequests.agencies.services import agency_add_ori
from dmvrequests.switchjournal import figurecache, generation
from dmvrequests.switchjournal import figures as figures_of
from dmvrequests.switchjournal.services import journal_apply_retention, journal_import
from dmvrequests.switchjournal.tests.journals import (
    entry,
    journal,
    stored_queries,
    unanalysed_partitions,
)
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db


def imported(*entries):
    text = journal(*entries)
    summary = journal_import([line.encode() for line in text.splitlines(True)], name="t.txt")
    assert summary.rejected_count == 0, summary
    return summary


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def traffic(now):
    """An immigration agency (not blocked), a police agency and an unknown ORI, queries two
    days, one day and a few hours ago."""
    ice = AgencyFactory(name="ICE ERO", kind="immigration", oris="DCICE*")
    police = AgencyFactory(name="Albany Police", kind="local_law_enforcement", ori="NY0010100")
    a, b, c = now - timedelta(days=2), now - timedelta(days=1), now - timedelta(hours=5)
    imported(
        entry(a, "IN", 1, "DQ.DCICE0100.NY.C77.TXT", "NAM/QUILLBY,ADA.DOB/19800102.SEX/F.IMQ/Y."),
        entry(a + timedelta(seconds=5), "OUT", 2, "DR.NY0000000.DCICE0100.C77.TXT", "OLN/Q1."),
        entry(b, "IN", 3, "DQ.NY0010100.NY.TXT", "OLN/D1."),
        entry(c, "IN", 5, "DQ.DCXYZ0100.NY.TXT", "OLN/D7654321."),
    )
    return {"ice": ice, "police": police}


@pytest.fixture
def filters(now):
    today = timezone.localdate()
    return figures_of.Filters(today - timedelta(days=30), today)


def by_slug(computed):
    return {figure.slug: figure for figure in computed.figures}


def rows(computed, slug):
    return [(row.label, row.value) for row in by_slug(computed)[slug].rows]


def primed(filters):
    """The figures computed once, then read from the cache unchanged."""
    first = figurecache.section_figures(filters)
    again = figurecache.section_figures(filters)
    assert not first.cached and again.cached
    assert again.figures == first.figures and again.computed_at == first.computed_at
    return again


def fresh_after_change(filters):
    """The figures the page reads after a change: computed again, equal to figures worked out
    without the cache."""
    after = figurecache.section_figures(filters)
    assert not after.cached
    assert after.figures == figures_of.figures(filters)
    return after


def section_html(page):
    return [str(section) for section in page.html.select("section[id^=section-]")]


def test_a_cached_page_shows_what_a_fresh_one_shows_and_says_as_of_when(
    django_app, traffic, counsel
):
    first = django_app.get(reverse("network:index"), user=counsel)
    assert first.html.select_one("#figures-as-of") is None
    again = django_app.get(reverse("network:index"), user=counsel)
    assert "Figures as of" in again.html.select_one("#figures-as-of").get_text()
    assert again.html.select_one("#figures-as-of time").get_text().endswith((" EST", " EDT"))
    assert section_html(again) == section_html(first)
    assert len(section_html(first)) == len(figures_of.FIGURES)


def test_a_figure_s_csv_is_the_cached_figure(django_app, traffic, administrator, filters):
    query = {**filters.as_query(), "figure": "kinds"}
    fresh = django_app.get(reverse("network:figure_csv"), query, user=administrator).text
    assert figurecache.section_figures(filters).cached
    again = django_app.get(reverse("network:figure_csv"), query, user=administrator).text
    assert again == fresh and "Local law enforcement,1" in fresh


def test_filters_are_cached_apart(traffic, filters):
    everything = primed(filters)
    police = figures_of.Filters(filters.date_from, filters.date_to, "local_law_enforcement")
    only = figurecache.section_figures(police)
    assert not only.cached
    assert rows(only, "kinds") == [("Local law enforcement", 1)]
    assert len(rows(everything, "kinds")) == 3


def test_an_import_makes_the_figures_stale(traffic, filters, now):
    before = primed(filters)
    imported(entry(now - timedelta(hours=1), "IN", 9, "DQ.NY0010100.NY.TXT", "OLN/D9."))
    after = fresh_after_change(filters)
    assert by_slug(after)["months"].total == by_slug(before)["months"].total + 1


def test_attributing_an_unknown_ori_makes_the_figures_stale(traffic, filters):
    assert rows(primed(filters), "unknown") == [("DCXYZ0100", 1)]
    agency_add_ori(agency=traffic["police"], value="DCXYZ0100", actor=None)
    assert rows(fresh_after_change(filters), "unknown") == []


def test_a_block_set_on_the_admin_site_makes_the_figures_stale(
    django_app, traffic, filters, administrator, now
):
    assert rows(primed(filters), "blocked") == []
    page = django_app.get(
        reverse("admin:agencies_agency_change", args=[traffic["police"].pk]), user=administrator
    )
    form = page.forms["agency_form"]
    form["blocked"] = True
    form["blocked_reason"] = "Shares with a private investigator."
    since = timezone.localtime(now - timedelta(days=10))
    form["blocked_since"] = f"{since.date().isoformat()}T00:00:00"
    form.submit().follow()
    assert rows(fresh_after_change(filters), "blocked") == [("Local law enforcement", 1)]


def test_an_agency_kind_changed_on_the_admin_site_makes_the_figures_stale(
    django_app, traffic, filters, administrator
):
    assert ("Local law enforcement", 1) in rows(primed(filters), "kinds")
    page = django_app.get(
        reverse("admin:agencies_agency_change", args=[traffic["police"].pk]), user=administrator
    )
    form = page.forms["agency_form"]
    form["kind"] = "state_law_enforcement"
    form.submit().follow()
    kinds = rows(fresh_after_change(filters), "kinds")
    assert ("State law enforcement", 1) in kinds
    assert all(label != "Local law enforcement" for label, _ in kinds)


def test_an_agency_renamed_makes_the_figures_stale(
    traffic, filters, django_capture_on_commit_callbacks
):
    assert rows(primed(filters), "immigration") == [("DCICE0100 (ICE ERO)", 1)]
    ice = Agency.objects.get(pk=traffic["ice"].pk)
    ice.name = "Immigration and Customs Enforcement"
    with django_capture_on_commit_callbacks(execute=True) as committed:
        ice.save()
    assert committed  # the new generation is given once the rename is committed
    expected = [("DCICE0100 (Immigration and Customs Enforcement)", 1)]
    assert rows(fresh_after_change(filters), "immigration") == expected


def test_retention_makes_the_figures_stale(traffic, filters, settings, now):
    assert by_slug(primed(filters))["months"].total == 3
    settings.RETENTION_SWITCH_LOG_DAYS = 1
    journal_apply_retention(now=now + timedelta(minutes=1))
    assert by_slug(fresh_after_change(filters))["months"].total == 1


def test_a_rollup_rebuild_makes_the_figures_stale(traffic, filters, now):
    assert by_slug(primed(filters))["months"].total == 3
    # Written straight to the journal (no import), then the rollups rebuilt.
    stored_queries(now - timedelta(hours=3), 4)
    assert by_slug(fresh_after_change(filters))["months"].total == 7


def test_each_change_gives_a_new_generation(db):
    first = generation.bump()
    assert generation.current() == first
    assert generation.bump() != first


def test_the_page_shows_a_change_at_once(django_app, traffic, counsel, now):
    def months(page):
        return page.html.select_one("#section-months").get_text(" ", strip=True)

    first = django_app.get(reverse("network:index"), user=counsel)
    assert "3 queries in the period" in months(first)
    imported(entry(now - timedelta(hours=1), "IN", 9, "DQ.NY0010100.NY.TXT", "OLN/D9."))
    after = django_app.get(reverse("network:index"), user=counsel)
    assert after.html.select_one("#figures-as-of") is None
    assert "4 queries in the period" in months(after)


def test_who_may_read_the_entries_gets_their_links_from_the_cache_too(
    django_app, traffic, counsel, administrator
):
    def entry_links(page):
        return page.html.select("#table-kinds a[href*='/entries/']")

    assert not entry_links(django_app.get(reverse("network:index"), user=administrator))
    assert entry_links(django_app.get(reverse("network:index"), user=counsel))
    assert not entry_links(django_app.get(reverse("network:index"), user=administrator))


@pytest.mark.postgres
def test_on_postgresql_the_months_an_import_creates_are_analysed(traffic, now):
    from django.db import connection

    from dmvrequests.switchjournal.partitions import partition_name

    month = (now - timedelta(days=400)).astimezone(UTC)
    name = partition_name(month.year, month.month)
    imported(entry(month, "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."))
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [name])
        assert cursor.fetchone()[0] >= 0  # -1 until analysed
    assert unanalysed_partitions() == 0
