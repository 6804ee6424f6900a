"""Every response that shows personal data of a case writes its audit record.

The walk: every URL name of the access table (dmvrequests/access.py, the Django
admin included), as each role, with GET and (outside the admin) an empty POST,
filled with real arguments (every case number, document, share, email, export
job...) and, for the list pages, every status, tab and page. Each case has its
own subject surname, license number and plate, and each email (one held, one
released into a case) its own words. A response that shows one of them must have
added, during that request, a successful audit record by that user naming that
case (or that email). A URL name whose parameters the walk cannot fill fails the
test, so a new page is walked from the day it is added.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from dmvrequests.access import ACCESS, NAMESPACE_ACCESS
from dmvrequests.agencies.models import Agency
from dmvrequests.audit.models import AuditRecord, Outcome
from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome, DisclosureRequest, Status
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.correspondence.services import LetterError, letter_issue
from dmvrequests.intake import services as services_intake
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest
from dmvrequests.outbound.models import OutboundMessage
from dmvrequests.outbound.services import journal_scan
from dmvrequests.reports.filters import ReportFilters
from dmvrequests.reports.models import ExportJob
from dmvrequests.testing import (
    AgencyFactory,
    OfficeFactory,
    RequesterFactory,
    UserFactory,
    make_case,
    make_officer,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MESSAGE_TYPE = "intake.inboundmessage"
ROLES = ("clerk", "clerk2", "counsel", "counsel2", "admin", "auditor")
# Signing out ends the session; the walk signs in again after these.
SIGN_OUTS = {"accounts:logout", "admin:logout"}

# state -> (surname, license number, plate): words that occur nowhere else.
SUBJECTS = {
    "received": ("Quillfeather", "Q70000001", "QXR7001"),
    "in_review": ("Brackenridge", "B70000002", "BXR7002"),
    "needs_info": ("Nethercott", "N70000003", "NXR7003"),
    "approved": ("Applewhaite", "A70000004", "AXR7004"),
    "pending": ("Pendragast", "P70000005", "PXR7005"),
    "denied": ("Dunsworthy", "D70000006", "DXR7006"),
    "fulfilled": ("Fairweatherly", "F70000007", "FXR7007"),
    "closed": ("Clerihew", "C70000008", "CXR7008"),
    "withdrawn": ("Wetherspool", "W70000009", "WXR7009"),
    "other_office": ("Oakenshaw", "O70000010", "OXR7010"),
    "shared_with_counsel2": ("Sharrowby", "S70000011", "SXR7011"),
    "from_email": ("Emberley", "E70000012", "EXR7012"),
}
# Two emails, each naming someone in its subject line and its body: one stays held in
# the quarantine, the other is released into a case of Albany.
EMAILS = {
    "held": ("Thistlewaite", "Philomena", "T44556677"),
    "released": ("Ravenscroft", "Gwendolyn", "R99887766"),
}


@dataclass
class World:
    users: dict
    cases: dict = field(default_factory=dict)
    documents: list = field(default_factory=list)
    shares: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    jobs: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    letters: list = field(default_factory=list)
    outbound: list = field(default_factory=list)
    officers: list = field(default_factory=list)


def _case(state, office, actor, agency, **overrides):
    surname, license_number, plate = SUBJECTS[state]
    return make_case(
        office=office,
        actor=actor,
        agency=agency,
        subject_name=f"Ada {surname}",
        subject_license_number=license_number,
        subject_plate=plate,
        **overrides,
    )


def _submitted(state, office, clerk, counsel, agency):
    case = _case(state, office, clerk, agency)
    return services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)


def _decided(state, office, clerk, counsel, agency, outcome):
    case = _submitted(state, office, clerk, counsel, agency)
    arguments: dict[str, Any] = {"categories": ["address", "license_record"]}
    if outcome == DecisionOutcome.DENIED:
        arguments = {"reason": "prohibited_purpose", "rationale": "No legal process."}
    services.case_decide(case=case, actor=counsel, outcome=outcome, **arguments)
    case.refresh_from_db()
    return case


def build_world():
    albany = OfficeFactory(name="Albany legal unit", code="albany")
    buffalo = OfficeFactory(name="Buffalo legal unit", code="buffalo")
    users = {
        "clerk": UserFactory(username="clerk", office=albany, role="Clerk"),
        "counsel": UserFactory(username="counsel", office=albany, role="Counsel"),
        "counsel_b": UserFactory(username="counsel-b", office=albany, role="Counsel"),
        "clerk2": UserFactory(username="clerk2", office=buffalo, role="Clerk"),
        "counsel2": UserFactory(username="counsel2", office=buffalo, role="Counsel"),
        "admin": UserFactory(username="admin", office=albany, role="Administrator", is_staff=True),
        "auditor": UserFactory(username="auditor", office=None, role="Auditor"),
    }
    world = World(users=users)
    # The admin's device pages need devices (their views fail on an unknown id).
    TOTPDevice.objects.create(user=users["admin"], name="Phone", confirmed=True)
    StaticDevice.objects.create(user=users["admin"], name="Backup codes", confirmed=True)
    clerk, counsel = users["clerk"], users["counsel"]
    police = AgencyFactory(kind="local_law_enforcement", name="Albany Police Department")
    RequesterFactory(agency=police, name="Det. Rivera")
    cases = world.cases
    cases["received"] = _case("received", albany, clerk, police, channel="phone")
    # A change of the subject's name: the change history shows the old and new names.
    services.case_update_intake(
        case=cases["received"], actor=clerk, subject_name=f"Adaline {SUBJECTS['received'][0]}"
    )
    cases["in_review"] = _submitted("in_review", albany, clerk, counsel, police)
    world.documents.append(
        services.document_add(
            case=cases["in_review"],
            actor=clerk,
            type="court_order",
            issuer="state_judge",
            content=PDF,
            filename="order.pdf",
        )
    )
    world.shares.append(
        services.case_share(
            case=cases["in_review"], actor=counsel, office=buffalo, reason="Joint investigation."
        )
    )
    cases["needs_info"] = _submitted("needs_info", albany, clerk, counsel, police)
    services.info_request(case=cases["needs_info"], actor=counsel, question="Send the order.")
    cases["approved"] = _decided(
        "approved", albany, clerk, counsel, police, DecisionOutcome.APPROVED
    )
    cases["denied"] = _decided("denied", albany, clerk, counsel, police, DecisionOutcome.DENIED)
    cases["fulfilled"] = _decided(
        "fulfilled", albany, clerk, counsel, police, DecisionOutcome.APPROVED
    )
    services.release_record(
        case=cases["fulfilled"],
        actor=clerk,
        categories=["address"],
        recipient="Det. Rivera",
        method="secure_email",
        released_at=timezone.now(),  # a release is not dated before its approval
    )
    cases["closed"] = _decided("closed", albany, clerk, counsel, police, DecisionOutcome.DENIED)
    services.case_transition(case=cases["closed"], action="close", actor=clerk)
    cases["withdrawn"] = _case("withdrawn", albany, clerk, police)
    services.case_transition(case=cases["withdrawn"], action="withdraw", actor=clerk)
    cases["pending"] = _pending_second_approval(albany, clerk, counsel)
    cases["other_office"] = _case("other_office", buffalo, users["clerk2"], police)
    cases["shared_with_counsel2"] = _submitted(
        "shared_with_counsel2", albany, clerk, counsel, police
    )
    world.shares.append(
        services.case_share(
            case=cases["shared_with_counsel2"],
            actor=counsel,
            user=users["counsel2"],
            reason="Task force.",
        )
    )
    for key, case in cases.items():
        cases[key] = DisclosureRequest.objects.get(pk=case.pk)
    world.messages.append(_quarantined_message("held"))
    released = _quarantined_message("released")
    services_intake.quarantine_release(message=released, agency=police, office=albany, actor=clerk)
    world.messages.append(released)
    released.refresh_from_db()
    surname, license_number, plate = SUBJECTS["from_email"]
    services.case_update_intake(
        case=released.case,
        actor=clerk,
        subject_name=f"Ada {surname}",
        subject_license_number=license_number,
        subject_plate=plate,
    )
    cases["from_email"] = released.case
    # A role grant waiting for a second administrator (accounts:role_grant_decide).
    grant_model = apps.all_models["accounts"].get("pendingrolegrant")
    if grant_model is not None:
        world.grants.append(
            grant_model._default_manager.create(
                user=users["clerk2"], role="Counsel", requested_by=users["admin"]
            )
        )
    # A letter of each case that can have one: its pages name the case's subject.
    for case in cases.values():
        for kind in ("denial", "release", "acknowledgment"):
            try:
                letter = letter_issue(case=case, kind=kind, language="en", actor=counsel)
            except LetterError:
                continue
            world.letters.append(letter)
            break
    world.outbound.append(_outbound_item())
    # An officer waiting for approval (portal:officer_decide, portal:staff_officer_decide).
    world.officers.append(make_officer(name="Robin Waiting", approved=False))
    world.jobs.append(
        ExportJob.objects.create(
            dataset="cases",
            format="csv",
            filters=ReportFilters.default().as_detail(),
            requested_by=users["admin"],
        )
    )
    return world


def _pending_second_approval(office, clerk, counsel):
    ice = AgencyFactory(kind="immigration", name="ICE HSI New York")
    case = _case("pending", office, clerk, ice, categories=["address"])
    document = services.document_add(
        case=case, actor=clerk, type="judicial_warrant", issuer="article_iii_judge", content=PDF
    )
    services.case_submit(case=case, actor=clerk)
    services.document_verify(
        document=document,
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
    )
    case.refresh_from_db()
    services.case_decide(
        case=case, actor=counsel, outcome=DecisionOutcome.APPROVED, categories=["address"]
    )
    return case


def _outbound_item():
    """A staff email to ICE carrying record data: an item of counsel's review queue, naming
    someone in its subject and text (OUTBOUND_WORDS)."""
    surname, first_name, license_number = OUTBOUND_WORDS
    raw = (
        "From: Pat Clerk <pat.clerk@dmv.example.gov>\r\nTo: agent@ice.dhs.gov\r\n"
        f"Subject: Address of {surname}\r\n"
        "Message-ID: <audited-outbound@dmv.example.gov>\r\n\r\n"
        f"{first_name} {surname}, DOB 01/02/1980, DL {license_number}, lives at 12 Elm St.\r\n"
    ).encode()
    outcome = journal_scan(raw=raw)
    assert outcome.result == "flagged", outcome
    assert outcome.item_id is not None
    return OutboundMessage.objects.get(pk=outcome.item_id)


def _quarantined_message(which):
    surname, first_name, license_number = EMAILS[which]
    raw = (
        f"From: Someone <someone@unknown-agency.example>\r\nTo: records@dmv.example.gov\r\n"
        f"Subject: Record of {surname}\r\n"
        f"Message-ID: <audited-{which}@unknown-agency.example>\r\n\r\n"
        f"Please send the address of {first_name} {surname}, license {license_number}.\r\n"
    ).encode()
    message_ingest(raw=raw, source="file")
    return InboundMessage.objects.get(message_id=f"<audited-{which}@unknown-agency.example>")


# A staff email to an outside agency (the outbound journal): its words, as EMAILS'.
OUTBOUND_WORDS = ("Wickersham", "Theodora", "W55443322")
OUTBOUND_TYPE = "outbound.outboundmessage"


# -- Which URLs, with which arguments ------------------------------------------------------------


def url_patterns(resolver=None, namespace=""):
    """(URL name, names of its parameters) for every named pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            regex = entry.pattern.regex
            named = frozenset(regex.groupindex)
            positional = frozenset(f"#{i}" for i in range(regex.groups - len(named)))
            yield f"{namespace}{entry.name}", named | positional


def in_access_table(name):
    return name in ACCESS or name.split(":", 1)[0] in NAMESPACE_ACCESS


WALKED = sorted({(n, p) for n, p in url_patterns() if in_access_table(n)})


def _admin_model(name):
    """The admin's model for a URL name such as admin:cases_disclosurerequest_change."""
    view = name.split(":", 1)[1]
    for model in admin.site._registry:
        if view.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    if view.startswith("auth_user_"):  # the password form of the user admin
        return User
    return None


def _admin_object_ids(name):
    model = _admin_model(name)
    if model is None:
        return None
    # An empty table's pages are still opened, with an id that names nothing.
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:3]) or [0]
    return [str(pk) for pk in pks]


def arguments(name, params, world):
    """Every set of URL arguments to walk `name` with, or None if the walk cannot fill it."""
    special = _named_arguments(name, params, world)
    if special is not _BY_PARAMS:
        return special
    return _arguments_by_params(params, world)


# What _named_arguments returns for a URL it leaves to the parameter names.
_BY_PARAMS = object()


def _named_arguments(name, params, world):
    """The arguments of the URLs that the parameter names alone do not say how to fill."""
    if name == "accounts:role_grant_decide" and params == {"pk"}:
        return [{"pk": grant.pk} for grant in world.grants]
    if name.startswith("intake:") and params == {"pk"}:
        return [{"pk": m.pk} for m in world.messages]
    if name.startswith(("outbound:", "portal:", "portal_api:", "network:")):
        return _channel_arguments(name, params, world)
    if name.startswith("admin:") and name.endswith("_simple_history") and params == {"#0", "#1"}:
        # django-simple-history's view of one past version: (object id, history id).
        model = _admin_model(name)
        rows = model.history.order_by("history_id")[:3] if model else []
        return [{"args": (row.id, row.history_id)} for row in rows] or [{"args": ("0", "0")}]
    if name.startswith("admin:") and params in ({"object_id"}, {"id"}, {"pk"}):
        (param,) = params
        ids = _admin_object_ids(name)
        return None if ids is None else [{param: i} for i in ids]
    return _BY_PARAMS


def _channel_arguments(name, params, world):
    """The outbound journal's items and attachments, the portal's officers and its link, the
    portal's certifications and the API's tokens, the agencies' pages of the Network queries
    section."""
    if name == "network:agency" and params == {"pk"}:
        return [{"pk": pk} for pk in Agency.objects.order_by("pk").values_list("pk", flat=True)]
    if name.startswith("outbound:") and params == {"pk"}:
        return [{"pk": item.pk} for item in world.outbound]
    if name == "outbound:attachment" and params == {"pk", "number"}:
        return [{"pk": item.pk, "number": 1} for item in world.outbound]
    if name.startswith(("portal:", "portal_api:")) and params == {"pk"}:
        # Officers, certifications, tokens: an id each (the walk's world has officers).
        return [{"pk": officer.pk} for officer in world.officers]
    if name in ("portal:verify", "portal:release_download") and params == {"token"}:
        return [{"token": "not-a-valid-token"}]
    return _BY_PARAMS


def _arguments_by_params(params, world):
    numbers = [case.number for case in world.cases.values()]
    by_params = {
        frozenset(): lambda: [{}],
        frozenset({"number"}): lambda: [{"number": n} for n in numbers],
        frozenset({"number", "document_id"}): lambda: [
            {"number": d.case.number, "document_id": d.pk} for d in world.documents
        ],
        frozenset({"number", "share_id"}): lambda: [
            {"number": s.case.number, "share_id": s.pk} for s in world.shares
        ],
        frozenset({"job_id"}): lambda: [{"job_id": j.pk} for j in world.jobs],
        frozenset({"number", "letter_id"}): lambda: [
            {"number": x.case.number, "letter_id": x.pk} for x in world.letters
        ],
        frozenset({"office_id", "kind", "language"}): lambda: [
            {"office_id": case.office_id, "kind": kind, "language": language}
            for case in world.cases.values()
            for kind in ("denial", "subject_notice")
            for language in ("en", "es")
        ][:8],
        frozenset({"content_type_id", "object_id"}): lambda: [
            {"content_type_id": ContentType.objects.get_for_model(case).pk, "object_id": case.pk}
            for case in world.cases.values()
        ],
        frozenset({"slug"}): lambda: [{"slug": slug} for slug in ("ny", "nv")],
        frozenset({"app_label"}): lambda: [
            {"app_label": label}
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ],
    }
    if params in by_params:
        return by_params[params]()
    return None


def query_variants(name, world):
    """The query strings a list page is walked with: every status, tab, page and filter."""
    pages = [{}, {"page": "2"}, {"page": "3"}]
    if name == "cases:queue":
        statuses = ["", *Status.values]
        return [
            {"tab": tab, "status": status}
            for tab in ("", "mine", "office-cases")
            for status in statuses
        ] + [{"sort": "-number"}, {"page": "2"}]
    if name == "cases:search":
        # Typed in lower case: the page repeats what was typed, which is no read of a case.
        names = [{"q": f"ada {surname.lower()}"} for surname, _, _ in SUBJECTS.values()]
        numbers = [{"q": SUBJECTS["received"][1].lower()}, {"q": SUBJECTS["closed"][2].lower()}]
        return [{}, {"q": "Ada"}, *names, *numbers]
    if name in ("audit:history", "audit:access_log", "audit:access_log_csv"):
        by_case = [{"case_number": case.number} for case in world.cases.values()]
        return pages + by_case
    if name == "audit:user_activity":
        today = timezone.localdate()
        return [{}] + [
            {"user": user.pk, "date_from": today - timedelta(days=1), "date_to": today}
            for user in world.users.values()
        ]
    if name == "intake:quarantine":
        return [{}, {"sort": "-subject"}]
    if name.startswith("audit:case_timeline"):
        return [{}, {"kind": "read"}]
    return [{}]


# -- What a response shows, and what was recorded -----------------------------------------------


def body_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def unrecorded(world, user, text, since):
    """What `text` shows of a case or of an email without a record of this request."""
    if not shows_personal_data(world, text):
        return []
    records = AuditRecord.objects.filter(seq__gt=since, user=user, outcome=Outcome.SUCCESS)
    numbers = set(records.values_list("case_number", flat=True))
    messages = set(records.filter(object_type=MESSAGE_TYPE).values_list("object_id", flat=True))
    missing = []
    for state, case in world.cases.items():
        shown = [word for word in SUBJECTS[state] if word in text]
        if shown and case.number not in numbers:
            missing.append(f"{case.number} ({state}: {', '.join(shown)})")
    for message, words in zip(world.messages, EMAILS.values(), strict=True):
        message.refresh_from_db()
        shown = [word for word in words if word in text]
        case_number = message.case.number if message.case_id else None
        if shown and str(message.pk) not in messages and case_number not in numbers:
            missing.append(f"email {message.pk} ({', '.join(shown)})")
    outbound_read = set(
        records.filter(object_type=OUTBOUND_TYPE).values_list("object_id", flat=True)
    )
    for item in world.outbound:
        shown = [word for word in OUTBOUND_WORDS if word in text]
        if shown and str(item.pk) not in outbound_read:
            missing.append(f"staff email {item.pk} ({', '.join(shown)})")
    return missing


def shows_personal_data(world, text):
    words = [w for subject in SUBJECTS.values() for w in subject]
    words += [w for email in EMAILS.values() for w in email]
    words += list(OUTBOUND_WORDS)
    return any(word in text for word in words)


def unrecorded_refusal(user, kwargs, response, since):
    """A 403 on a URL that names a case must leave a denied record of that case by the user
    (as the 404 of a case one may not see does)."""
    if response.status_code != 403 or "number" not in kwargs:
        return False
    return not AuditRecord.objects.filter(
        seq__gt=since, outcome=Outcome.DENIED, user=user, case_number=kwargs["number"]
    ).exists()


def last_seq():
    return AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# -- The tests -----------------------------------------------------------------------------------


@pytest.fixture
def world(db, settings):
    settings.INTAKE_OFFICE = ""
    settings.DMV_EMAIL_DOMAINS = "dmv.example.gov"
    return build_world()


def test_the_walk_can_fill_every_url_of_the_access_table(db):
    # Which arguments each URL takes is known without data; the walk proves it found data.
    empty = World(users={})
    unfilled = sorted(name for name, params in WALKED if arguments(name, params, empty) is None)
    assert unfilled == [], (
        "The read-audit walk has no arguments for these URL names; add them to "
        f"arguments() in {__name__}: {unfilled}"
    )
    walked = {name for name, _ in WALKED}
    assert set(ACCESS) <= walked
    assert any(name.startswith("admin:") for name in walked)


def walk(client, world, role):
    """Every (URL name, URL, method) the role was answered on, and the failures."""
    user = world.users[role]
    client.force_login(user)
    failures, showed, visited = [], set(), set()
    for name, params in WALKED:
        methods = ("get",) if name.startswith("admin:") else ("get", "post")
        for kwargs in arguments(name, params, world) or []:
            url = (
                reverse(name, args=kwargs["args"])
                if "args" in kwargs
                else reverse(name, kwargs=kwargs)
            )
            for position, query in enumerate(query_variants(name, world)):
                # An empty POST (a form sent with errors) once, GET with every query.
                for method in methods if position == 0 else ("get",):
                    since = last_seq()
                    response = getattr(client, method)(url, query if method == "get" else {})
                    visited.add(name)
                    text = body_text(response)
                    missing = unrecorded(world, user, text, since)
                    if missing:
                        failures.append(f"{method.upper()} {url} {query or ''}: {missing}")
                    if unrecorded_refusal(user, kwargs, response, since):
                        failures.append(f"{method.upper()} {url}: refused (403), not recorded")
                    if shows_personal_data(world, text):
                        showed.add(name)
                    if name in SIGN_OUTS:
                        client.force_login(user)
    return failures, showed, visited


EXPECTED_SHOWN = {
    # Where each role reads personal data: the walk must see it there, or it proves nothing.
    "clerk": {
        "cases:queue",
        "cases:search",
        "cases:detail",
        "audit:case_timeline",
        "intake:quarantine",
        "intake:quarantine_detail",
    },
    "clerk2": {"cases:queue", "cases:detail"},
    "counsel": {"cases:queue", "cases:search", "cases:detail", "audit:case_timeline"},
    "counsel2": {"cases:queue", "cases:detail"},
    # Administrators read no case data; staff emails sent to outside agencies are theirs to
    # review with counsel and auditors (docs/outbound.md), each read audited like any other.
    "admin": {"outbound:queue", "outbound:item", "outbound:message"},
    "auditor": {"cases:search", "cases:detail", "audit:history", "audit:case_timeline"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_that_shows_personal_data_records_the_read(client, world, role):
    """The world walked as one role (a test per role, so that parallel workers share the walk)."""
    # A case in every status, an email held and one released into a case.
    assert {case.status for case in world.cases.values()} == set(Status.values)
    held, released = world.messages
    assert InboundMessage.objects.held().filter(pk=held.pk).exists()
    released.refresh_from_db()
    assert released.case is not None and released.case.office.code == "albany"
    failures, showed, visited = walk(client, world, role)
    failures = [f"as {role}: {failure}" for failure in failures]
    if role == "admin" and showed - EXPECTED_SHOWN["admin"]:
        beyond = sorted(showed - EXPECTED_SHOWN["admin"])
        failures.append(f"as admin: the admin pages show personal data: {beyond}")
    assert failures == [], (
        "These responses showed personal data with no audit record of the read, or refused "
        "a case URL with no record of the refusal:\n" + "\n".join(failures)
    )
    unseen = sorted(EXPECTED_SHOWN[role] - showed)
    assert unseen == [], f"The walk saw no personal data where {role} reads it: {unseen}"
    assert visited == {name for name, _ in WALKED}, "Some URL names were never requested"
