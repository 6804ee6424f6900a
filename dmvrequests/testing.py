"""Factories for tests (factory_boy). Build through the services where it matters."""

from typing import Any

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Office, User
from dmvrequests.agencies.models import Agency, Officer, Requester
from dmvrequests.cases import services

PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts only


class OfficeFactory(factory.django.DjangoModelFactory[Office]):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Office {n}")
    code = factory.Sequence(lambda n: f"office-{n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    office = factory.SubFactory(OfficeFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self: User, create, extracted, **kwargs):  # self: the user made
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = "local_law_enforcement"
    email_domains = factory.Sequence(lambda n: f"agency{n}.example.gov")
    published_phone = "518-555-0100"


class RequesterFactory(factory.django.DjangoModelFactory[Requester]):
    class Meta:
        model = Requester

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Officer {n}")
    email = factory.Sequence(lambda n: f"officer{n}@example.gov")


def make_case(*, office, actor, agency=None, **overrides):
    """A case created through case_create, as a clerk would."""
    agency = agency or AgencyFactory()
    fields: dict[str, Any] = {
        # Mail needs no callback before submission; phone tests record one.
        "channel": "mail",
        "received_at": timezone.now(),
        "purpose": "criminal_investigation",
        "categories": ["license_record", "address"],
        "subject_name": "Maria Lopez",
        "subject_license_number": "123456789",
    }
    fields.update(overrides)
    return services.case_create(office=office, agency=agency, actor=actor, **fields)


def make_officer(*, agency=None, email=None, name="Dana Officer", actor=None, mfa=True, **flags):
    """An agency officer through agencies.services.officer_create: verified and approved
    unless told otherwise (verified=False, approved=False), with the test password and (unless
    mfa=False) an authenticator app enrolled, which the portal requires."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dmvrequests.agencies.services import officer_create

    agency = agency or AgencyFactory()
    if email is None:
        email = f"officer{Officer.objects.count() + 1}@{agency.domain_list[0]}"
    options = {"verified": True, "approved": True, "password": PASSWORD, **flags}
    officer = officer_create(agency=agency, actor=actor, email=email, name=name, **options)
    if mfa:
        TOTPDevice.objects.create(user=officer.user, name="Authenticator app", confirmed=True)
    return officer
