"""seed_synthetic: cases at scale that look like a real unit's, and leave the case numbers
and the audit chain where the next real case and record expect them.

Runs on SQLite in `make test` (batched INSERTs) and on PostgreSQL in CI (COPY)."""

import io
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from dmvrequests.agencies.models import Agency
from dmvrequests.audit.models import AuditChainHead, AuditRecord
from dmvrequests.audit.services import audit_record
from dmvrequests.cases.models import (
    CaseNumberSequence,
    Decision,
    DisclosureRequest,
    LegalDocument,
    Release,
    Status,
)
from dmvrequests.cases.synthetic.catalogue import (
    SUBJECT_FIRST_NAMES,
    SUBJECT_LAST_NAMES,
    UnitedStatesNames,
)
from dmvrequests.oversight.verification import chain_verify
from dmvrequests.testing import make_case
from dmvrequests.vocabulary import AgencyKind

pytestmark = pytest.mark.django_db
CASES = 400


def seed(**options):
    out = io.StringIO()
    call_command("seed_synthetic", stdout=out, **{"cases": CASES, "seed": 7, "years": 3, **options})
    return out.getvalue()


def numbers_by_year():
    by_year = defaultdict(list)
    for number in DisclosureRequest.objects.values_list("number", flat=True):
        _, year, serial = number.split("-")
        by_year[int(year)].append(int(serial))
    return by_year


def test_it_adds_cases_in_every_status_with_what_belongs_to_them():
    output = seed()
    assert f"Added {CASES:,} synthetic cases" in output
    assert DisclosureRequest.objects.count() == CASES
    assert set(DisclosureRequest.objects.values_list("status", flat=True)) == set(Status.values)
    decided = DisclosureRequest.objects.filter(
        status__in=[Status.APPROVED, Status.DENIED, Status.FULFILLED]
    )
    assert not decided.filter(decisions=None).exists()
    assert not DisclosureRequest.objects.filter(status=Status.FULFILLED, releases=None).exists()
    assert not Decision.objects.filter(case__status=Status.RECEIVED).exists()
    assert Decision.objects.exclude(evaluation__has_key="releasable").count() == 0
    assert LegalDocument.objects.exists() and Release.objects.exists()
    # Every case has its creation in the history, and moves after it.
    history = DisclosureRequest.history.model.objects
    assert history.filter(history_type="+").count() == CASES
    assert history.filter(history_type="~").count() > CASES


def test_it_creates_people_in_every_role_and_agencies_of_every_kind():
    seed()
    for role in Role.values:
        assert User.objects.filter(groups__name=role).exists(), role
    kinds = set(Agency.objects.filter(requests__isnull=False).values_list("kind", flat=True))
    assert kinds == set(AgencyKind.values)
    assert Agency.objects.filter(jurisdiction="Federal", requests__isnull=False).exists()


def test_subjects_names_repeat_as_people_s_do():
    """Subjects' names come from the census tables with their frequencies: a full name is
    rarely shared in a few hundred cases, and common first and last names come back."""
    seed()
    names = list(DisclosureRequest.objects.values_list("subject_name", flat=True))
    firsts = Counter(name.split()[0] for name in names)
    lasts = Counter(name.split()[-1] for name in names)
    assert len(set(names)) > 0.9 * CASES
    assert set(firsts) <= set(SUBJECT_FIRST_NAMES[0])
    assert set(lasts) <= set(SUBJECT_LAST_NAMES[0])
    # The census's most frequent names are drawn more often than the table's share says
    # an even draw would (703 first names, 1,000 surnames).
    assert firsts.most_common(1)[0][1] >= 4 and lasts.most_common(1)[0][1] >= 4


def test_the_census_tables_draw_each_name_by_its_frequency():
    names, cumulative = SUBJECT_LAST_NAMES
    assert len(names) == len(cumulative) == 1000
    assert cumulative[-1] == pytest.approx(1.0)
    assert list(cumulative) == sorted(cumulative)
    firsts, first_weights = SUBJECT_FIRST_NAMES
    # Women's and men's names, half the draws each.
    women = len(UnitedStatesNames.first_names_female)
    assert first_weights[women - 1] == pytest.approx(0.5)
    assert first_weights[-1] == pytest.approx(1.0)
    draws = Counter(
        random.Random(1).choices(names, cum_weights=cumulative, k=20_000)  # noqa: S311
    )
    assert draws["Smith"] > 10 * max(draws[name] for name in names[-100:])


def test_numbers_have_no_gap_and_the_next_real_case_continues_them(office, clerk):
    seed()
    for year, serials in numbers_by_year().items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), year
        assert CaseNumberSequence.objects.get(year=year).last == len(serials)
    year = timezone.localdate().year
    expected = f"DR-{year}-{len(numbers_by_year()[year]) + 1:06d}"
    assert make_case(office=office, actor=clerk).number == expected


def test_the_audit_chain_stays_intact_and_continues(clerk):
    audit_record(kind="auth", action="sign_in", user=clerk)  # a record before the load
    seed()
    report = chain_verify()
    assert report.intact, report.message
    assert report.count == AuditRecord.objects.count() > CASES
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (report.last_seq, report.last_hash)
    audit_record(kind="auth", action="sign_out", user=clerk)  # and one after it
    assert chain_verify().intact
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit chain intact" in out.getvalue()


def test_a_second_run_adds_to_the_same_directory_and_sequence():
    seed(cases=120)
    users, agencies = User.objects.count(), Agency.objects.count()
    seed(cases=80, seed=8)
    assert DisclosureRequest.objects.count() == 200
    assert (User.objects.count(), Agency.objects.count()) == (users, agencies)
    for serials in numbers_by_year().values():
        assert sorted(serials) == list(range(1, len(serials) + 1))
    assert chain_verify().intact


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["--cases", "0"], "--cases must be between 1 and 20,000,000"),
        (["--cases", "many"], "--cases must be a whole number, not 'many'"),
        (["--cases", "10", "--years", "40"], "--years must be between 1 and 30"),
        (["--cases", "10", "--seed", "-1"], "--seed must be between 0"),
        ([], "the following arguments are required: --cases"),
    ],
)
def test_it_refuses_bad_arguments_with_a_message(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_synthetic", *arguments)
    assert not DisclosureRequest.objects.exists()


def test_it_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run when DJANGO_ENV=production"):
        seed()
    assert not DisclosureRequest.objects.exists()
