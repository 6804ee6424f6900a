"""Set an agency's webhook endpoint and print its signing secret (docs/api.md, "Webhooks"):

    manage.py api_webhook_set --agency NAME --url https://... [--off]

The secret is made with the webhook and printed each time, for the DMV to give the agency
through a trusted channel.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from dmvrequests.agencies.models import Agency
from dmvrequests.api.webhooks import webhook_set


class Command(BaseCommand):
    help = "Set an agency's webhook (HTTPS) and print its HMAC-SHA256 signing secret."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="The agency's name or slug.")
        parser.add_argument("--url", required=True, help="The agency's https:// endpoint.")
        parser.add_argument("--off", action="store_true", help="Keep it but stop calling it.")

    def handle(self, *args, **options):
        agencies = Agency.objects.filter(
            Q(name__iexact=options["agency"]) | Q(slug__iexact=options["agency"])
        )
        if agencies.count() != 1:
            raise CommandError(f"No single agency is named {options['agency']!r}.")
        try:
            hook = webhook_set(agency=agencies.get(), url=options["url"], active=not options["off"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        state = "called" if hook.active else "kept but not called"
        self.stdout.write(f"{hook.agency.name}: {hook.url} ({state}). Secret:")
        self.stdout.write(hook.secret)
