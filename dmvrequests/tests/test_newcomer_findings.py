"""Issue 14: what newcomers trying the application in a browser found, each reproduced
as they met it (the page rendered, the form filled as rendered, with WebTest)."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from webtest import Upload

from dmvrequests.audit.models import AuditRecord
from dmvrequests.cases import services
from dmvrequests.cases.capabilities import READ_ONLY
from dmvrequests.cases.decorators import FORM_ADDRESS
from dmvrequests.cases.models import DecisionOutcome, DisclosureRequest, ReasonCode
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db):
    return AgencyFactory(kind="local_law_enforcement", name="Albany Police Department")


@pytest.fixture
def case(office, clerk, police):
    return make_case(
        office=office, actor=clerk, agency=police, categories=["address", "vehicle_registration"]
    )


def test_the_admin_case_page_names_the_categories_in_words(django_app, administrator, case):
    """Finding 1: the admin's case page showed the stored JSON list of codes."""
    changelist = django_app.get(reverse("admin:cases_disclosurerequest_changelist"), user="admin")
    page = changelist.click(case.number)
    text = page.html.get_text(" ")
    assert "Categories asked for" in text
    assert "Address, Vehicle registration" in text
    assert "vehicle_registration" not in text and '["address"' not in page.text


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_findings_write_dates_in_words_like_the_decision_box(django_app, clerk, counsel, office):
    """Finding 2: a finding said "by 2026-12-14" where the decision box says "Nov 29, 2026"."""
    profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=counsel)
    ice = AgencyFactory(kind="immigration", name="ICE ERO New York")
    case = make_case(
        office=office, actor=clerk, agency=ice, purpose="civil_immigration_enforcement"
    )
    services.document_add(
        case=case,
        actor=clerk,
        type="judicial_warrant",
        issuer="article_iii_judge",
        expires_on=date(2020, 2, 27),
    )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    services.case_decide(
        case=case,
        actor=counsel,
        outcome=DecisionOutcome.DENIED,
        reason=ReasonCode.NON_JUDICIAL_DOCUMENT,
        rationale="Expired.",
    )
    page = django_app.get(reverse("cases:detail", args=[case.number]), user="counsel")
    findings = " ".join(li.get_text(" ") for li in page.html.select("li.finding"))
    assert "expired on Feb 27, 2020, before" in findings
    assert "Notify the subject of this request by " in findings
    assert not ISO_DATE.search(findings), findings
    box = page.html.find(id="counsel-decision-heading").find_parent("div").get_text(" ")
    assert date_format(timezone.localtime(), "M j, Y") in box


class TestOptionalDocumentOnTheNewRequestForm:
    """Finding 3: the optional "Legal document (if any)" block marked its fields required."""

    def document_block(self, page, number):
        legend = page.html.find("legend", string=f"Legal document {number} (if any)")
        return legend.find_parent("fieldset")

    def fill(self, form, police):
        form["channel"] = "mail"
        form["agency"] = str(police.pk)
        form["requester_name"] = "Det. Jane Roe"
        form["purpose"] = "criminal_investigation"
        form["categories"] = ["address"]
        form["subject_name"] = "Maria Lopez"

    def test_no_field_of_an_empty_block_is_marked_required(self, django_app, clerk):
        page = django_app.get(reverse("cases:create"), user="clerk")
        block = self.document_block(page, 1)
        assert block.find("abbr", title="required") is None
        type_label = block.find("label", attrs={"for": "id_docs-0-type"}).get_text(" ")
        assert "Document type" in type_label and "(needed if you add a document)" in type_label
        # The request's own required fields keep their mark.
        assert page.html.find("label", attrs={"for": "id_purpose"}).find("abbr", title="required")

    def test_a_request_without_a_document_saves(self, django_app, clerk, police):
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        self.fill(form, police)
        form.submit("draft").follow()
        assert DisclosureRequest.objects.get().documents.count() == 0

    def test_a_started_document_needs_its_type(self, django_app, clerk, police):
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        self.fill(form, police)
        form["docs-0-signer_name"] = "Hon. A. Judge"
        page = form.submit("draft")
        assert page.status_code == 200
        error = page.html.find(id="docs-0-type-error")
        assert error is not None and "Choose the document's type" in error.text
        assert page.html.find(attrs={"name": "docs-0-signer_name"})["value"] == "Hon. A. Judge"
        assert not DisclosureRequest.objects.exists()

    def test_a_refused_file_is_not_dropped_when_the_request_is_sent_again(
        self, django_app, clerk, police
    ):
        """Finding 4 on the new-request form: the refused scan must not vanish quietly."""
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        self.fill(form, police)
        form["docs-0-type"] = "court_order"
        form["docs-0-file"] = Upload("order.docx", b"PK\x03\x04 word", "application/msword")
        page = form.submit("draft")
        assert (
            "order.docx is not a PDF, PNG, JPEG or TIFF file"
            in page.html.find(id="docs-0-file-error").text
        )
        page = page.forms[1].submit("draft")
        assert "Choose the file again" in page.html.find(id="docs-0-file-error").text
        assert not DisclosureRequest.objects.exists()
        form = page.forms[1]
        form["docs-0-without_file"] = True
        form.submit("draft").follow()
        assert DisclosureRequest.objects.get().documents.get().type == "court_order"


class TestQueueFilter:
    """Findings 8 and 10: ?status=nope was silently ignored; a filter's error summary said
    "Nothing was saved"."""

    def test_an_unknown_status_is_said_and_open_cases_are_shown(self, django_app, clerk, case):
        page = django_app.get(reverse("cases:queue") + "?status=nope", user="clerk", status=400)
        summary = page.html.find(id="error-summary")
        assert summary.find("h2").get_text(" ").startswith("Fix the filter: correct the problem")
        assert "Nothing was saved" not in page.text
        assert "“nope” is not a status" in summary.text
        marked = page.html.find(id="status-filter")
        assert marked.get("aria-invalid") == "true" and "#status-filter" in [
            a["href"] for a in summary("a")
        ]
        assert case.number in page.text  # the open cases, as the message says
        # The filter as rendered fixes it.
        form = page.forms[1]
        form["status"] = "received"
        page = form.submit()
        assert page.status_code == 200 and page.html.find(id="error-summary") is None
        assert case.number in page.text

    @pytest.mark.parametrize(
        "query",
        [
            "?status=nope&sort=evil&page=zz&tab=odd",
            "?status=%00&sort=-&page=-1",
            "?status=received&status=x&sort=--due",
            "?tab=office-cases&status=" + "x" * 5000,
        ],
    )
    def test_no_bad_filter_breaks_the_page(self, django_app, clerk, counsel, case, query):
        for user in ("clerk", "counsel"):
            page = django_app.get(reverse("cases:queue") + query, user=user, expect_errors=True)
            assert page.status_code in (200, 400)
            if page.status_code == 400:  # said: by the filter, or the NUL refusal page
                said = page.html.find(id="error-summary") or page.html.find(
                    "h1", string="This request could not be understood"
                )
                assert said is not None

    @pytest.mark.parametrize(
        "url_name,query,user",
        [
            ("audit:access_log", "?date_from=not-a-date", "auditor"),
            ("reports:index", "?date_from=not-a-date", "admin"),
        ],
    )
    def test_every_filter_says_fix_the_filter(
        self, django_app, auditor, administrator, url_name, query, user
    ):
        page = django_app.get(reverse(url_name) + query, user=user, expect_errors=True)
        heading = page.html.find(id="error-summary").find("h2").get_text(" ")
        assert heading.startswith("Fix the filter:"), heading


class TestOneDateRule:
    """Finding 11: forms said 1900–2199, reports 1990–2100. One rule, one wording."""

    def test_the_intake_form_and_the_reports_say_the_same(
        self, django_app, clerk, administrator, police
    ):
        form = django_app.get(reverse("cases:create"), user="clerk").forms[1]
        form["subject_dob"] = "1850-01-01"
        page = form.submit("draft")
        assert "Enter a date between 1900 and 2199." in page.html.find(id="subject_dob-error").text
        dashboard = django_app.get(reverse("reports:index"), user="admin").forms[1]
        dashboard["date_from"] = "1850-01-01"
        page = dashboard.submit(expect_errors=True)
        assert "Enter a date between 1900 and 2199." in page.html.find(id="error-summary").text
        page = django_app.get(
            reverse("reports:transparency") + "?year=1850&period=q1", user="admin", status=400
        )
        assert "Enter a year between 1900 and 2199." in page.html.find(id="error-summary").text

    def test_the_rule_is_one_constant(self):
        from dmvrequests.formfields import MESSAGE, PLAUSIBLE_YEARS
        from dmvrequests.reports import filters

        assert (filters.FIRST_YEAR, filters.LAST_YEAR) == PLAUSIBLE_YEARS
        with pytest.raises(filters.PeriodError, match=re.escape(MESSAGE)):
            filters.check_period(date(1850, 1, 1), date(1851, 1, 1))


class TestSharedCaseBanner:
    """Finding 12: "Albany legal unit work on it"."""

    def banner(self, django_app, case):
        page = django_app.get(reverse("cases:detail", args=[case.number]), user="clerk2")
        alert = page.html.find(string=re.compile("to read only")).find_parent("p")
        return " ".join(alert.get_text(" ").split())

    def test_one_office_works_on_it(self, django_app, case, counsel, other_clerk):
        services.case_share(case=case, actor=counsel, user=other_clerk, reason="Joint inquiry")
        text = self.banner(django_app, case)
        assert text.endswith("Albany legal unit works on it."), text

    def test_the_office_and_its_counsel_work_on_it(
        self, django_app, case, clerk, counsel, other_clerk
    ):
        services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        services.case_share(case=case, actor=counsel, user=other_clerk, reason="Joint inquiry")
        text = self.banner(django_app, case)
        assert text.endswith(
            f"Albany legal unit and {counsel}, its assigned counsel, work on it."
        ), text


class TestRefusedProbesOfSubURLs:
    """Finding 14: a 404 on /cases/<id>/… of a case one may not see was not recorded,
    while the case page's own refusal was."""

    def denied(self, case):
        return list(
            AuditRecord.objects.filter(outcome="denied", case_number=case.number).order_by("seq")
        )

    @pytest.mark.parametrize(
        "url_name,method,extra,who",
        [
            ("cases:edit", "get", {}, "clerk2"),
            ("cases:release", "post", {}, "clerk2"),
            ("cases:callback", "get", {}, "clerk2"),
            ("cases:document_download", "get", {"document_id": 1}, "clerk2"),
            ("cases:document_verify", "get", {"document_id": 1}, "counsel2"),
            ("cases:share_revoke", "post", {"share_id": 1}, "counsel2"),
        ],
    )
    def test_each_sub_url_refusal_is_recorded(
        self, django_app_factory, case, other_clerk, other_counsel, url_name, method, extra, who
    ):
        # A probe is hand-made: no form of ours, so no CSRF token either.
        app = django_app_factory(csrf_checks=False)
        url = reverse(url_name, kwargs={"number": case.number, **extra})
        getattr(app, method)(url, user=who, status=404)
        (record,) = self.denied(case)
        assert record.user.username == who
        assert record.object_type == "cases.disclosurerequest"
        assert record.detail == {"page": url_name}
        expected = "download_document" if url_name.endswith("download") else "view_case"
        assert record.action == expected

    @pytest.mark.parametrize(
        "url_name,method,extra",
        [
            ("cases:decide", "get", {}),
            ("cases:share", "get", {}),
            ("cases:share", "post", {}),
            ("cases:document_verify", "get", {"document_id": 1}),
        ],
    )
    def test_a_refusal_by_role_is_recorded_too(
        self, django_app_factory, case, other_clerk, url_name, method, extra
    ):
        """Issue 14 follow-up, finding 1: the 403s ("Your role does not include this page")
        on another office's case were not recorded."""
        app = django_app_factory(csrf_checks=False)
        url = reverse(url_name, kwargs={"number": case.number, **extra})
        getattr(app, method)(url, user="clerk2", status=403)
        (record,) = self.denied(case)
        assert record.user.username == "clerk2"
        assert record.detail == {"page": url_name}
        assert record.action == "view_case"

    def test_the_access_log_names_the_refused_page_in_words(
        self, django_app_factory, case, other_clerk, auditor
    ):
        """Newcomer finding: the auditor read "Page: cases:decide"."""
        app = django_app_factory(csrf_checks=False)
        app.get(reverse("cases:decide", args=[case.number]), user="clerk2", status=403)
        log = app.get(
            reverse("audit:access_log"), {"case_number": case.number}, user=auditor.username
        )
        text = " ".join(log.html.get_text(" ").split())
        assert "Page: Decide the case" in text
        assert "cases:decide" not in text

    def test_every_case_page_has_words(self):
        from dmvrequests.access import ACCESS
        from dmvrequests.vocabulary import label

        case_pages = [
            name
            for name in ACCESS
            if name.startswith("cases:")
            or name.startswith("correspondence:")
            and name not in {"correspondence:notices_batch"}
            and not name.startswith("correspondence:template")
            and name != "correspondence:language_add"
        ]
        assert case_pages
        assert [name for name in case_pages if label(name) == name] == []

    @pytest.mark.parametrize("url_name", ["cases:decide", "cases:share"])
    def test_a_read_only_sharee_refused_an_action_is_recorded(
        self, django_app, case, clerk, counsel, other_counsel, url_name
    ):
        services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        services.case_share(case=case, actor=counsel, user=other_counsel, reason="Joint inquiry")
        url = reverse(url_name, args=[case.number])
        # Refused with the case page and a message (a share is read-only), and recorded.
        page = django_app.get(url, user=other_counsel.username).follow()
        assert READ_ONLY in page.html.get_text(" ")
        assert FORM_ADDRESS not in page.html.get_text(" ")
        (record,) = self.denied(case)
        assert record.user == other_counsel
        assert record.detail == {"page": url_name}

    def test_a_refused_form_post_is_no_refusal_of_the_case(self, django_app, case, other_clerk):
        # A CSRF failure is a 403 too, but no one was refused the case.
        url = reverse("cases:share", args=[case.number])
        django_app.post(url, user="clerk", status=403)
        assert self.denied(case) == []

    def test_the_case_page_refusal_is_recorded_once(self, django_app, case, other_clerk):
        django_app.get(reverse("cases:detail", args=[case.number]), user="clerk2", status=404)
        django_app.get(
            reverse("audit:case_timeline", args=[case.number]), user="clerk2", status=404
        )
        assert [r.action for r in self.denied(case)] == ["view_case", "view_timeline"]

    def test_a_missing_document_of_a_visible_case_is_no_refusal(self, django_app, case, clerk):
        url = reverse("cases:document_download", args=[case.number, 999])
        django_app.get(url, user="clerk", status=404)
        assert self.denied(case) == []


class TestErrorWordingFollowUp:
    """Issue 14 follow-up, finding 8: the numbers in a length error were written unlike, and
    the queue echoed an address value of any length."""

    def test_a_long_sort_value_is_cut_in_the_message(self, django_app, clerk, case):
        long_value = "y" * 3000
        page = django_app.get(
            reverse("cases:queue") + "?sort=" + long_value, user="clerk", status=400
        )
        said = page.html.find(id="error-summary").get_text(" ")
        assert "cannot be sorted by" in said
        assert "y" * 39 + "…" in said
        assert "y" * 41 not in page.html.get_text(" ")

    def test_both_numbers_of_a_length_error_are_written_alike(self, django_app, clerk, police):
        page = django_app.get(reverse("cases:create"), user="clerk")
        form = next(f for f in page.forms.values() if "narrative" in f.fields)
        form["narrative"] = "a" * 6000
        page = form.submit("save")
        assert "at most 5,000 characters; this one has 6,000" in page.html.get_text(" ")


class TestTimelineWordsFollowUp:
    """Issue 14 follow-up, finding 4: "Issuer: None → State judge", "Signed by: None" and
    "changed requester verified" on the case page and timeline."""

    def test_an_issuer_not_given_is_said_in_words(self, django_app, case, clerk):
        document = services.document_add(case=case, actor=clerk, type="court_order")
        services.document_describe(
            case=case, document=document, actor=clerk, type="court_order", issuer="state_judge"
        )
        services.document_add(case=case, actor=clerk, type="court_order")
        page = django_app.get(reverse("cases:detail", args=[case.number]), user="clerk")
        table = page.html.find("caption", string=re.compile("Legal documents")).parent
        assert "Not given" in table.get_text(" ")
        assert "None" not in table.get_text(" ")
        timeline = django_app.get(reverse("audit:case_timeline", args=[case.number]), user="clerk")
        text = timeline.html.find("main").get_text(" ")
        assert "not given → State judge" in text
        assert "None →" not in text

    def test_a_confirmed_callback_marks_the_requester_verified(self, django_app, office, clerk):
        case = make_case(office=office, actor=clerk, channel="phone")
        services.callback_record(
            case=case,
            actor=clerk,
            answered_by="Sgt. Hale",
            number_called="518-555-0100",
            called_at=timezone.now(),
            confirmed=True,
        )
        timeline = django_app.get(reverse("audit:case_timeline", args=[case.number]), user="clerk")
        text = timeline.html.find("main").get_text(" ")
        assert "marked the requester verified" in text
        assert "changed requester verified" not in text


class TestChosenFileFollowUp:
    """Issue 14 follow-up, finding 3: a chosen file vanished when another field failed."""

    def test_the_file_field_says_to_choose_it_again(self, django_app, clerk, police):
        page = django_app.get(reverse("cases:create"), user="clerk")
        form = next(f for f in page.forms.values() if "narrative" in f.fields)
        form["docs-0-type"] = "court_order"
        form["docs-0-file"] = Upload("order.pdf", b"%PDF-1.4 order", "application/pdf")
        form["narrative"] = "a" * 6000  # another field fails
        page = form.submit("save")
        field = page.html.find(id="id_docs-0-file").find_parent("div")
        assert "Choose the file again: browsers do not keep a chosen file" in field.get_text(" ")


def test_one_verification_is_one_timeline_entry(django_app, office, clerk, counsel, police):
    """Issue 14 follow-up, finding 9: "verified the document…" and "marked the document
    verified" at the same second, for one checklist."""
    case = make_case(office=office, actor=clerk, agency=police)
    document = services.document_add(case=case, actor=clerk, type="court_order")
    services.document_verify(
        document=document,
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(services.documents.REQUIRED_CHECKS, True),
    )
    timeline = django_app.get(reverse("audit:case_timeline", args=[case.number]), user="counsel")
    text = timeline.html.find("main").get_text(" ")
    assert text.count("verified the document “Court order”") == 1
    assert "marked the document “Court order” verified" not in text
