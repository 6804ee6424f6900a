"""The Network queries section as people use it: figures with their charts, tables, filters and
CSV; the entries behind them (every read recorded); unknown ORIs attributed; the block list
downloaded and its hand-over recorded; an agency's page. Forms filled in as rendered."""

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.models import BlocklistVersion
from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.services import journal_import
from dmvrequests.switchjournal.tests.journals import entry, journal, stored_queries
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def traffic(blocked_ice):
    """A blocked immigration agency answered by mistake (a block leak), a police agency, and
    an ORI no agency holds; all within the last few days."""
    now = timezone.now().replace(microsecond=0)
    ice = blocked_ice
    police = AgencyFactory(name="Albany Police", kind="local_law_enforcement", ori="NY0010100")
    a, b, c = now - timedelta(days=2), now - timedelta(days=1), now - timedelta(hours=5)
    text = journal(
        entry(a, "IN", 1, "DQ.DCICE0100.NY.C77.TXT", "NAM/QUILLBY,ADA.DOB/19800102.SEX/F.IMQ/Y."),
        entry(a + timedelta(seconds=5), "OUT", 2, "DR.NY0000000.DCICE0100.C77.TXT", "OLN/Q1."),
        entry(b, "IN", 3, "RPQ.NY0010100.NY.TXT", "LIC/AB*12."),
        entry(b, "IN", 4, "DNQ.NY0010100.NY.TXT", "NAM/DOE,JANE."),
        entry(c, "IN", 5, "DQ.DCXYZ0100.NY.TXT", "OLN/D7654321."),
        entry(c, "IN", 6, "DQ.DCXYZ0100.NY.TXT", "OLN/D7654322."),
    )
    summary = journal_import([line.encode() for line in text.splitlines(True)], name="t.txt")
    assert summary.imported == 6 and summary.rejected_count == 0, summary
    return {"ice": ice, "police": police}


def rows_of(page, table_id):
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in page.html.select(f"#{table_id} tbody tr")
    ]


class TestFigures:
    def test_block_leaks_come_first_with_chart_and_table(self, django_app, traffic, counsel):
        page = django_app.get(reverse("network:index"), user=counsel)
        headings = [h.get_text(strip=True) for h in page.html.select("section > h2")]
        assert headings[0] == "Block leaks"
        assert "1 block leak" in page.html.select_one("#leak-alert").get_text()
        assert rows_of(page, "table-leaks")[0][:2] == ["DCICE0100 (ICE ERO)", "1"]
        svg = page.html.select_one("#section-leaks svg")
        assert svg["role"] == "img" and svg.find("title").get_text().startswith("Block leaks")
        kinds = dict(row[:2] for row in rows_of(page, "table-kinds"))
        assert kinds == {
            "Local law enforcement": "2",
            "Unknown ORI (no agency)": "2",
            "Immigration enforcement": "1",
        }
        immigration = page.html.select_one("#section-immigration").get_text()
        assert "1 of 5 queries came from immigration agencies (20.0 %)" in immigration
        assert rows_of(page, "table-image")[0][:2] == ["Immigration enforcement", "1"]
        assert rows_of(page, "table-name_only")[0][:2] == ["Local law enforcement", "1"]
        assert rows_of(page, "table-partial_plate")[0][:2] == ["Local law enforcement", "1"]
        assert rows_of(page, "table-unknown")[0][:2] == ["DCXYZ0100", "2"]

    def test_each_entries_link_names_each_filter_once(self, django_app, traffic, counsel):
        """A row's own filters (a month's dates, a kind) replace the page's, not follow them."""
        page = django_app.get(
            reverse("network:index"),
            {"date_from": "2026-01-01", "date_to": "2026-12-31"},
            user=counsel,
        )
        links = [a["href"] for a in page.html.select("a") if a.get_text().startswith("Entries")]
        assert links
        for link in links:
            names = [name for name, _ in parse_qsl(urlsplit(link).query)]
            assert len(names) == len(set(names)), link

    def test_filters_by_kind_and_agency_as_the_form_sends_them(
        self, django_app, traffic, administrator
    ):
        page = django_app.get(reverse("network:index"), user=administrator)
        form = page.forms[1]  # the first form is signing out
        form["agency_kind"] = "local_law_enforcement"
        page = form.submit()
        assert dict(row[:2] for row in rows_of(page, "table-kinds")) == {
            "Local law enforcement": "2"
        }
        assert "No response carried DMV data" in page.text
        form = page.forms[1]
        form["agency_kind"] = ""
        form["agency"] = str(traffic["ice"].pk)
        page = form.submit()
        assert rows_of(page, "table-leaks")[0][1] == "1"
        assert "Entries" not in [a.get_text() for a in page.html.select("a")]  # not for admins

    def test_a_reversed_period_is_refused_with_a_message(self, django_app, traffic, counsel):
        page = django_app.get(
            reverse("network:index"),
            {"date_from": "2026-05-02", "date_to": "2026-05-01"},
            user=counsel,
            status=400,
        )
        assert "The end date is before the start date; swap them." in page.text
        marked = page.html.find(id="date_to-error")  # at the "To" field, which is marked
        assert marked is not None and "swap them" in marked.text
        assert page.html.find(id="id_date_to").get("aria-invalid") == "true"
        assert page.html.select_one('#error-summary a[href="#id_date_to"]') is not None
        assert "Fix the filter: correct the problem below" in page.text
        assert "Nothing was saved" not in page.text
        # No figures under a refused filter: the defaults' would read as the filter's.
        assert page.html.find(id="filters-refused") is not None
        assert page.html.find(id="leak-alert") is None and not page.html.select("section > h2")

    def test_a_period_over_ten_years_is_said_at_its_start(self, django_app, traffic, counsel):
        page = django_app.get(
            reverse("network:index"),
            {"date_from": "2000-01-01", "date_to": "2026-05-01"},
            user=counsel,
            status=400,
        )
        assert "longer than ten years" in page.html.find(id="date_from-error").text
        assert page.html.find(id="id_date_from").get("aria-invalid") == "true"
        assert page.html.select_one('#error-summary a[href="#id_date_from"]') is not None
        assert page.html.title.string.startswith("Error: ")

    def test_the_leak_s_next_steps_are_those_the_reader_may_take(
        self, django_app, traffic, counsel, administrator
    ):
        read = django_app.get(reverse("network:index"), user=counsel)
        assert "open their entries" in read.html.select_one("#leak-alert").get_text()
        kept = django_app.get(reverse("network:index"), user=administrator)
        steps = kept.html.select_one("#leak-alert").get_text()
        assert "check on the block list page" in steps and "ask counsel" in steps

    def test_a_figure_downloads_as_csv_guarded_against_formulas(self, django_app, traffic, counsel):
        traffic["police"].name = "=HYPERLINK(1)"
        traffic["police"].save()
        page = django_app.get(reverse("network:index"), user=counsel)
        link = page.click(description="Download “Immigration agencies' queries” as CSV")
        assert link.content_type == "text/csv"
        rows = list(csv.reader(io.StringIO(link.text)))
        assert rows == [
            ["ORI (agency)", "Queries", "Photo requests"],
            ["DCICE0100 (ICE ERO)", "1", "1 photo request"],
        ]
        other = django_app.get(
            reverse("network:figure_csv"), {"figure": "bursts"}, user=counsel
        ).text
        assert other.startswith("ORI (agency),Queries,From and to")
        entries = django_app.get(
            reverse("network:entries"), {"ori": "NY0010100"}, user=counsel
        ).text
        assert "=HYPERLINK(1)" in entries  # the page shows the name as it is

    def test_an_unknown_figure_is_refused_in_words(self, django_app, counsel):
        page = django_app.get(
            reverse("network:figure_csv"), {"figure": "nope"}, user=counsel, status=400
        )
        assert page.content_type == "text/plain"
        assert page.text.startswith("No CSV: this address names no figure.")
        page = django_app.get(
            reverse("network:figure_csv"),
            {"figure": "kinds", "date_from": "2026-05-02", "date_to": "2026-05-01"},
            user=counsel,
            status=400,
        )
        assert "has filters that are not valid" in page.text

    def test_agency_names_link_to_their_page(self, django_app, traffic, counsel):
        page = django_app.get(reverse("network:index"), user=counsel)
        ice_page = reverse("network:agency", args=[traffic["ice"].pk])
        for table in ("table-leaks", "table-immigration"):
            link = page.html.select_one(f"#{table} tbody th a")
            assert link["href"] == ice_page and link.get_text() == "DCICE0100 (ICE ERO)"
        assert page.html.select_one("#table-unknown tbody th a") is None
        page = page.click(href=r"entries/\?figure=leaks")
        assert page.html.select_one("tbody td[data-label=Agency] a")["href"] == ice_page

    def test_counts_have_thousands_separators(self, django_app, counsel):
        stored_queries(timezone.now() - timedelta(days=1), 1001)
        page = django_app.get(reverse("network:index"), user=counsel)
        text = page.html.select_one("#section-immigration").get_text()
        assert "0 of 1,001 queries came from immigration agencies" in text
        assert "1,001 queries in the period." in page.text

    def test_clerks_and_auditors_do_not_see_the_figures(self, django_app, clerk, auditor):
        django_app.get(reverse("network:index"), user=clerk, status=403)
        django_app.get(reverse("network:index"), user=auditor, status=403)


class TestEntries:
    def test_counsel_reads_the_leak_and_each_entry_is_recorded(self, django_app, traffic, counsel):
        page = django_app.get(reverse("network:index"), user=counsel)
        page = page.click(href=r"entries/\?figure=leaks")
        assert page.html.h1.get_text(strip=True) == "Block leaks (responses)"
        rows = page.html.select("tbody tr")
        assert len(rows) == 1
        assert "Block leak: data sent to a blocked ORI" in rows[0].get_text()
        leak = JournalEntry.objects.get(block_leak=True)
        record = AuditRecord.objects.get(action=Action.VIEW_JOURNAL, user=counsel)
        assert record.object_type == "switchjournal.journalentry"
        assert record.object_id == str(leak.pk)
        assert record.detail["figure"] == "leaks"

    def test_auditors_read_entries_filtered_by_ori(self, django_app, traffic, auditor):
        page = django_app.get(reverse("network:entries"), user=auditor)
        # The section's pages an auditor may open, and only those, in its menu.
        menu = page.html.find("nav", attrs={"aria-label": "Network queries pages"})
        assert [a.get_text(strip=True) for a in menu("a")] == ["Entries"]
        form = page.forms[1]
        form["ori"] = "dcxyz0100"
        page = form.submit()
        assert page.html.h1.get_text(strip=True) == "Every message: DCXYZ0100"
        assert len(page.html.select("tbody tr")) == 2
        assert AuditRecord.objects.filter(action=Action.VIEW_JOURNAL, user=auditor).count() == 8

    def test_a_wrong_ori_is_explained(self, django_app, traffic, counsel):
        page = django_app.get(
            reverse("network:entries"), {"ori": "short"}, user=counsel, status=400
        )
        assert "An ORI has exactly 9 letters or digits" in page.text
        assert "Fix the filter" in page.text
        assert not page.html.select("tbody tr")
        assert "No entries are shown until the filter is corrected" in page.text
        assert not AuditRecord.objects.filter(action=Action.VIEW_JOURNAL).exists()

    @pytest.mark.parametrize("ori", ["ÄBCDEFGHI", "１２３４５６７８９", "DCICE0990DCICE0990XX"])
    def test_an_ori_of_other_characters_or_too_long_is_explained(self, django_app, counsel, ori):
        page = django_app.get(reverse("network:entries"), {"ori": ori}, user=counsel, status=400)
        assert "An ORI has exactly 9 letters or digits" in page.text
        assert not page.html.select("tbody tr")

    def test_the_count_of_entries_read_from_the_rollups_is_the_number_of_entries(self, traffic):
        from dmvrequests.switchjournal import figures

        today = timezone.localdate()
        period = (today - timedelta(days=10), today)
        filters = [
            figures.Filters(*period),
            figures.Filters(*period, agency_kind="immigration"),
            figures.Filters(*period, agency_kind="unknown"),
            figures.Filters(*period, agency=traffic["ice"]),
            figures.Filters(*period, agency=traffic["police"]),
            figures.Filters(today - timedelta(days=1), today),
        ]
        for slug in figures.ENTRY_TOTALS:
            for chosen in filters:
                counted = figures.entries_count(slug, chosen)
                assert counted == figures.entries(slug, chosen).count(), (slug, chosen)
        assert figures.entries_count("months", filters[0]) == 6 - 1  # six messages, 1 response
        assert figures.entries_count("", filters[0], "DCXYZ0100") is None
        assert figures.entries_count("bursts", filters[0]) is None

    def test_a_long_list_is_paged_with_its_count_and_few_queries(
        self, django_app, counsel, django_assert_max_num_queries
    ):
        start = timezone.now().replace(microsecond=0) - timedelta(days=1)
        stored_queries(start, 120)
        url = reverse("network:entries")
        page = django_app.get(url, {"figure": "months"}, user=counsel)
        assert "120</strong> messages." in page.text
        assert len(page.html.select("tbody tr")) == 50
        with django_assert_max_num_queries(20):
            page = django_app.get(url, {"figure": "months", "page": "3"}, user=counsel)
        assert len(page.html.select("tbody tr")) == 20

    def test_administrators_do_not_read_entries(self, django_app, administrator):
        django_app.get(reverse("network:entries"), user=administrator, status=403)


class TestUnknownOris:
    def test_attributing_an_unknown_ori_moves_its_past_queries(
        self, django_app, traffic, administrator
    ):
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        assert rows_of_table(page)[0][:2] == ["DCXYZ0100", "2"]
        page = page.click(href=r"\?ori=DCXYZ0100")
        form = page.forms[1]
        assert form["ori"].value == "DCXYZ0100"
        form["agency"] = str(traffic["ice"].pk)
        page = form.submit().follow()
        assert (
            "DCXYZ0100 now belongs to ICE ERO. 2 past queries from it were attributed to the "
            "agency" in page.text
        )
        assert "Every ORI in the journal belongs to an agency" in page.text
        moved = JournalEntry.objects.filter(sender_ori="DCXYZ0100")
        assert {(e.agency_id, e.agency_kind, e.blocked) for e in moved} == {
            (traffic["ice"].pk, "immigration", True)
        }
        traffic["ice"].refresh_from_db()
        assert "DCXYZ0100" in traffic["ice"].ori_list
        latest = traffic["ice"].history.first()
        assert latest.history_user == administrator
        assert latest.history_change_reason == "ORI DCXYZ0100 attributed"

    def test_an_ori_with_no_past_query_says_so(self, django_app, traffic, administrator):
        form = django_app.get(reverse("network:unknown_oris"), user=administrator).forms[1]
        form["ori"], form["agency"] = "DCICF0001", str(traffic["ice"].pk)
        page = form.submit().follow()
        assert (
            "DCICF0001 now belongs to ICE ERO. The journal holds no past query from it; its "
            "next queries will be the agency's." in " ".join(page.html.get_text().split())
        )
        assert "0 past queries" not in page.text

    def test_queries_and_responses_are_attributed_together_or_not_at_all(
        self, traffic, administrator, monkeypatch
    ):
        """An attribution stopped part-way (here: in the responses' rollup) leaves nothing
        half-done: neither the ORI, nor its queries, nor its responses."""
        from dmvrequests.agencies.services import agency_add_ori
        from dmvrequests.switchjournal import rollups

        now = timezone.now().replace(microsecond=0) - timedelta(hours=1)
        reply = entry(now, "OUT", 7, "DR.NY0000000.DCXYZ0100.TXT", "OLN/D7654321.")
        journal_import([line.encode() for line in journal(reply).splitlines(True)], name="r.txt")
        refill = rollups.refill_parties

        def broken(direction, oris):
            if direction == "OUT":
                raise RuntimeError("stopped part-way")
            return refill(direction, oris)

        monkeypatch.setattr(rollups, "refill_parties", broken)
        ice = traffic["ice"]
        with pytest.raises(RuntimeError):
            agency_add_ori(agency=ice, value="DCXYZ0100", actor=administrator)
        ice.refresh_from_db()
        assert "DCXYZ0100" not in ice.ori_list
        mine = JournalEntry.objects.filter(agency=ice)
        assert not mine.filter(sender_ori="DCXYZ0100").exists()
        assert not mine.filter(destination="DCXYZ0100").exists()
        monkeypatch.setattr(rollups, "refill_parties", refill)
        agency_add_ori(agency=ice, value="DCXYZ0100", actor=administrator)
        assert mine.filter(sender_ori="DCXYZ0100", blocked=True).count() == 2
        assert mine.filter(destination="DCXYZ0100", block_leak=True).count() == 1

    def test_two_words_are_said_as_two_values_quoted_whole(
        self, django_app, traffic, administrator
    ):
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        form = page.forms[1]
        form["ori"] = "BAD ORI!!"
        form["agency"] = str(traffic["police"].pk)
        page = form.submit(status=400)
        said = page.html.find(id="ori-error").get_text(" ", strip=True)
        assert "'BAD ORI!!' holds more than one value" in said

    def test_a_wrong_ori_and_no_agency_are_said_at_once(self, django_app, traffic, administrator):
        """Newcomer's finding: the agency was asked for first, the ORI's form only after."""
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        form = page.forms[1]
        form["ori"] = "NY-1"
        page = form.submit(status=400)
        said = page.html.find(id="error-summary").get_text(" ", strip=True)
        assert "is neither an ORI" in said
        assert (
            page.html.find(id="agency-error").get_text() == "Choose the agency the ORI belongs to."
        )
        assert "neither an ORI" in page.html.find(id="ori-error").get_text()

    def test_an_ori_of_another_agency_is_refused(self, django_app, traffic, administrator):
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        form = page.forms[1]
        form["ori"] = "NY0010100"
        form["agency"] = str(traffic["ice"].pk)
        page = form.submit(status=400)
        assert "NY0010100 already belongs to Albany Police" in page.text
        assert "DCXYZ0100" in page.text

    @pytest.mark.parametrize("value", ["DCICE0100", "dcice01*", "DCICE*"])
    def test_an_ori_held_through_a_pattern_is_refused(
        self, django_app, traffic, administrator, value
    ):
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        form = page.forms[1]
        form["ori"] = value
        form["agency"] = str(traffic["police"].pk)
        page = form.submit(status=400)
        said = page.html.find(id="ori-error").get_text(" ", strip=True)
        if value.upper() == "DCICE*":  # the pattern itself: listed on the agency
            assert "DCICE* already belongs to ICE ERO; an ORI belongs to one agency" in said
        else:  # covered by the pattern: the fix is there, and the message names it
            assert f"{value.upper()} already belongs to ICE ERO through its pattern DCICE*" in said
            assert "narrow or remove DCICE* there first" in said
        traffic["police"].refresh_from_db()
        assert traffic["police"].ori_list == ["NY0010100"]
        ice = JournalEntry.objects.filter(sender_ori="DCICE0100")
        assert {(e.agency_id, e.blocked) for e in ice} == {(traffic["ice"].pk, True)}

    def test_a_pattern_says_how_many_queries_it_moved(self, django_app, traffic, administrator):
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        form = page.forms[1]
        form["ori"] = "DCXYZ*"
        form["agency"] = str(traffic["police"].pk)
        page = form.submit().follow()
        assert "DCXYZ* now belongs to Albany Police. 2 past queries from it were" in page.text
        moved = JournalEntry.objects.filter(sender_ori="DCXYZ0100")
        assert {e.agency_id for e in moved} == {traffic["police"].pk}

    def test_an_empty_form_says_what_is_missing(self, django_app, traffic, administrator):
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        page = page.forms[1].submit(status=400)
        assert "Enter the ORI or ORI pattern to attribute." in page.text
        assert "Choose the agency the ORI belongs to." in page.text

    def test_a_malformed_value_is_refused(self, django_app, traffic, administrator):
        page = django_app.get(reverse("network:unknown_oris"), user=administrator)
        form = page.forms[1]
        form["ori"] = "DC-ICE"
        form["agency"] = str(traffic["police"].pk)
        page = form.submit(status=400)
        assert "is neither an ORI" in page.text

    def test_the_form_addresses_reopened_lead_to_their_forms(self, django_app, administrator):
        # After a form that failed, the address bar holds the form's address: reloading or
        # bookmarking it leads to the page the form is on, with a word why.
        for action, page in (
            ("network:attribute", "Unknown ORIs"),
            ("network:hand_over", "ORI block list"),
        ):
            shown = django_app.get(reverse(action), user=administrator).follow()
            assert "only receives a form" in shown.text
            assert page in shown.html.h1.get_text()

    def test_counsel_may_not_attribute(self, django_app, counsel):
        django_app.get(reverse("network:unknown_oris"), user=counsel, status=403)

    def test_the_reopened_form_addresses_refuse_who_may_not_send_them(
        self, django_app, counsel, auditor
    ):
        for user in (counsel, auditor):
            django_app.get(reverse("network:attribute"), user=user, status=403)
            django_app.get(reverse("network:hand_over"), user=user, status=403)


def rows_of_table(page):
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in page.html.select("tbody tr")
    ]


class TestBlocklist:
    def test_an_ori_blocked_on_its_own_names_the_agency_whose_pattern_takes_it(
        self, django_app, traffic, administrator
    ):
        from dmvrequests.agencies.models import OriBlock

        OriBlock.objects.create(ori="DCICE0990", reason="Misuse", effective_at=timezone.now())
        OriBlock.objects.create(ori="ZZ9990002", reason="Misuse", effective_at=timezone.now())
        page = django_app.get(reverse("network:blocklist"), user=administrator)
        rows = {
            row.th.get_text(strip=True): row("td")[0].get_text(strip=True)
            for row in page.html.select("tbody tr")
            if row.th
        }
        assert rows["DCICE0990"] == "ICE ERO"  # as the figures attribute it: DCICE* is ICE's
        assert rows["ZZ9990002"] == "No agency in the directory"

    def test_the_list_downloads_and_its_hand_over_is_recorded(
        self, django_app, traffic, administrator
    ):
        page = django_app.get(reverse("network:blocklist"), user=administrator)
        assert "1 block not yet handed over to the switch" in page.text
        row = rows_of_table(page)[0]
        assert row[0] == "DCICE*" and row[1] == "ICE ERO"
        assert row[4] == "Not yet handed over to the switch"
        as_csv = page.click(description="Download as CSV")
        effective = timezone.localtime(traffic["ice"].blocked_since).date().isoformat()
        assert as_csv.text == (
            "ori,reason,effective\nDCICE*,State law forbids sharing with civil immigration "
            f"enforcement.,{effective}\n"
        )
        as_text = page.click(description="Download as plain text")
        assert as_text.content_type == "text/plain"
        assert as_text.text.startswith(f"DCICE*\t{effective}\tState law")
        page = page.forms[1].submit(status=400)
        assert "Tick the box to confirm the list was handed over" in page.text
        assert not BlocklistVersion.objects.exists()
        form = page.forms[1]
        form["confirm"] = True
        page = form.submit().follow()
        assert "Recorded: the block list of 1 ORI was handed to the switch by you" in page.text
        assert "not yet handed over" not in page.text
        assert rows_of_table(page)[0][4] == "Handed over to the switch"
        version = BlocklistVersion.objects.get()
        assert version.handed_over_by == administrator and version.oris == "DCICE*"
        agency = django_app.get(
            reverse("network:agency", args=[traffic["ice"].pk]), user=administrator
        )
        assert (
            "(handed over to the switch)" in agency.html.select_one("#agency-block h2").get_text()
        )
        page = django_app.get(reverse("network:blocklist"), user=administrator)
        assert page.click(description="ICE ERO").request.path == agency.request.path

    def test_only_administrators_keep_it(self, django_app, counsel):
        django_app.get(reverse("network:blocklist"), user=counsel, status=403)
        django_app.get(reverse("network:blocklist_csv"), user=counsel, status=403)


class TestAgencyPage:
    def test_an_agency_shows_its_oris_block_volume_and_flags(self, django_app, traffic, counsel):
        ice = traffic["ice"]
        page = django_app.get(reverse("network:agency", args=[ice.pk]), user=counsel)
        assert "DCICE* (every ORI starting DCICE)" in page.text
        since = ice.blocked_since.astimezone(timezone.get_current_timezone())
        heading = page.html.select_one("#agency-block h2").get_text(" ", strip=True)
        when = f"{since:%b} {since.day}, {since.year} {since:%H:%M %Z}"  # with the time zone
        assert heading == f"Blocked since {when} (not yet handed over to the switch)"
        assert "State law forbids sharing" in page.text
        flags = dict(row[:2] for row in rows_of(page, "table-flags"))
        assert flags["Queries"] == "1" and flags["Photo requests"] == "1"
        assert flags["Block leaks (responses)"] == "1"
        assert flags["Queries from blocked ORIs"] == "1"
        months = rows_of(page, "table-months")
        assert sum(int(row[1]) for row in months) == 1
        # Each figure's link to its entries is named, as on the section's page.
        labels = [a.get_text() for a in page.html.select('a[href^="/network/entries/"]')]
        assert "Every query: the entries" in labels and ": the entries" not in labels

    def test_an_agency_with_no_ori_links_to_where_they_are_added(
        self, django_app, administrator, counsel
    ):
        agency = AgencyFactory(name="Harbor Unit", kind="immigration", ori="", oris="")
        url = reverse("network:agency", args=[agency.pk])
        said = django_app.get(url, user=administrator).html.select_one("#agency-no-ori")
        links = {a["href"] for a in said.select("a")}
        assert links == {
            reverse("admin:agencies_agency_change", args=[agency.pk]),
            reverse("network:unknown_oris"),
        }
        said = django_app.get(url, user=counsel).html.select_one("#agency-no-ori")
        assert not said.select("a") and "An administrator adds its ORIs" in said.get_text()

    def test_an_agency_that_does_not_exist_is_not_found(self, django_app, administrator):
        django_app.get(reverse("network:agency", args=[999999]), user=administrator, status=404)

    def test_a_refused_period_shows_no_figures_of_the_agency(self, django_app, traffic, counsel):
        page = django_app.get(
            reverse("network:agency", args=[traffic["ice"].pk]),
            {"date_from": "2026-12-01", "date_to": "2026-10-01"},
            user=counsel,
            status=400,
        )
        assert page.html.select_one('#error-summary a[href="#id_date_to"]') is not None
        assert page.html.find(id="filters-refused") is not None
        assert (
            page.html.find(id="table-flags") is None and page.html.find(id="table-months") is None
        )
        assert "DCICE* (every ORI starting DCICE)" in page.text  # the directory's part stays
