"""Issue 14, item 3: no code shown as a word.

Every page of the access table is rendered as each role allowed there, with
cases in every state, a denial, a release, a callback, reads, downloads and a
share present; the visible text of each page must hold no code of the
vocabulary (`approved_full`, `vehicle_registration`, `IMMIGRATION_REQUEST`...)
and no audit object type ("cases.legaldocument 41"). The words come from
vocabulary.label(), which a test here holds to every code.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dmvrequests.access import ACCESS, PUBLIC, SIGN_IN_STEP, SIGNED_IN
from dmvrequests.audit.models import Action, AuditRecord, Kind
from dmvrequests.audit.services import access_log, audit_record
from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome, ReasonCode
from dmvrequests.policy import rules
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import AgencyFactory, make_case
from dmvrequests.tests.test_fuzz import url_for, world  # noqa: F401  (fixture)
from dmvrequests.vocabulary import FINDING_LABELS, known_codes, label, vocabulary_names

pytestmark = pytest.mark.django_db

ROLES = ("Clerk", "Counsel", "Administrator", "Auditor")
SNAKE = re.compile(r"^[a-z]+(_[a-z]+)+$")
SHOUTED = re.compile(r"^[A-Z]+(_[A-Z]+)+$")
OBJECT_TYPE = re.compile(
    r"\b(?:accounts|agencies|audit|cases|intake|notifications|policy|reports)"
    r"\.[a-z_]+ #?\d+"
)


def raw_codes():
    return sorted(code for code in known_codes() if SNAKE.match(code) or SHOUTED.match(code))


class VisibleText(HTMLParser):
    """The text a person sees: text nodes outside script, style and template."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def codes_in(text, codes):
    found = [c for c in codes if re.search(rf"(?<![\w.-]){re.escape(c)}(?![\w-])", text)]
    found += OBJECT_TYPE.findall(text)
    return found


def roles_for(rule):
    if rule == PUBLIC:
        return [None]
    if rule in (SIGNED_IN, SIGN_IN_STEP):
        return list(ROLES)
    return [role for role in ROLES if role in rule]


@pytest.fixture
def demo_like(world):  # noqa: F811
    """The fuzzing's world, with what the demo has besides: a denied immigration
    request, a release, a callback, reads and a download in the access log."""
    # The demo's profile (New York): its immigration rules make the findings the
    # issue saw as codes.
    profile_activate(
        profile=PolicyProfile.objects.get(slug="ny"), actor=world.users["Administrator"]
    )
    office = world.users["Clerk"].office
    clerk, counsel = world.users["Clerk"], world.users["Counsel"]
    ice = AgencyFactory(kind="immigration", name="ICE ERO New York")
    denied = make_case(
        office=office,
        actor=clerk,
        agency=ice,
        purpose="civil_immigration_enforcement",
        categories=["address", "vehicle_registration", "photo"],
        subject_plate="HXT 4821",
    )
    services.document_add(
        case=denied, actor=clerk, type="administrative_warrant", issuer="immigration_officer"
    )
    services.case_submit(case=denied, actor=clerk, assigned_counsel=counsel)
    services.case_decide(
        case=denied,
        actor=counsel,
        outcome=DecisionOutcome.DENIED,
        reason=ReasonCode.NON_JUDICIAL_DOCUMENT,
        rationale="An I-200 is not signed by a judge.",
    )
    world.cases["denied"] = denied
    approved = world.cases["approved"]
    services.release_record(
        case=approved,
        actor=clerk,
        recipient="Det. Sam Ortiz",
        method="secure_email",
        categories=["address", "license_record"],
        records_count=1,
        released_at=timezone.now(),
    )
    received = world.cases["received"]
    services.callback_record(
        case=received,
        actor=clerk,
        answered_by="Desk sergeant on duty",
        called_at=timezone.now(),
        confirmed=True,
    )
    request = RequestFactory().get("/")
    for user in (clerk, counsel, world.users["Auditor"]):
        request.user = user
        for case in world.cases.values():
            access_log(request=request, action=Action.VIEW_CASE, case=case)
    document = world.objects["document"]
    request.user = counsel
    access_log(
        request=request,
        action=Action.DOWNLOAD_DOCUMENT,
        case=document.case,
        obj=document,
    )
    return world


def pages(a_world):
    """(name, url, role) for every route of the access table and every allowed role,
    and the case page and timeline of every case."""
    for name, rule in sorted(ACCESS.items()):
        url, _ = url_for(name, a_world)
        for role in roles_for(rule):
            yield name, url, role
    for case in a_world.cases.values():
        for name in ("cases:detail", "audit:case_timeline"):
            for role in ("Clerk", "Counsel", "Auditor"):
                yield name, reverse(name, args=[case.number]), role


def test_no_page_shows_a_code(client, demo_like):
    codes = raw_codes()
    assert {"approved_full", "vehicle_registration", "IMMIGRATION_REQUEST"} <= set(codes)
    seen, problems = set(), []
    for name, url, role in pages(demo_like):
        if role is None:
            client.logout()
        else:
            client.force_login(demo_like.users[role])
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen.add(name)
        found = codes_in(visible_text(response.content.decode()), codes)
        if found:
            problems.append(f"{url} as {role}: {', '.join(sorted(set(found)))}")
    assert not problems, "Codes shown as words:\n" + "\n".join(problems)
    # The walk reached the pages that show codes' words, not only refusals.
    assert {
        "cases:detail",
        "cases:queue",
        "cases:search",
        "policy:try",
        "audit:access_log",
        "audit:case_timeline",
        "reports:index",
        "reports:transparency",
        "reports:attestation",
    } <= seen


def test_the_policy_panel_names_its_findings_in_words(client, demo_like):
    client.force_login(demo_like.users["Counsel"])
    url = reverse("cases:detail", args=[demo_like.cases["pending"].number])
    text = visible_text(client.get(url).content.decode())
    assert "Immigration request" in text
    assert "IMMIGRATION_REQUEST" not in text


def test_the_admin_user_list_has_plain_headers(client, demo_like):
    client.force_login(demo_like.users["Administrator"])
    text = visible_text(client.get(reverse("admin:accounts_user_changelist")).content.decode())
    assert "Get full name" not in text
    assert "Role label" not in text
    assert "Name" in text
    assert "Role" in text


def test_the_access_log_names_a_document_in_words(client, demo_like):
    client.force_login(demo_like.users["Auditor"])
    document = demo_like.objects["document"]
    text = visible_text(client.get(reverse("audit:access_log")).content.decode())
    assert f"Legal document #{document.pk}" in text
    assert AuditRecord.objects.filter(object_type="cases.legaldocument").exists()


class TestLabel:
    @pytest.mark.parametrize(
        "code,words",
        [
            ("approved_full", "Approved: everything asked"),
            ("vehicle_registration", "Vehicle registration"),
            ("IMMIGRATION_REQUEST", "Immigration request"),
            ("in_review", "In legal review"),
            ("immigration", "Immigration enforcement"),
            ("cases.legaldocument 41", "Legal document #41"),
            ("cases.legaldocument", "Legal document"),
            (["address", "photo"], "Address, Photo"),
            ("", ""),
            (None, ""),
        ],
    )
    def test_a_code_has_its_words(self, code, words):
        assert label(code) == words

    def test_a_vocabulary_decides_between_two_meanings(self):
        assert label("withdrawn", "status") == "Withdrawn"
        assert label("withdrawn", "reason") == "Withdrawn by the agency"
        assert label("review", "engine_decision") == "Counsel's review needed"
        assert label("review", "severity") == "Needs counsel's judgement"

    def test_an_unknown_code_is_spelled_out_not_shown(self):
        assert label("SOMETHING_NEW") == "Something new"
        assert label("brand_new_code") == "Brand new code"
        assert label("Free text stays.") == "Free text stays."

    def test_an_unknown_vocabulary_is_an_error(self):
        with pytest.raises(KeyError):
            label("address", "colours")

    def test_every_code_has_words_of_its_own(self):
        for code in raw_codes():
            words = label(code)
            assert words and words != code and not SNAKE.match(words), code
        assert "category" in vocabulary_names()

    def test_every_finding_the_engine_makes_has_words(self):
        source = "".join(
            path.read_text(encoding="utf-8") for path in Path(rules.__file__).parent.glob("*.py")
        )
        made = set(re.findall(r'"([A-Z]+(?:_[A-Z]+)+)"', source))
        assert made, "no finding code found in the engine"
        assert made <= set(FINDING_LABELS), made - set(FINDING_LABELS)


def test_no_admin_column_is_headed_by_a_method_name():
    """A list column made by a method needs @admin.display(description=...): without
    it the header reads "GET FULL NAME"."""
    unnamed = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith(("accounts.", "dmvrequests.")):
            continue  # another project's admin (django-axes)
        for item in model_admin.list_display:
            if callable(item) or item == "__str__":
                continue
            try:
                model._meta.get_field(item)
                continue
            except FieldDoesNotExist:
                pass
            attribute = getattr(model_admin, item, None) or getattr(model, item, None)
            if not hasattr(attribute, "short_description"):
                unnamed.append(f"{model._meta.label}.{item}")
    assert not unnamed, unnamed


def test_audit_records_of_every_kind_read_in_words(client, demo_like):
    audit_record(
        kind=Kind.SHARING,
        action=Action.SHARE,
        user=demo_like.users["Counsel"],
        case_number=demo_like.cases["in_review"].number,
        object_type="cases.caseshare",
        object_id=demo_like.objects["share"].pk,
        detail={"field": "subject_name", "categories": ["vehicle_registration"]},
    )
    client.force_login(demo_like.users["Auditor"])
    text = visible_text(client.get(reverse("audit:access_log")).content.decode())
    assert not codes_in(text, raw_codes()), codes_in(text, raw_codes())


def test_the_xlsx_export_shows_words_and_the_csv_keeps_codes(demo_like):
    import io

    from openpyxl import load_workbook

    from dmvrequests.reports.exports import CASES, LABELLED_COLUMNS, text_chunks, write_export
    from dmvrequests.reports.filters import ReportFilters

    filters = ReportFilters.default()
    target = io.BytesIO()
    write_export(target, "xlsx", CASES, filters)
    rows = list(load_workbook(io.BytesIO(target.getvalue())).worksheets[0].values)
    header, body = rows[0], rows[1:]
    assert len(body) == len(demo_like.cases)
    coded = [header.index(name) for name in LABELLED_COLUMNS]
    shown = " ".join(str(row[i]) for row in body for i in coded if row[i] is not None)
    assert not codes_in(shown, raw_codes()), codes_in(shown, raw_codes())
    assert "Administrative (non-judicial) document" in shown
    csv_text = "".join(text_chunks("csv", CASES, filters))
    assert "non_judicial_document" in csv_text
