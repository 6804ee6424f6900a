"""Demo data for `make run`: two offices, one user per role, agencies and ~40 cases.

Everything goes through the services, so the demo cases carry the same
history, numbers and decisions as real ones.
"""

import random
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Office, User
from dmvrequests.agencies.models import Agency, Requester
from dmvrequests.cases import services
from dmvrequests.cases.models import (
    Channel,
    DecisionOutcome,
    DisclosureRequest,
    ReasonCode,
    ReleaseMethod,
    Status,
    SubjectNotice,
    VerificationResult,
)
from dmvrequests.cases.services.documents import CHECKS as CHECKLIST
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.policy.engine import EngineDecision
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.vocabulary import AgencyKind

# The demo's offices are in New York: the demo runs New York's profile.
DEMO_PROFILE = "ny"
OFFICES = [("Albany legal unit", "albany"), ("Buffalo legal unit", "buffalo")]
USERS = [
    ("clerk", "Casey", "Clerk", "Clerk", "albany"),
    ("clerk2", "Robin", "Ruiz", "Clerk", "buffalo"),
    ("counsel", "Morgan", "Counsel", "Counsel", "albany"),
    ("counsel2", "Jordan", "Lee", "Counsel", "buffalo"),
    ("counsel3", "Sam", "Okoye", "Counsel", "albany"),
    ("counsel4", "Riley", "Shah", "Counsel", "buffalo"),
    ("admin", "Alex", "Admin", "Administrator", "albany"),
    ("auditor", "Avery", "Auditor", "Auditor", None),
]
# The counsel who confirm the other counsel's approvals of immigration requests.
SECOND_APPROVERS = ("counsel3", "counsel4")
AGENCIES = [
    (
        "New York State Police",
        "nysp",
        "state_law_enforcement",
        "NY0010000",
        "State",
        "troopers.ny.gov",
        "518-457-6811",
    ),
    (
        "Albany Police Department",
        "albany-pd",
        "local_law_enforcement",
        "NY0010100",
        "Albany",
        "albanyny.gov",
        "518-462-8013",
    ),
    (
        "Erie County Sheriff",
        "erie-sheriff",
        "local_law_enforcement",
        "NY0140000",
        "Erie County",
        "erie.gov",
        "716-858-7618",
    ),
    (
        "Albany County District Attorney",
        "albany-da",
        "prosecutor",
        "NY001013A",
        "Albany County",
        "albanycountyda.com",
        "518-487-5460",
    ),
    (
        "New Jersey Motor Vehicle Commission",
        "nj-mvc",
        "motor_vehicle_agency",
        "",
        "NJ",
        "mvc.nj.gov",
        "609-292-6500",
    ),
    (
        "Empire Mutual Insurance",
        "empire-mutual",
        "private",
        "",
        "",
        "empiremutual.example.com",
        "800-555-0100",
    ),
]
SUBJECTS = [
    "Maria Lopez",
    "John Smith",
    "Wei Chen",
    "Fatima Diallo",
    "Carlos Romero",
    "Anna Kowalski",
    "Samuel Okafor",
    "Linh Nguyen",
    "Priya Patel",
    "David Cohen",
]
# (status to reach, how many per office)
PLAN = [
    (Status.RECEIVED, 3),
    (Status.IN_REVIEW, 4),
    (Status.NEEDS_INFO, 2),
    (Status.APPROVED, 3),
    (Status.DENIED, 3),
    (Status.FULFILLED, 2),
    (Status.CLOSED, 2),
    (Status.WITHDRAWN, 1),
]
PORTAL_OFFICER = "detective@albanyny.gov"
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Command(BaseCommand):
    help = "Create demo offices, users, agencies and about 40 cases (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--password-file", default="", help="Write the demo password here.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run when DJANGO_ENV=production.")
        if User.objects.filter(username="clerk").exists():
            self.stdout.write("Demo data is already loaded; nothing to do.")
            self.stdout.write(demo_users_text())
            self.stdout.write(f"with the password: {saved_password(options['password_file'])}")
            return
        password = settings_password()
        with transaction.atomic():
            offices = self.create_offices()
            users = self.create_users(offices, password)
            profile = self.activate_profile(users["admin"])
            agencies = self.create_agencies()
            count = self.create_cases(offices, users, agencies)
            count += self.create_portal(offices, users, agencies, password)
        if options["password_file"]:
            with open(options["password_file"], "w") as handle:
                handle.write(password + "\n")
        active = f"; policy profile: {profile.name}" if profile else ""
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {count} cases{active}."))
        self.stdout.write(demo_users_text())
        self.stdout.write(f"with the password: {password}")

    def activate_profile(self, admin):
        profile = PolicyProfile.objects.filter(slug=DEMO_PROFILE).first()
        if profile is None:  # an installation without the shipped profiles keeps its own
            return None
        return profile_activate(profile=profile, actor=admin)

    def create_offices(self):
        # get_or_create: an office of that code may exist already (seed_synthetic's).
        return {
            code: Office.objects.get_or_create(
                code=code, defaults={"name": name, "email": f"{code}@dmv.example.gov"}
            )[0]
            for name, code in OFFICES
        }

    def create_users(self, offices, password):
        users = {}
        for username, first, last, role, office in USERS:
            user = User.objects.create_user(
                username,
                email=f"{username}@dmv.example.gov",
                password=password,
                first_name=first,
                last_name=last,
                office=offices.get(office),
                is_staff=role == "Administrator",
            )
            user.groups.add(Group.objects.get(name=role))
            users[username] = User.objects.get(pk=user.pk)
        return users

    def create_agencies(self):
        agencies = list(Agency.objects.filter(jurisdiction="Federal"))
        for n, agency in enumerate(agencies):
            if not agency.published_phone:  # demo numbers (555-01xx is reserved for fiction)
                agency.published_phone = f"202-555-01{n:02d}"
                agency.save()
        for name, slug, kind, ori, jurisdiction, domain, phone in AGENCIES:
            agency = Agency(
                name=name,
                slug=slug,
                kind=kind,
                ori=ori,
                jurisdiction=jurisdiction,
                email_domains=domain,
                published_phone=phone,
            )
            agency.full_clean()
            agency.save()
            agencies.append(agency)
        for agency in agencies:
            Requester.objects.create(
                agency=agency,
                name=f"Officer {agency.slug.split('-')[0].title()}",
                title="Investigator",
                badge=str(1000 + agency.pk),
                email=f"investigator@{agency.domain_list[0]}" if agency.domain_list else "",
            )
        return agencies

    def create_cases(self, offices, users, agencies):
        rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not secrets
        count = 0
        for code, clerk, counsel, second in (
            ("albany", "clerk", "counsel", "counsel3"),
            ("buffalo", "clerk2", "counsel2", "counsel4"),
        ):
            team = (users[clerk], users[counsel], users[second])
            for status, n in PLAN:
                for _ in range(n):
                    self.create_case(rng, offices[code], team, agencies, status)
                    count += 1
        return count

    def create_case(self, rng, office, team, agencies, status):
        clerk = team[0]
        agency = rng.choice(agencies)
        immigration = agency.kind == AgencyKind.IMMIGRATION
        # Open cases arrived lately; decided ones weeks ago, as in a working office.
        recent = status in (Status.RECEIVED, Status.IN_REVIEW, Status.NEEDS_INFO)
        days = rng.randint(0, 9) if recent else rng.randint(15, 60)
        received = timezone.now() - timedelta(days=days, hours=rng.randint(0, 8))
        case = services.case_create(
            office=office,
            agency=agency,
            requester=agency.requesters.first(),
            channel=rng.choice([Channel.PHONE, Channel.FAX, Channel.MAIL, Channel.IN_PERSON]),
            received_at=received,
            purpose="civil_immigration_enforcement"
            if immigration
            else rng.choice(
                [
                    "criminal_investigation",
                    "locate_person",
                    "traffic_enforcement",
                    "court_proceeding",
                ]
            ),
            categories=rng.sample(
                ["license_record", "address", "photo", "vehicle_registration", "driving_history"],
                k=rng.randint(1, 3),
            ),
            subject_name=rng.choice(SUBJECTS),
            subject_license_number=f"{rng.randint(100000000, 999999999)}",
            subject_plate=f"{rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRSTUVW')}{rng.randint(1000, 9999)}",
            narrative="Requested by phone; officer states an open investigation.",
            emergency=rng.random() < 0.1,
            actor=clerk,
        )
        self.add_document(rng, case, clerk, immigration, status)
        if services.needs_callback(case):
            services.callback_record(
                case=case,
                actor=clerk,
                answered_by="Desk sergeant on duty",
                called_at=min(received + timedelta(minutes=30), timezone.now()),
                confirmed=True,
            )
        self.advance(case, team, status)

    def add_document(self, rng, case, clerk, immigration, status):
        if immigration:
            judicial = status in (Status.APPROVED, Status.FULFILLED)
            kind, issuer = (
                ("judicial_warrant", "article_iii_judge")
                if judicial
                else ("administrative_warrant", "immigration_officer")
            )
        else:
            kind, issuer = rng.choice(
                [
                    ("judicial_subpoena", "court_clerk"),
                    ("court_order", "state_judge"),
                    ("none", "none"),
                ]
            )
        court_issued = issuer not in ("none", "immigration_officer")
        services.document_add(
            case=case,
            actor=clerk,
            type=kind,
            issuer=issuer,
            court="Albany County Court" if issuer == "state_judge" else "",
            # A court's document carries its docket number, which counsel's checklist finds.
            docket_number=f"{timezone.localdate():%y}-cr-{case.pk:05d}" if court_issued else "",
            content=DEMO_PDF,
            filename=f"{kind}.pdf",
        )

    def advance(self, case, team, status):
        clerk, counsel, second = team
        if status == Status.RECEIVED:
            return
        if status == Status.WITHDRAWN:
            services.case_transition(case=case, action=CaseAction.WITHDRAW, actor=clerk)
            return
        services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        if status == Status.IN_REVIEW:
            return
        if status == Status.NEEDS_INFO:
            services.info_request(
                case=case,
                actor=counsel,
                question="Send the signed court order; the copy we have is unsigned.",
            )
            return
        for document in case.documents.all():
            self.verify(document, counsel)
        decision = self.decide(case, counsel, approve=status in (Status.APPROVED, Status.FULFILLED))
        if decision.awaiting_second_approval:
            services.decision_confirm(decision=decision, actor=second)
        if decision.outcome == DecisionOutcome.APPROVED and status == Status.FULFILLED:
            services.release_record(
                case=case,
                actor=clerk,
                categories=decision.categories_approved,
                recipient=str(case.requester or case.agency),
                method=ReleaseMethod.SECURE_EMAIL,
                released_at=timezone.now(),
            )
        notice = SubjectNotice.objects.filter(case=case).first()
        if notice is not None:
            services.notice_record_sent(
                notice=notice, actor=clerk, sent_at=timezone.now(), method="First-class mail"
            )
        if status == Status.CLOSED:
            services.case_transition(case=case, action=CaseAction.CLOSE, actor=counsel)

    def verify(self, document, counsel):
        judicial = document.issuer in (
            "article_iii_judge",
            "magistrate_judge",
            "state_judge",
            "court_clerk",
        )
        # What counsel finds on the document: no judge's signature on an officer's form, a
        # docket number only where one is recorded (the checklist refuses any other answer).
        checks = {
            **dict.fromkeys(CHECKLIST, True),
            "signed_by_judge": judicial,
            "docket_present": bool(document.docket_number),
        }
        services.document_verify(
            document=document,
            actor=counsel,
            checks=checks,
            confirmed_by_name="Deputy clerk of court",
            confirmed_at=timezone.now(),
            result=VerificationResult.VERIFIED
            if judicial or document.type == "none"
            else VerificationResult.REJECTED,
            notes="Checked against the court's docket." if judicial else "",
        )

    def decide(self, case, counsel, approve):
        case = DisclosureRequest.objects.get(pk=case.pk)
        if approve:
            evaluation, _ = services.case_evaluate(case)
            if (
                evaluation
                and evaluation["releasable"]
                and evaluation["decision"] != EngineDecision.DENY
            ):
                try:
                    return services.case_decide(
                        case=case,
                        actor=counsel,
                        outcome=DecisionOutcome.APPROVED,
                        categories=evaluation["releasable"],
                        rationale="Verified the court document; scope covers the records.",
                    )
                except ValidationError:
                    pass
        return services.case_decide(
            case=case,
            actor=counsel,
            outcome=DecisionOutcome.DENIED,
            reason=ReasonCode.INSUFFICIENT_PROCESS,
            rationale="No accepted legal process was offered for this request.",
        )

    def create_portal(self, offices, users, agencies, password):
        """The agency portal (docs/portal.md): Albany Police Department's portal administrator,
        approved, with the demo password and an authenticator enrolled (the demo asks no code), two requests sent
        through the portal, and a second officer waiting for the administrator's approval."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from dmvrequests.agencies.services import officer_create

        agency = next(a for a in agencies if a.slug == "albany-pd")
        detective = officer_create(
            agency=agency,
            actor=users["admin"],
            email=PORTAL_OFFICER,
            name="Dana Whitfield",
            title="Detective",
            badge="2214",
            supervisor="Lt. Marcus Hale",
            password=password,
            verified=True,
            approved=True,
            is_portal_admin=True,
        )
        TOTPDevice.objects.create(user=detective.user, name="Authenticator app", confirmed=True)
        self.create_certification(detective)
        officer_create(
            agency=agency,
            actor=None,
            email=f"s.ortiz@{agency.domain_list[0]}",
            name="Sam Ortiz",
            title="Police Officer",
            badge="3107",
            supervisor="Sgt. Ana Ruiz",
            verified=True,
        )
        rng = random.Random(21)  # noqa: S311 - repeatable demo data, not secrets
        team = (users["clerk"], users["counsel"], users["counsel3"])
        for status, subject in ((Status.RECEIVED, "Wei Chen"), (Status.NEEDS_INFO, "John Smith")):
            case = services.case_create(
                office=offices["albany"],
                agency=agency,
                requester=detective.requester,
                requester_verified=True,
                channel=Channel.PORTAL,
                received_at=timezone.now() - timedelta(days=1),
                purpose="criminal_investigation",
                categories=["license_record", "address"],
                subject_name=subject,
                subject_license_number=f"{rng.randint(100000000, 999999999)}",
                narrative="Burglary investigation, Central Avenue. Attested under penalty of "
                "perjury on the agency portal by Dana Whitfield.",
                actor=detective.user,
            )
            self.add_document(rng, case, team[0], False, status)
            self.advance(case, team, status)
        return 2

    @staticmethod
    def create_certification(detective):
        """Albany Police Department's annual certification of no use for civil immigration
        enforcement, signed on the portal by its portal administrator a month ago."""
        from dmvrequests.agencies.certifications import SUGGESTED_TEXT, certification_record
        from dmvrequests.agencies.models import CertificationKind

        kind = CertificationKind.NO_IMMIGRATION_ENFORCEMENT
        return certification_record(
            agency=detective.agency,
            actor=detective.user,
            kind=kind,
            text=SUGGESTED_TEXT[kind].format(agency=detective.agency.name),
            signed_by_name=detective.name,
            signed_by_title=detective.title,
            signed_at=timezone.now() - timedelta(days=30),
            expires_on=timezone.localdate() + timedelta(days=335),
            attested=True,
        )


def demo_users_text():
    """Every demo user, one a line, with role and office (`make run` prints it)."""
    offices: dict[str | None, str] = {code: name for name, code in OFFICES}
    lines = ["Sign in as one of these demo users:"]
    for username, first, last, role, office in USERS:
        where = offices.get(office, "all offices, read-only")
        duty = " (second approvals)" if username in SECOND_APPROVERS else ""
        lines.append(f"  {username:<10} {first} {last}: {role.lower()}{duty}, {where}")
    lines.append(
        f"Agency portal (/portal/): {PORTAL_OFFICER}, Dana Whitfield, Albany Police "
        "Department's portal administrator"
    )
    return "\n".join(lines)


def saved_password(path):
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return "(unknown: run make clean, then make run)"


def settings_password():
    import os

    return os.environ.get("DEMO_PASSWORD") or "demo-" + secrets.token_urlsafe(12)
