"""Search by any part of a name and by plate or license number in any punctuation."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dmvrequests.cases import services
from dmvrequests.cases.capabilities import visible_arms
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.cases.search import search_parts
from dmvrequests.cases.searchkeys import identifier_key, name_key, search_keys
from dmvrequests.cases.selectors import requests_search
from dmvrequests.oversight.erasure import redaction_apply
from dmvrequests.testing import make_case


class TestKeys:
    def test_a_name_loses_case_accents_and_punctuation(self):
        assert name_key("  María  Gutiérrez-López ") == "maria gutierrez lopez"
        assert name_key("O'BRIEN, Seán") == "o brien sean"
        assert name_key("") == ""

    def test_an_identifier_keeps_letters_and_digits_in_capitals(self):
        assert identifier_key("hxt-4821") == "HXT4821"
        assert identifier_key(" HXT 4821 ") == "HXT4821"
        assert identifier_key("D123.456.789") == "D123456789"
        assert identifier_key("--") == ""

    def test_only_the_fields_given_get_keys(self):
        assert search_keys({"subject_plate": "ab 12"}) == {"subject_plate_key": "AB12"}


@pytest.fixture
def gutierrez(office, clerk):
    return make_case(
        office=office,
        actor=clerk,
        subject_name="María Gutiérrez López",
        subject_plate="HXT 4821",
        subject_license_number="D123-456-789",
    )


@pytest.fixture
def other(office, clerk):
    return make_case(
        office=office,
        actor=clerk,
        subject_name="Julie Chen",
        subject_plate="ABC1234",
        subject_license_number="999888777",
    )


def found(user, query):
    return set(requests_search(user, query).values_list("number", flat=True))


@pytest.mark.django_db
class TestSearch:
    def test_the_case_keeps_what_was_entered_and_stores_the_keys(self, gutierrez):
        case = DisclosureRequest.objects.get(pk=gutierrez.pk)
        assert case.subject_name == "María Gutiérrez López"
        assert case.subject_name_key == "maria gutierrez lopez"
        assert case.subject_plate_key == "HXT4821"
        assert case.subject_license_key == "D123456789"

    @pytest.mark.parametrize(
        "query",
        [
            "Gutierrez",
            "gutiérrez",
            "GUTIERREZ LOPEZ",
            "Lopez Maria",
            "tierre",
            "María Gutiérrez López",
        ],
    )
    def test_any_part_of_the_name_finds_the_case(self, clerk, gutierrez, other, query):
        assert found(clerk, query) == {gutierrez.number}

    @pytest.mark.parametrize("query", ["HXT-4821", "HXT 4821", "hxt4821", " hxt.4821 "])
    def test_a_plate_in_any_punctuation_finds_the_case(self, clerk, gutierrez, other, query):
        assert found(clerk, query) == {gutierrez.number}

    @pytest.mark.parametrize("query", ["D123456789", "d123-456-789", "D 123 456 789"])
    def test_a_license_number_in_any_punctuation_finds_the_case(
        self, clerk, gutierrez, other, query
    ):
        assert found(clerk, query) == {gutierrez.number}

    def test_a_short_word_matches_the_start_of_a_word_only(self, office, clerk, other):
        li = make_case(office=office, actor=clerk, subject_name="Li Wei", subject_plate="")
        assert found(clerk, "li") == {li.number}
        assert found(clerk, "ch") == {other.number}

    def test_every_word_must_match(self, clerk, gutierrez, other):
        assert found(clerk, "Maria Chen") == set()

    def test_the_number_still_finds_the_case(self, clerk, gutierrez, other):
        assert found(clerk, gutierrez.number.lower()) == {gutierrez.number}

    def test_punctuation_alone_finds_nothing(self, clerk, gutierrez):
        assert found(clerk, "-- ..") == set()

    def test_an_edit_updates_the_keys(self, clerk, gutierrez):
        services.case_update_intake(
            case=gutierrez, actor=clerk, subject_name="Ana Ruiz", subject_plate="ZZ-99"
        )
        assert found(clerk, "gutierrez") == set()
        assert found(clerk, "ruiz") == {gutierrez.number}
        assert found(clerk, "zz99") == {gutierrez.number}

    def test_a_redacted_name_is_no_longer_found(self, counsel, gutierrez):
        redaction_apply(
            case=gutierrez, field="subject_name", text="Gutiérrez", reason="typo", actor=counsel
        )
        assert found(counsel, "gutierrez") == set()
        assert found(counsel, "lopez") == {gutierrez.number}

    def test_the_keys_are_not_in_the_history(self, gutierrez):
        names = {f.name for f in DisclosureRequest.history.model._meta.fields}
        assert "subject_name" in names
        assert not {"subject_name_key", "subject_plate_key", "subject_license_key"} & names

    def test_another_office_finds_nothing(self, other_clerk, gutierrez):
        assert found(other_clerk, "Gutierrez") == set()

    def test_the_page_finds_by_surname_and_plate(self, client, clerk, gutierrez, other):
        client.force_login(clerk)
        for query in ("Gutierrez", "HXT-4821"):
            body = client.get(reverse("cases:search"), {"q": query}).content.decode()
            assert gutierrez.number in body, query
            assert other.number not in body, query


@pytest.mark.postgres
@pytest.mark.django_db
class TestOnPostgres:
    """The name is searched through the pg_trgm index of migration 0006."""

    def test_the_trigram_index_exists(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'case_subject_name_trgm_idx'"
            )
            (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition
        assert "subject_name_key" in definition

    def test_the_name_search_can_use_the_trigram_index(self, clerk, gutierrez, other):
        queryset = DisclosureRequest.objects.filter(
            subject_name_key__contains="gutierrez"
        ).order_by()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = queryset.explain()
        # Either trigram index answers a name alone: the state-wide one (migration 0006) or
        # the office's (0008, a GIN index serves any subset of its columns); on a table this
        # small the planner's choice between them is a tie.
        assert "case_subject_name_trgm_idx" in plan or "case_office_name_trgm_idx" in plan

    def test_an_office_s_name_search_reads_the_office_and_name_index(self, clerk, gutierrez):
        """The office's arm of a search gives both of its conditions to the GIN index of
        migration 0008: the office compared as the bigint its column is (btree_gin has no
        integer-to-bigint operator), the name by its trigrams."""
        matching = DisclosureRequest.objects.filter(search_parts("Gutierrez")[-1])
        shared, office, *_ = visible_arms(clerk, matching)
        with connection.cursor() as cursor:
            # The other indexes that could answer either condition alone, dropped within
            # the test's transaction (rolled back after it), so that the plan shows what
            # this index can answer.
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_disclosurerequest'"
                " AND indexname <> 'case_office_name_trgm_idx'"
                " AND (indexdef LIKE '%office_id%' OR indexdef LIKE '%subject_name_key%')"
            )
            for (index,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{index}"')
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = office.explain()
        assert "case_office_name_trgm_idx" in plan
        assert re.search(r"Index Cond: \(\(office_id = '?\d+'?::bigint\) AND", plan), plan
        assert set(office.values_list("number", flat=True)) == {gutierrez.number}

    def test_a_surname_and_a_plate_are_found(self, clerk, gutierrez, other):
        with CaptureQueriesContext(connection) as queries:
            assert found(clerk, "Gutierrez") == {gutierrez.number}
        assert "subject_name_key" in queries.captured_queries[-1]["sql"]
        assert found(clerk, "hxt-4821") == {gutierrez.number}
