"""One capability model for a case (issue 13, item 2): who may view, act, decide, redact,
share and download, from role, office, assignment and shares. Shares read only; the
services refuse whatever the pages do not offer."""

import pytest
from django.contrib import messages as django_messages
from django.urls import reverse
from django.utils import timezone

from dmvrequests.access import ACCESS, OFFICER
from dmvrequests.audit.models import AuditRecord
from dmvrequests.cases import selectors, services
from dmvrequests.cases.capabilities import (
    CAPABILITIES,
    URL_CAPABILITIES,
    Relation,
    capabilities_for,
    visible_cases,
)
from dmvrequests.cases.models import (
    DisclosureRequest,
    DisclosureRequestUserObjectPermission,
    Status,
    SubjectNotice,
)
from dmvrequests.cases.search import newest_matching_ids
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.correspondence.services import letter_issue
from dmvrequests.oversight.erasure import RedactionError, redaction_apply
from dmvrequests.testing import UserFactory, make_case
from dmvrequests.tests.test_isolation import OBJECT_URLS, url_for

pytestmark = pytest.mark.django_db

# Staff pages about one case; an officer's pages about their own request (the portal's face,
# dmvrequests.access OFFICER) are walked by the portal's isolation tests.
STAFF_OBJECT_URLS = [name for name in OBJECT_URLS if ACCESS.get(name) != OFFICER]
NARRATIVE = "Stopped on I-90. Subject is undocumented."
MISTAKE = "Subject is undocumented."


@pytest.fixture
def case(office, clerk, counsel):
    """An Albany case in legal review, logged by the Albany clerk."""
    case = make_case(office=office, actor=clerk, narrative=NARRATIVE)
    services.case_submit(case=case, actor=clerk)
    case.refresh_from_db()
    return case


def personal_share(case, counsel, user):
    return services.case_share(case=case, actor=counsel, user=user, reason="Joint inquiry")


def office_share(case, counsel, office):
    return services.case_share(case=case, actor=counsel, office=office, reason="Task force")


def refreshed(case):
    case.refresh_from_db()
    return case


def flashed(response):
    return [str(m) for m in django_messages.get_messages(response.wsgi_request)]


# The matrix: role x relation -> capabilities. The same table is in docs/security.md.
READ = {"view", "download"}
CLERK_WORK = READ | {"act"}
COUNSEL_WORK = READ | {"act", "decide", "redact"}
EVERYTHING = set(CAPABILITIES)
MATRIX = [
    ("clerk", "own office", CLERK_WORK),
    ("counsel", "own office", EVERYTHING),
    ("counsel", "assigned", COUNSEL_WORK),
    ("clerk", "personal share", READ),
    ("counsel", "personal share", READ),
    ("clerk", "office share", READ),
    ("counsel", "office share", READ),
    ("clerk", "other office", set()),
    ("counsel", "other office", set()),
    ("auditor", "any case", READ),
    ("administrator", "own office", set()),
]


@pytest.fixture
def user_in_relation(case, office, other_office, counsel):
    """Make a user of `role` who stands in `relation` to the case."""

    def make(role, relation):
        if role == "auditor":
            return UserFactory(office=None, role="Auditor")
        home = office if relation == "own office" else other_office
        user = UserFactory(office=home, role=role.capitalize())
        if relation == "assigned":
            services.case_assign(case=case, counsel=user, actor=counsel)
        elif relation == "personal share":
            personal_share(case, counsel, user)
        elif relation == "office share":
            office_share(case, counsel, other_office)
        return user

    return make


class TestTheMatrix:
    @pytest.mark.parametrize(("role", "relation", "expected"), MATRIX)
    def test_it_gives_each_role_and_relation_its_capabilities(
        self, case, user_in_relation, role, relation, expected
    ):
        user = user_in_relation(role, relation)
        caps = capabilities_for(user, refreshed(case))
        granted = {name for name in CAPABILITIES if getattr(caps, name)}
        assert granted == expected, (role, relation, caps)

    @pytest.mark.parametrize(("role", "relation", "expected"), MATRIX)
    def test_lists_and_case_pages_agree_on_who_sees_the_case(
        self, case, user_in_relation, role, relation, expected
    ):
        user = user_in_relation(role, relation)
        listed = visible_cases(user).filter(pk=case.pk).exists()
        assert listed == ("view" in expected)
        assert selectors.requests_visible_to(user).filter(pk=case.pk).exists() == listed
        # The same rule as a union over a narrowed queryset (what search uses).
        narrowed = DisclosureRequest.objects.filter(number=case.number)
        assert list(visible_cases(user, narrowed).values_list("pk", flat=True)) == (
            [case.pk] if listed else []
        )
        assert selectors.requests_search(user, case.number).exists() == listed
        # The search page's read (cases/search.py): by number, and by the subject's name.
        for text in (case.number, case.subject_name):
            assert newest_matching_ids(user, text, 5) == ([case.pk] if listed else [])

    def test_it_names_the_relation(self, case, user_in_relation):
        assert capabilities_for(user_in_relation("counsel", "assigned"), refreshed(case)).relation
        shared = user_in_relation("clerk", "office share")
        caps = capabilities_for(shared, case)
        assert caps.relation == Relation.OFFICE_SHARE and caps.read_only

    def test_a_revoked_share_gives_nothing(self, case, counsel, other_counsel):
        share = personal_share(case, counsel, other_counsel)
        services.case_share_revoke(share=share, actor=counsel, reason="Done")
        assert not capabilities_for(other_counsel, case).view
        assert not visible_cases(other_counsel).filter(pk=case.pk).exists()

    def test_reassignment_ends_the_previous_counsels_work_but_not_their_share(
        self, case, counsel, other_counsel, office
    ):
        services.case_assign(case=case, counsel=other_counsel, actor=counsel)
        personal_share(case, counsel, other_counsel)
        services.case_assign(
            case=refreshed(case), counsel=UserFactory(office=office, role="Counsel"), actor=counsel
        )
        caps = capabilities_for(other_counsel, refreshed(case))
        assert caps.view and not caps.act and not caps.decide

    def test_assignment_grants_no_object_permission_of_its_own(self, case, counsel, other_counsel):
        # One source of truth: the case's assigned counsel, read by the capability model.
        services.case_assign(case=case, counsel=other_counsel, actor=counsel)
        assert not DisclosureRequestUserObjectPermission.objects.filter(
            content_object=case
        ).exists()
        assert capabilities_for(other_counsel, refreshed(case)).decide


class TestURLTable:
    def test_it_names_the_capability_of_every_case_url(self):
        assert set(URL_CAPABILITIES) == set(STAFF_OBJECT_URLS)
        assert set(URL_CAPABILITIES.values()) <= set(CAPABILITIES)


# Reproductions of issue 13, item 2, through the pages.


def decide_post(case):
    """A complete denial, with and without the decision form's prefix."""
    fields = {
        "decision": "deny",
        "reason": "no_records",
        "rationale": "No record matches the subject.",
        "status": case.status,
    }
    return {**fields, **{f"decide-{name}": value for name, value in fields.items()}}


class TestSharesThroughThePages:
    def test_a_personal_share_does_not_let_counsel_decide(
        self, client, case, counsel, other_counsel
    ):
        personal_share(case, counsel, other_counsel)
        client.force_login(other_counsel)
        response = client.post(reverse("cases:decide", args=[case.number]), decide_post(case))
        assert response.status_code == 302
        assert "read only" in " ".join(flashed(response))
        assert refreshed(case).status == Status.IN_REVIEW
        assert not case.decisions.exists()

    def test_an_office_share_does_not_let_a_clerk_withdraw(
        self, client, case, counsel, other_clerk, other_office
    ):
        office_share(case, counsel, other_office)
        client.force_login(other_clerk)
        response = client.post(
            reverse("cases:transition", args=[case.number]),
            {"action": CaseAction.WITHDRAW, "status": case.status},
        )
        assert response.status_code == 302
        assert refreshed(case).status == Status.IN_REVIEW
        assert case.closed_at is None

    def test_a_share_gets_no_withdrawal_confirmation_page(
        self, client, case, counsel, other_clerk, other_office
    ):
        """Found by a newcomer: the confirmation (GET) was offered to a read-only share."""
        office_share(case, counsel, other_office)
        client.force_login(other_clerk)
        url = reverse("cases:transition", args=[case.number]) + "?action=withdraw"
        response = client.get(url)
        assert response.status_code == 302
        assert "read only" in " ".join(flashed(response))

    def test_the_withdrawal_confirmation_is_an_audited_read(self, client, case, clerk):
        """It names the subject, so it writes a record like the case page."""
        client.force_login(clerk)
        before = AuditRecord.objects.filter(case_number=case.number, user=clerk).count()
        url = reverse("cases:transition", args=[case.number]) + "?action=withdraw"
        response = client.get(url)
        assert response.status_code == 200
        assert case.subject_name in response.content.decode()
        records = AuditRecord.objects.filter(case_number=case.number, user=clerk)
        assert records.count() == before + 1

    def test_an_office_share_does_not_let_counsel_redact(
        self, client, case, counsel, other_counsel, other_office
    ):
        office_share(case, counsel, other_office)
        client.force_login(other_counsel)
        url = reverse("audit:redact", args=[case.number])
        response = client.post(
            url, {"field": "narrative", "text": MISTAKE, "reason": "Entered by mistake"}
        )
        assert response.status_code == 302
        assert "read only" in " ".join(flashed(response))
        assert refreshed(case).narrative == NARRATIVE
        assert all(MISTAKE in row.narrative for row in case.history.all())
        assert client.get(url).status_code == 302

    def test_a_share_cannot_share_the_case_on(
        self, client, case, counsel, other_counsel, other_office
    ):
        personal_share(case, counsel, other_counsel)
        outsider = UserFactory(office=other_office, role="Clerk")
        client.force_login(other_counsel)
        client.post(
            reverse("cases:share", args=[case.number]),
            {"share-user": outsider.pk, "user": outsider.pk, "share-reason": "x", "reason": "x"},
        )
        assert case.shares.count() == 1

    def test_the_case_page_offers_a_sharee_nothing_to_do(
        self, client, case, counsel, other_counsel, other_office
    ):
        office_share(case, counsel, other_office)
        client.force_login(other_counsel)
        response = client.get(case.get_absolute_url())
        assert response.status_code == 200
        context = response.context
        assert context["caps"].read_only
        offered = [
            name
            for name in (
                "decision_form",
                "question_form",
                "document_form",
                "notice_exempt_form",
                "share_form",
                "assign_form",
            )
            if context.get(name) is not None
        ]
        assert offered == [] and context["actions"] == []
        page = response.content.decode()
        assert reverse("audit:redact", args=[case.number]) not in page
        assert "shared with your office to read only" in page

    def test_the_case_page_still_offers_its_own_counsel_the_decision(self, client, case, counsel):
        client.force_login(counsel)
        response = client.get(case.get_absolute_url())
        assert response.context["caps"].decide
        assert response.context["decision_form"] is not None
        assert response.context["share_form"] is not None

    def test_assigned_counsel_of_another_office_decides_through_the_page(
        self, client, case, counsel, other_counsel
    ):
        services.case_assign(case=case, counsel=other_counsel, actor=counsel)
        client.force_login(other_counsel)
        client.post(reverse("cases:decide", args=[case.number]), decide_post(case))
        assert refreshed(case).status == Status.DENIED


# The same, at the service layer: the services refuse whoever calls them.


class TestSharesThroughTheServices:
    def test_a_personal_share_cannot_decide(self, case, counsel, other_counsel):
        personal_share(case, counsel, other_counsel)
        with pytest.raises(services.WorkflowError, match="read only"):
            services.case_decide(
                case=case,
                actor=other_counsel,
                outcome="denied",
                reason="no_records",
                rationale="No record.",
            )
        assert not case.decisions.exists()

    def test_an_office_share_cannot_withdraw(self, case, counsel, other_clerk, other_office):
        office_share(case, counsel, other_office)
        with pytest.raises(services.WorkflowError, match="read only"):
            services.case_transition(case=case, action=CaseAction.WITHDRAW, actor=other_clerk)
        assert refreshed(case).status == Status.IN_REVIEW

    def test_an_office_share_cannot_redact(self, case, counsel, other_counsel, other_office):
        office_share(case, counsel, other_office)
        with pytest.raises(RedactionError, match="read only"):
            redaction_apply(
                case=case, field="narrative", text=MISTAKE, reason="Mistake", actor=other_counsel
            )
        assert refreshed(case).narrative == NARRATIVE

    def test_a_share_cannot_change_the_case_in_any_other_way(
        self, case, counsel, other_clerk, other_counsel, other_office
    ):
        office_share(case, counsel, other_office)
        refusals = [
            lambda: services.info_request(case=case, question="Docket?", actor=other_counsel),
            lambda: services.case_update_intake(case=case, actor=other_clerk, narrative="x"),
            lambda: services.callback_record(
                case=case,
                actor=other_clerk,
                answered_by="Sgt. Ray",
                called_at=timezone.now(),
                confirmed=True,
            ),
            lambda: services.document_add(case=case, actor=other_clerk, type="court_order"),
            lambda: services.case_assign(case=case, counsel=other_counsel, actor=other_counsel),
            lambda: services.case_share(
                case=case, actor=other_counsel, user=other_clerk, reason="Pass it on"
            ),
            lambda: services.case_share_revoke(share=case.shares.get(), actor=other_counsel),
        ]
        before = (case.history.count(), case.documents.count(), case.shares.count())
        for attempt in refusals:
            with pytest.raises(services.WorkflowError):
                attempt()
        case = refreshed(case)
        assert (case.history.count(), case.documents.count(), case.shares.count()) == before
        assert case.assigned_counsel is None and case.shares.get().revoked_at is None

    def test_only_counsel_of_the_own_office_shares(self, case, counsel, other_counsel, clerk):
        services.case_assign(case=case, counsel=other_counsel, actor=counsel)
        outsider = UserFactory(role="Clerk")
        for actor in (other_counsel, clerk):
            with pytest.raises(services.WorkflowError, match="own office"):
                services.case_share(case=refreshed(case), actor=actor, user=outsider, reason="x")
        assert personal_share(case, counsel, outsider).granted_by == counsel

    def test_auditors_act_on_nothing(self, case, auditor):
        with pytest.raises(services.WorkflowError, match="Auditors"):
            services.case_transition(case=case, action=CaseAction.WITHDRAW, actor=auditor)


@pytest.fixture
def notice(case):
    notice = SubjectNotice.objects.create(case=case, due_date=timezone.localdate())
    return notice


class TestSubjectNotice:
    def test_an_administrator_of_the_office_cannot_record_the_notice(self, notice, administrator):
        with pytest.raises(services.WorkflowError):
            services.notice_record_sent(
                notice=notice, actor=administrator, sent_at=timezone.now(), method="Mail"
            )
        notice.refresh_from_db()
        assert notice.status == "due"

    def test_a_share_cannot_record_or_exempt_the_notice(
        self, notice, counsel, other_clerk, other_counsel, other_office
    ):
        office_share(notice.case, counsel, other_office)
        with pytest.raises(services.WorkflowError, match="read only"):
            services.notice_record_sent(
                notice=notice, actor=other_clerk, sent_at=timezone.now(), method="Mail"
            )
        with pytest.raises(services.WorkflowError):
            services.notice_exempt(notice=notice, actor=other_counsel, reason="Ongoing inquiry")
        notice.refresh_from_db()
        assert notice.status == "due"

    def test_the_office_clerk_records_it(self, notice, clerk):
        services.notice_record_sent(
            notice=notice, actor=clerk, sent_at=timezone.now(), method="First-class mail"
        )
        notice.refresh_from_db()
        assert notice.status == "sent" and notice.recorded_by == clerk


# Every URL about one case, posted by each kind of share: nothing changes.

PDF = b"%PDF-1.4\n%%EOF"


@pytest.fixture
def shared_case(case, clerk, counsel):
    services.document_add(
        case=case, actor=clerk, type="court_order", content=PDF, filename="order.pdf"
    )
    letter_issue(case=case, kind="acknowledgment", language="en", actor=clerk)
    return refreshed(case)


def snapshot(case):
    case = refreshed(case)
    return (
        case.status,
        case.narrative,
        case.assigned_counsel_id,
        case.history.count(),
        case.decisions.count(),
        case.documents.count(),
        [(s.pk, s.revoked_at) for s in case.shares.all()],
        [(x.pk, x.dispatches.count()) for x in case.letters.all()],
    )


def everything_posted(case):
    """Valid-looking data for every form of the case page, at once."""
    return {
        **decide_post(case),
        "action": CaseAction.WITHDRAW,
        "field": "narrative",
        "text": MISTAKE,
        "reason": "Entered by mistake",
        "question": "Send the docket number.",
        "answer": "Docket 26-mj-1.",
        "method": "mail",
        "sent_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
        "issue-kind": "acknowledgment",
        "issue-language": "es",
        "mailed-mailed_on": timezone.localdate().isoformat(),
    }


@pytest.mark.parametrize(
    ("role", "kind"),
    [("clerk", "personal"), ("counsel", "personal"), ("clerk", "office"), ("counsel", "office")],
)
def test_a_share_changes_nothing_through_any_case_url(
    client, shared_case, counsel, other_office, role, kind
):
    sharee = UserFactory(office=other_office, role=role.capitalize())
    if kind == "personal":
        personal_share(shared_case, counsel, sharee)
    else:
        office_share(shared_case, counsel, other_office)
    client.force_login(sharee)
    for name in STAFF_OBJECT_URLS:
        before = snapshot(shared_case)
        response = client.post(url_for(name, shared_case), everything_posted(shared_case))
        # Pages that only read answer; everything else sends the sharee back, or refuses.
        answers = (200, 302, 403, 405) if URL_CAPABILITIES[name] in READ else (302, 403, 405)
        assert response.status_code in answers, (name, response.status_code)
        assert snapshot(shared_case) == before, name
