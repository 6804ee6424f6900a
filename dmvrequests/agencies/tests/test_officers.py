"""Officers of the agency portal: the account, the directory requester, deactivation, and the
requests each officer may see (cases.selectors.officer_requests)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dmvrequests.agencies.models import Officer, OfficerApproval
from dmvrequests.agencies.selectors import is_officer, officer_for_user
from dmvrequests.agencies.services import officer_create, officer_deactivate
from dmvrequests.cases.selectors import officer_case_get, officer_requests
from dmvrequests.testing import AgencyFactory, make_case, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return AgencyFactory(name="Albany Police Department", email_domains="albanypd.example.gov")


def test_an_officer_is_a_user_without_office_or_role_and_a_requester(agency):
    officer = officer_create(
        agency=agency,
        actor=None,
        email="J.Rivera@Albanypd.example.gov",
        name="Jo Rivera",
        title="Detective",
        badge="4411",
        supervisor="Sgt. Kim",
    )
    assert officer.email == "j.rivera@albanypd.example.gov"
    assert officer.user.username == officer.email
    assert officer.user.office is None and officer.user.role_names == frozenset()
    assert not officer.user.has_usable_password()
    assert officer.requester.agency == agency and officer.requester.badge == "4411"
    assert officer.approval == OfficerApproval.PENDING and not officer.email_verified
    assert officer.history.count() == 1
    assert officer_for_user(officer.user) == officer and is_officer(officer.user)


def test_a_subdomain_of_the_agency_is_accepted(agency):
    officer = make_officer(agency=agency, email="a@records.albanypd.example.gov")
    assert officer.agency == agency


@pytest.mark.parametrize(
    "email", ["a@example.com", "a@evil-albanypd.example.gov", "not-an-address"]
)
def test_an_address_outside_the_agency_is_refused(agency, email):
    with pytest.raises(ValidationError) as error:
        officer_create(agency=agency, actor=None, email=email, name="X")
    assert "albanypd.example.gov" in str(error.value)
    assert not Officer.objects.exists()


def test_an_address_is_registered_once(agency):
    make_officer(agency=agency, email="a@albanypd.example.gov")
    with pytest.raises(ValidationError, match="already registered"):
        make_officer(agency=agency, email="A@albanypd.example.gov")


def test_staff_are_not_officers(clerk):
    assert officer_for_user(clerk) is None and not is_officer(clerk)


def test_deactivation_ends_the_account_and_says_why(agency):
    officer = make_officer(agency=agency)
    officer_deactivate(officer=officer, actor=None, reason="Mail to the address bounced.")
    officer.refresh_from_db()
    assert not officer.active and not officer.user.is_active
    assert (
        officer.submit_refusal()
        == "Your portal account is deactivated: Mail to the address bounced."
    )
    assert officer_requests(officer).count() == 0


def test_a_blocked_agencys_officer_sees_past_requests_and_may_not_submit(agency, office, clerk):
    officer = make_officer(agency=agency)
    case = make_case(office=office, actor=clerk, agency=agency, requester=officer.requester)
    agency.blocked, agency.blocked_reason = True, "Civil immigration enforcement."
    agency.save()
    officer.refresh_from_db()
    assert list(officer_requests(officer)) == [case]
    assert "blocked" in officer.submit_refusal()


@pytest.mark.parametrize(
    "flags, words",
    [
        ({"verified": False}, "Verify your email address"),
        ({"approved": False}, "waiting for approval"),
    ],
)
def test_an_unverified_or_unapproved_officer_sees_and_submits_nothing(
    agency, office, clerk, flags, words
):
    officer = make_officer(agency=agency, **flags)
    make_case(office=office, actor=clerk, agency=agency, requester=officer.requester)
    assert officer_requests(officer).count() == 0
    assert words in officer.submit_refusal()


def test_officers_see_their_own_requests_and_the_portal_administrator_the_agencys(
    agency, office, clerk
):
    one = make_officer(agency=agency, name="One")
    two = make_officer(agency=agency, name="Two")
    boss = make_officer(agency=agency, name="Boss", is_portal_admin=True)
    other = make_officer(agency=AgencyFactory(), name="Elsewhere", is_portal_admin=True)
    mine = make_case(office=office, actor=clerk, agency=agency, requester=one.requester)
    theirs = make_case(office=office, actor=clerk, agency=agency, requester=two.requester)
    emailed = make_case(office=office, actor=clerk, agency=agency)
    elsewhere = make_case(
        office=office, actor=clerk, agency=other.agency, requester=other.requester
    )
    assert list(officer_requests(one)) == [mine]
    assert list(officer_requests(two)) == [theirs]
    assert set(officer_requests(boss)) == {mine, theirs, emailed}
    assert list(officer_requests(other)) == [elsewhere]
    assert officer_case_get(one, mine.number) == mine
    for officer, case in [
        (one, theirs),
        (two, mine),
        (one, emailed),
        (other, mine),
        (boss, elsewhere),
    ]:
        with pytest.raises(Http404):
            officer_case_get(officer, case.number)


@pytest.mark.parametrize("ori", ["ÄBCDEFGHI", "NY００１００００", "NY001000", "NY0010000X"])
def test_an_ori_is_nine_ascii_letters_or_digits(ori):
    from django.core.exceptions import ValidationError

    from dmvrequests.agencies.models import validate_ori

    with pytest.raises(ValidationError, match="exactly 9 letters or digits"):
        validate_ori(ori)
    validate_ori("NY0010000")
