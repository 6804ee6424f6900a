import pytest

from dmvrequests.cases import selectors, services
from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.testing import UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(office, clerk):
    return make_case(office=office, actor=clerk)


def visible(user, case):
    return selectors.requests_visible_to(user).filter(pk=case.pk).exists()


class TestAssignment:
    def test_assignment_grants_and_reassignment_revokes(self, case, clerk, other_counsel, office):
        assert not visible(other_counsel, case)
        case = services.case_assign(case=case, counsel=other_counsel, actor=clerk)
        assert visible(other_counsel, case)
        assert capabilities_for(other_counsel, case).decide
        third = UserFactory(office=office, role="Counsel")
        case = services.case_assign(case=case, counsel=third, actor=clerk)
        assert not visible(other_counsel, case)
        assert not capabilities_for(other_counsel, case).decide

    def test_only_counsel_can_be_assigned(self, case, clerk, other_clerk):
        with pytest.raises(services.WorkflowError, match="active counsel"):
            services.case_assign(case=case, counsel=other_clerk, actor=clerk)

    def test_object_permissions_do_not_fall_back_to_global_ones(self, case, other_counsel):
        from django.contrib.auth.models import Permission

        other_counsel.user_permissions.add(
            Permission.objects.get(codename="view_disclosurerequest")
        )
        other_counsel = type(other_counsel).objects.get(pk=other_counsel.pk)
        assert not visible(other_counsel, case)


class TestSharing:
    def test_sharing_with_an_office_opens_the_case_to_its_clerks(
        self, case, counsel, other_clerk, other_office
    ):
        share = services.case_share(
            case=case, actor=counsel, office=other_office, reason="Joint task force"
        )
        assert visible(other_clerk, case)
        services.case_share_revoke(share=share, actor=counsel, reason="Done")
        assert not visible(other_clerk, case)

    def test_sharing_with_a_person_and_revoking(self, case, counsel, other_clerk):
        share = services.case_share(
            case=case, actor=counsel, user=other_clerk, reason="Backup clerk"
        )
        assert visible(other_clerk, case)
        services.case_share_revoke(share=share, actor=counsel)
        assert not visible(other_clerk, case)

    def test_a_share_needs_a_reason_and_one_recipient(
        self, case, counsel, other_clerk, other_office
    ):
        with pytest.raises(services.WorkflowError, match="Say why"):
            services.case_share(case=case, actor=counsel, user=other_clerk, reason=" ")
        with pytest.raises(services.WorkflowError, match="either one person or one office"):
            services.case_share(
                case=case, actor=counsel, user=other_clerk, office=other_office, reason="x"
            )

    def test_shares_are_in_history(self, case, counsel, other_office):
        share = services.case_share(
            case=case, actor=counsel, office=other_office, reason="Task force"
        )
        services.case_share_revoke(share=share, actor=counsel, reason="Ended")
        kinds = list(
            share.history.order_by("history_date").values_list("history_type", "revoked_at")
        )
        assert kinds[0][0] == "+" and kinds[-1][1] is not None
        assert share.history.first().history_user == counsel

    def test_a_revoked_share_cannot_be_revoked_again(self, case, counsel, other_office):
        share = services.case_share(case=case, actor=counsel, office=other_office, reason="x")
        services.case_share_revoke(share=share, actor=counsel)
        with pytest.raises(services.WorkflowError, match="already revoked"):
            services.case_share_revoke(share=share, actor=counsel)
