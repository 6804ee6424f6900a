"""Describing a stored document (WebTest, as the case page renders the form): an emailed
file arrives as type "none" and a clerk says what it is, keeping the stored file, until
counsel checks it. The forms are found by their action, as a browser does."""

import pytest
from django.urls import reverse

from dmvrequests.cases import services
from dmvrequests.cases.models import CaseShare
from dmvrequests.cases.services.base import WorkflowError
from dmvrequests.cases.services.documents import ALREADY_CHECKED, REQUIRED_CHECKS
from dmvrequests.cases.tests.test_forms_as_rendered import PDF, assert_marked, case_page, typed
from dmvrequests.testing import AgencyFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db):
    return AgencyFactory(kind="local_law_enforcement", name="Albany Police Department")


@pytest.fixture
def case(office, clerk, counsel, police):
    case = make_case(office=office, actor=clerk, agency=police)
    return services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)


@pytest.fixture
def emailed(case):
    """What intake stores for an attachment it does not recognise (actor None: the system)."""
    return services.document_add(
        case=case, actor=None, type="none", content=PDF, filename="warrant.pdf"
    )


def url(document):
    return reverse("cases:document_describe", args=[document.case.number, document.pk])


def describe_form(page, document):
    forms = [f for f in page.forms.values() if f.action == url(document)]
    assert forms, f"the page renders no form posting to {url(document)}"
    return forms[0]


def fill(form, document, **values):
    for name, value in values.items():
        form[f"describe-{document.pk}-{name}"] = value


def document_row(page, filename):
    link = page.html.find("a", string=lambda s: s and filename in s)
    return link.find_parent("tr")


class TestDescribe:
    def test_an_emailed_document_says_it_is_not_described_yet(self, django_app, emailed, clerk):
        page = case_page(django_app, emailed.case, clerk)
        row = document_row(page, "warrant.pdf")
        assert "No legal document" not in row.text
        assert "Not described yet — describe it" in " ".join(row.th.text.split())
        assert row.th.find("a", href=f"#describe-{emailed.pk}")

    def test_the_clerk_describes_it_and_the_file_stays(self, django_app, emailed, clerk):
        sha, name = emailed.sha256, emailed.file.name
        form = describe_form(case_page(django_app, emailed.case, clerk), emailed)
        fill(
            form,
            emailed,
            type="court_order",
            issuer="state_judge",
            signer_name="Hon. A. Judge",
            court="Albany County Court",
            court_state="ny",
            docket_number="2026-0042",
        )
        response = form.submit()
        assert response.status_code == 302, response.text[:2000]
        page = response.follow()
        assert "Document described: Court order" in page.text
        row = document_row(page, "warrant.pdf")
        assert "Court order" in row.th.text and "Not described yet" not in row.th.text
        assert "Albany County Court (NY)" in row.text
        emailed.refresh_from_db()
        assert (emailed.type, emailed.court_state, emailed.docket_number) == (
            "court_order",
            "NY",
            "2026-0042",
        )
        assert (emailed.sha256, emailed.file.name) == (sha, name)
        latest = emailed.history.latest()
        assert latest.history_user == clerk
        assert latest.history_change_reason == "Described as: Court order"
        timeline = django_app.get(
            reverse("audit:case_timeline", args=[emailed.case.number]), user=clerk.username
        )
        text = " ".join(timeline.html.text.split())
        assert "described the document “Court order”" in text
        assert "Type: not described yet → Court order" in text

    def test_the_described_document_counts_once_counsel_verifies_it(
        self, django_app, emailed, clerk, counsel
    ):
        case = emailed.case
        form = describe_form(case_page(django_app, case, clerk), emailed)
        fill(form, emailed, type="court_order", issuer="state_judge", court="Albany County Court")
        form.submit(status=302)
        services.document_verify(
            document=emailed,
            actor=counsel,
            result="verified",
            checks=dict.fromkeys(REQUIRED_CHECKS, True),
        )
        counted = services.case_policy_input(case)["legal_process"]
        assert [d["type"] for d in counted] == ["court_order"]
        page = case_page(django_app, case, counsel)
        assert describe_form_absent(page, emailed)
        assert "Verified" in document_row(page, "warrant.pdf").text

    def test_an_error_keeps_what_was_typed(self, django_app, emailed, clerk):
        form = describe_form(case_page(django_app, emailed.case, clerk), emailed)
        fill(
            form,
            emailed,
            type="court_order",
            court="Albany County Court",
            issued_on="2026-05-10",
            expires_on="2026-05-01",
        )
        page = form.submit(status=400)
        prefix = f"describe-{emailed.pk}"
        assert_marked(page, f"{prefix}-expires_on", value="2026-05-01")
        assert typed(page, f"{prefix}-court") == "Albany County Court"
        assert (
            page.html.find(id=f"describe-form-{emailed.pk}").find_parent("details").has_attr("open")
        )
        emailed.refresh_from_db()
        assert emailed.type == "none"

    def test_a_type_is_required(self, django_app, emailed, clerk):
        form = describe_form(case_page(django_app, emailed.case, clerk), emailed)
        fill(form, emailed, court="Albany County Court")
        page = form.submit(status=400)
        assert_marked(page, f"describe-{emailed.pk}-type")

    def test_a_recognised_type_is_pre_filled_and_can_be_corrected(self, django_app, case, clerk):
        recognised = services.document_add(
            case=case, actor=None, type="administrative_warrant", content=PDF, filename="i200.pdf"
        )
        form = describe_form(case_page(django_app, case, clerk), recognised)
        assert form[f"describe-{recognised.pk}-type"].value == "administrative_warrant"
        fill(form, recognised, type="detainer")
        form.submit(status=302)
        recognised.refresh_from_db()
        assert recognised.type == "detainer"

    def test_every_id_on_the_page_stays_unique(self, django_app, case, clerk):
        for name in ("a.pdf", "b.pdf"):
            services.document_add(
                case=case, actor=None, type="none", content=PDF + name.encode(), filename=name
            )
        page = case_page(django_app, case, clerk)
        ids = [tag["id"] for tag in page.html.find_all(id=True)]
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def describe_form_absent(page, document):
    return not [f for f in page.forms.values() if f.action == url(document)]


class TestOnceCounselChecked:
    @pytest.fixture(params=["verified", "rejected"])
    def checked(self, request, emailed, counsel):
        checks = dict.fromkeys(REQUIRED_CHECKS, True) if request.param == "verified" else {}
        services.document_verify(
            document=emailed, actor=counsel, result=request.param, checks=checks
        )
        emailed.refresh_from_db()
        return emailed

    def test_no_describe_form_is_shown(self, django_app, checked, clerk, counsel):
        for user in (clerk, counsel):
            assert describe_form_absent(case_page(django_app, checked.case, user), checked)

    def test_the_service_refuses(self, checked, clerk):
        with pytest.raises(WorkflowError) as refused:
            services.document_describe(
                case=checked.case, document=checked, actor=clerk, type="judicial_warrant"
            )
        assert refused.value.messages == [ALREADY_CHECKED]
        checked.refresh_from_db()
        assert checked.type == "none"

    def test_a_post_from_a_stale_page_is_refused_and_says_so(
        self, django_app, emailed, clerk, counsel
    ):
        form = describe_form(case_page(django_app, emailed.case, clerk), emailed)
        fill(form, emailed, type="judicial_warrant")
        services.document_verify(document=emailed, actor=counsel, result="rejected", checks={})
        page = form.submit(status=400)
        assert "no longer applies" in page.text
        emailed.refresh_from_db()
        assert emailed.type == "none"


class TestOthersCannot:
    def test_another_office_gets_404(self, client, emailed, other_office):
        outsider = UserFactory(username="buffalo-clerk", office=other_office, role="Clerk")
        client.force_login(outsider)
        response = client.post(url(emailed), {f"describe-{emailed.pk}-type": "court_order"})
        assert response.status_code == 404
        with pytest.raises(WorkflowError):
            services.document_describe(
                case=emailed.case, document=emailed, actor=outsider, type="court_order"
            )
        emailed.refresh_from_db()
        assert emailed.type == "none"

    def test_a_share_reads_only(self, django_app, emailed, counsel, other_office):
        reader = UserFactory(username="buffalo-counsel", office=other_office, role="Counsel")
        services.case_share(
            case=emailed.case, actor=counsel, user=reader, reason="Joint investigation."
        )
        page = case_page(django_app, emailed.case, reader)
        assert describe_form_absent(page, emailed)
        assert "describe it" not in document_row(page, "warrant.pdf").text
        with pytest.raises(WorkflowError):
            services.document_describe(
                case=emailed.case, document=emailed, actor=reader, type="court_order"
            )
        emailed.refresh_from_db()
        assert emailed.type == "none"
        assert CaseShare.objects.filter(user=reader).exists()

    def test_a_get_leads_to_the_case_page(self, django_app, emailed, clerk):
        response = django_app.get(url(emailed), user=clerk.username)
        assert response.status_code == 302
        assert response.location.endswith(emailed.case.get_absolute_url())
