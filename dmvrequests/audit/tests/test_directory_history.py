"""The auditors' "Directory changes" screen: the agency directory's history as rendered."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.certifications import certification_record
from dmvrequests.agencies.imports import agencies_import
from dmvrequests.agencies.models import Agency, CertificationKind, OriBlock
from dmvrequests.agencies.services import agency_add_ori
from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:directory_history")


def table_rows(page):
    """The table's rows as lists of cell texts (spaces collapsed)."""
    table = page.html.find("table")
    if table is None:
        return []
    return [
        [" ".join(cell.get_text(" ", strip=True).split()) for cell in tr.find_all(["th", "td"])]
        for tr in table.tbody.find_all("tr")
    ]


def block_through_admin(django_app, administrator, agency):
    page = django_app.get(
        reverse("admin:agencies_agency_change", args=[agency.pk]), user=administrator
    )
    form = page.forms["agency_form"]
    form["blocked"] = True
    form["blocked_reason"] = "State law forbids sharing with civil immigration enforcement."
    form["blocked_since"] = "2026-11-01T00:00:00"
    form.submit().follow()


def certify(agency, actor):
    return certification_record(
        agency=agency,
        actor=actor,
        kind=CertificationKind.NO_IMMIGRATION_ENFORCEMENT,
        text="We will not use DMV data for civil immigration enforcement.",
        signed_by_name="Jo Rivera",
        signed_by_title="Chief",
        signed_at=timezone.now() - timedelta(days=1),
        expires_on=timezone.localdate() + timedelta(days=300),
    )


@pytest.fixture
def changes(django_app, administrator):
    """ICE blocked by an administrator in the admin; an ORI attributed to Albany Police by
    the same administrator through the service."""
    ice = AgencyFactory(name="ICE ERO", kind="immigration", oris="DCICE*")
    police = AgencyFactory(name="Albany Police")
    block_through_admin(django_app, administrator, ice)
    agency_add_ori(agency=police, value="ny0010100", actor=administrator)
    return ice, police


class TestTheList:
    def test_it_shows_who_blocked_and_who_attributed_newest_first(
        self, django_app, auditor, administrator, changes
    ):
        page = django_app.get(URL, user=auditor.username)
        rows = table_rows(page)
        who = str(administrator)
        assert rows[0][1:5] == ["Albany Police", who, "Changed", "ORI NY0010100 attributed"]
        assert rows[0][5] == "ORIs: (empty) → NY0010100"
        assert rows[1][1:4] == ["ICE ERO", who, "Changed"]
        assert "Blocked: No → Yes" in rows[1][5]
        assert "Blocked reason: (empty) → State law forbids" in rows[1][5]
        # As in the admin's History: in the state's zone, with its abbreviation.
        assert "Blocked since: (empty) → Nov 1, 2026 00:00 EDT" in rows[1][5]
        # The factories' first versions, saved by nobody.
        assert [r[1:4] for r in rows[2:]] == [
            ["Albany Police", "The system", "Created"],
            ["ICE ERO", "The system", "Created"],
        ]
        assert rows[2][5] == "First version"
        assert "<strong>4</strong> changes found." in page.text

    def test_the_time_is_local_and_machine_readable(self, django_app, auditor, changes):
        page = django_app.get(URL, user=auditor.username)
        time = page.html.find("table").find("time")
        newest = Agency.history.latest("history_date").history_date
        local = timezone.localtime(newest)
        assert time["datetime"] == local.isoformat()
        assert time.get_text() == local.strftime("%b %-d, %Y %H:%M:%S %Z")

    def test_an_ori_block_and_an_import_are_named(self, django_app, auditor):
        OriBlock.objects.create(ori="DCICE0990", reason="Misuse", effective_at=timezone.now())
        header = "name,kind,oris,email_domains,published_phone,blocked,blocked_reason,blocked_since"
        lines = io.StringIO(f"{header}\nTroy Police,local_law_enforcement,NY0420100,,,,,\n")
        agencies_import(lines=lines)
        rows = table_rows(django_app.get(URL, user=auditor.username))
        assert rows[0][1:4] == ["Troy Police", "An import", "Created"]
        assert rows[1][1:4] == ["ORI block DCICE0990 ORI block", "The system", "Created"]

    def test_a_certification_is_listed_under_its_agency(
        self, django_app, auditor, administrator, changes
    ):
        certify(changes[1], administrator)
        page = django_app.get(URL, {"agency_name": "albany"}, user=auditor.username)
        rows = table_rows(page)
        assert rows[0][1:4] == ["Albany Police Certification", str(administrator), "Created"]
        page = django_app.get(URL, {"only_blocks": "on"}, user=auditor.username)
        assert [row[1] for row in table_rows(page)] == ["ICE ERO"]


class TestFilters:
    def test_by_agency_name_user_and_only_blocks(self, django_app, auditor, administrator, changes):
        def subjects(**query):
            page = django_app.get(URL, query, user=auditor.username)
            return [(row[1], row[3]) for row in table_rows(page)]

        assert subjects(agency_name="albany") == [
            ("Albany Police", "Changed"),
            ("Albany Police", "Created"),
        ]
        assert subjects(username="ADMIN") == [("Albany Police", "Changed"), ("ICE ERO", "Changed")]
        assert subjects(only_blocks="on") == [("ICE ERO", "Changed")]

    def test_by_dates_in_local_time(self, django_app, auditor, changes):
        today = timezone.localdate()
        page = django_app.get(URL, {"date_from": today - timedelta(days=1)}, user=auditor.username)
        assert len(table_rows(page)) == 4
        page = django_app.get(URL, {"date_to": today - timedelta(days=1)}, user=auditor.username)
        assert table_rows(page) == []
        assert "No change matches these filters." in page.text

    def test_the_filter_form_as_rendered(self, django_app, auditor, changes):
        form = django_app.get(URL, user=auditor.username).forms[1]
        form["agency_name"] = "ICE"
        form["only_blocks"] = True
        page = form.submit()
        assert [row[1] for row in table_rows(page)] == ["ICE ERO"]

    @pytest.mark.parametrize(
        "query,message",
        [
            ({"date_from": "2026-02-31"}, "Enter a valid date"),
            ({"date_to": "9999-12-31"}, "Enter a date between 1900 and 2199."),
            ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "The end date is before"),
        ],
    )
    def test_a_bad_date_is_explained_with_a_400(self, django_app, auditor, query, message):
        page = django_app.get(URL, query, user=auditor.username, status=400)
        assert message in page.text
        assert page.html.find("table") is None


class TestAuditAndAccess:
    def test_every_view_is_recorded_with_its_filters(self, django_app, auditor, changes):
        django_app.get(URL, {"agency_name": "ICE"}, user=auditor.username)
        django_app.get(URL, {"date_from": "nonsense"}, user=auditor.username, status=400)
        records = AuditRecord.objects.filter(action=Action.SEARCH_DIRECTORY_HISTORY)
        assert [(r.user, r.detail) for r in records.order_by("seq")] == [
            (auditor, {"filters": {"agency_name": "ICE", "only_blocks": "False"}}),
            (auditor, {"filters": {}}),
        ]
        assert not AuditRecord.objects.filter(user=auditor, case_number__gt="").exists()

    @pytest.mark.parametrize("role", ["clerk", "counsel", "administrator"])
    def test_other_roles_are_refused(self, django_app, request, role):
        user = request.getfixturevalue(role)
        django_app.get(URL, user=user.username, status=403)

    def test_the_auditor_s_navigation_links_it(self, django_app, auditor):
        page = django_app.get(reverse("audit:history"), user=auditor.username)
        assert page.click(description="Directory changes").request.path == URL


def test_the_query_count_does_not_grow_with_the_rows(
    django_app, auditor, administrator, changes, django_assert_max_num_queries
):
    django_app.get(URL, user=auditor.username)  # sign-in and session
    for n in range(30):
        agency = AgencyFactory(name=f"Town {n} Police")
        agency_add_ori(agency=agency, value=f"NY{n:03d}0000", actor=administrator)
        OriBlock.objects.create(ori=f"NY{n:03d}999*", reason="Misuse", effective_at=timezone.now())
        certify(agency, administrator)
    with django_assert_max_num_queries(17):
        page = django_app.get(URL, user=auditor.username)
    assert len(table_rows(page)) == 50
