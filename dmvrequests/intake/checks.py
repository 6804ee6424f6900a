"""Deployment checks for email intake: the technical detail clerks are not shown.

A clerk reads "no emailed request can be verified yet; an administrator can set this
up" on a case; the administrator running `manage.py check --deploy` reads which
setting does it (docs/intake.md, "Sender verification").
"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def trusted_mail_server(app_configs, **kwargs):
    """Warn when email is polled but no receiving server is trusted to vouch for senders
    (RFC 8601 authserv-id): every emailed request then arrives unverified."""
    if getattr(settings, "IMAP_URL", None) and not settings.INTAKE_TRUSTED_AUTHSERV_ID:
        return [
            checks.Warning(
                "Email intake is on (IMAP_URL) but INTAKE_TRUSTED_AUTHSERV_ID is not set, so "
                "no emailed request's sender can be verified.",
                hint="Set it to the authserv-id your receiving mail server writes in its "
                "Authentication-Results headers (docs/intake.md).",
                id="intake.W001",
            )
        ]
    return []
