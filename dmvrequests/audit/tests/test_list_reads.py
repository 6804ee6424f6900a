"""Reads on list pages: one record per case shown, chained in one INSERT, failing closed,
found by the access log by case and folded on the case's timeline."""

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.cases import services
from dmvrequests.cases.timeline import case_timeline
from dmvrequests.oversight.selectors import audit_records_search
from dmvrequests.oversight.verification import chain_verify
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def cases_of(office, clerk, n):
    return [
        make_case(office=office, actor=clerk, subject_name=f"Subject Number{i}") for i in range(n)
    ]


def list_reads(user, action=Action.LIST_QUEUE):
    return AuditRecord.objects.filter(user=user, action=action).order_by("seq")


class TestTheQueue:
    def test_it_records_each_case_shown_once_in_one_unbroken_stretch(self, client, office, clerk):
        shown = cases_of(office, clerk, 3)
        client.force_login(clerk)
        response = client.get(reverse("cases:queue"))
        assert response.status_code == 200
        records = list(list_reads(clerk))
        assert sorted(r.case_number for r in records) == sorted(c.number for c in shown)
        assert [r.seq for r in records] == list(range(records[0].seq, records[0].seq + 3))
        assert {(r.kind, r.outcome, r.object_type) for r in records} == {
            ("access", "success", "cases.disclosurerequest")
        }
        # The hashes were computed record by record, each on its predecessor.
        for before, after in zip(records, records[1:], strict=False):
            assert after.prev_hash == before.hash
        assert chain_verify().intact
        assert all(r.detail == {} for r in records)

    def test_every_status_and_tab_records_what_it_shows(self, client, office, clerk, counsel):
        case = cases_of(office, clerk, 1)[0]
        services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        client.force_login(counsel)
        for query in ({}, {"tab": "mine"}, {"tab": "office-cases", "status": "in_review"}):
            before = list_reads(counsel).count()
            assert client.get(reverse("cases:queue"), query).status_code == 200
            assert list_reads(counsel).count() == before + 1, query
        assert set(list_reads(counsel).values_list("case_number", flat=True)) == {case.number}

    def test_an_empty_page_records_nothing(self, client, office, clerk):
        client.force_login(clerk)
        assert client.get(reverse("cases:queue")).status_code == 200
        assert not list_reads(clerk).exists()

    def test_the_number_of_queries_does_not_grow_with_the_page(self, client, office, clerk):
        client.force_login(clerk)
        cases_of(office, clerk, 2)
        client.get(reverse("cases:queue"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("cases:queue"))
        cases_of(office, clerk, 20)
        with CaptureQueriesContext(connection) as many:
            client.get(reverse("cases:queue"))
        assert len(many) == len(few)
        assert list_reads(clerk).count() == 2 + 2 + 22

    def test_a_read_that_cannot_be_recorded_shows_nothing(self, client, office, clerk, monkeypatch):
        cases_of(office, clerk, 2)
        client.force_login(clerk)

        def fail(batch):
            raise OperationalError("database or disk is full")

        monkeypatch.setattr("dmvrequests.audit.services._append", fail)
        response = client.get(reverse("cases:queue"))
        assert response.status_code == 503
        assert b"Number0" not in response.content and b"Number1" not in response.content


class TestTheAuditorsView:
    def test_the_access_log_by_case_finds_the_queue_read(self, client, office, clerk, auditor):
        case, other = cases_of(office, clerk, 2)
        client.force_login(clerk)
        client.get(reverse("cases:queue"))
        found = audit_records_search({"case_number": case.number, "action": Action.LIST_QUEUE})
        assert [(r.username, r.case_number) for r in found] == [("clerk", case.number)]
        client.force_login(auditor)
        response = client.get(
            reverse("audit:access_log"), {"case_number": case.number, "action": "list_queue"}
        )
        assert response.status_code == 200
        assert "Listed in a queue" in response.content.decode()

    def test_the_change_history_records_each_case_once(self, client, office, clerk, auditor):
        case = cases_of(office, clerk, 1)[0]
        services.case_update_intake(case=case, actor=clerk, subject_name="Subject Renamed")
        client.force_login(auditor)
        response = client.get(reverse("audit:history"))
        assert "Subject Renamed" in response.content.decode()
        records = list_reads(auditor, Action.LIST_HISTORY)
        assert list(records.values_list("case_number", flat=True)) == [case.number]


class TestTheTimeline:
    def test_queue_reads_fold_into_one_event_per_person(self, client, office, clerk):
        case = cases_of(office, clerk, 1)[0]
        client.force_login(clerk)
        for _ in range(3):
            client.get(reverse("cases:queue"))
        reads = [e for e in case_timeline(case, kinds=["read"]) if "queue" in e.sentence]
        assert len(reads) == 1
        assert "saw the case in a queue 3 times" in reads[0].sentence
