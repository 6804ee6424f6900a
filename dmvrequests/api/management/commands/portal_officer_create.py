"""Create an approved officer of a directory agency, for set-up and integration tests:

    manage.py portal_officer_create --agency NAME --email ADDRESS --name NAME [--print-token]

The address must be in the agency's email domains. With --print-token, a personal API token
(90 days) is made and printed on the last line, the only time it is shown (docs/api.md).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from dmvrequests.agencies.models import Agency
from dmvrequests.agencies.services import officer_create
from dmvrequests.api.tokens import DEFAULT_DAYS, token_create


class Command(BaseCommand):
    help = "Create an approved agency officer (portal and API), optionally with an API token."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="The agency's name or slug.")
        parser.add_argument("--email", required=True, help="The officer's address at the agency.")
        parser.add_argument("--name", required=True, help="The officer's full name.")
        parser.add_argument("--title", default="")
        parser.add_argument("--badge", default="")
        parser.add_argument(
            "--portal-admin",
            action="store_true",
            help="Make the officer the agency's portal administrator.",
        )
        parser.add_argument(
            "--print-token",
            action="store_true",
            help="Make an API token and print it (shown once).",
        )
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="The token's lifetime.")

    def handle(self, *args, **options):
        agencies = Agency.objects.filter(
            Q(name__iexact=options["agency"]) | Q(slug__iexact=options["agency"])
        )
        if agencies.count() != 1:
            raise CommandError(
                f"No single agency is named {options['agency']!r}: give its name or slug as the "
                "directory lists it."
            )
        try:
            with transaction.atomic():
                officer = officer_create(
                    agency=agencies.get(),
                    actor=None,
                    email=options["email"],
                    name=options["name"],
                    title=options["title"],
                    badge=options["badge"],
                    verified=True,
                    approved=True,
                    is_portal_admin=options["portal_admin"],
                )
                token = None
                if options["print_token"]:
                    _, token = token_create(
                        user=officer.user,
                        name="Created by portal_officer_create",
                        days=options["days"],
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Created {officer.name} <{officer.email}> of {officer.agency.name}.")
        if token:
            self.stdout.write(token)
