"""Where an inbound message belongs: its agency, whether its sender is verified, the case it
answers, the office that receives it and the time it counts as received.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings

from accounts.models import Office
from dmvrequests.agencies.selectors import agency_for_domain
from dmvrequests.cases.selectors import case_by_number
from dmvrequests.cases.threads import cases_of_message_ids
from dmvrequests.intake import verification
from dmvrequests.intake.models import InboundMessage

if TYPE_CHECKING:
    from dmvrequests.cases.models import DisclosureRequest
    from dmvrequests.mail.message import ParsedMessage

# A Date header is believed when it is at most this far from the arrival time;
# otherwise the sender's clock (or its spam software) is wrong and arrival counts.
DATE_MAX_AHEAD = timedelta(days=1)


DATE_MAX_BEHIND = timedelta(days=90)

__all__ = ["agency_for_domain", "case_replied_to", "intake_office", "sender_verification"]


def sender_verification(parsed: ParsedMessage) -> tuple[bool, str]:
    """(verified, why not): DMARC or DKIM aligned with the single From domain."""
    return verification.verification(
        from_domain=parsed.from_domain,
        from_problem=parsed.from_problem
        or (None if parsed.from_count <= 1 else "several From addresses"),
        header_values=parsed.authentication_results,
        trusted_authserv_id=settings.INTAKE_TRUSTED_AUTHSERV_ID,
    )


def case_replied_to(parsed: ParsedMessage) -> DisclosureRequest | None:
    """The case a reply belongs to: [DR-…] in the subject, else a message it answers (one
    intake received, or one another channel kept on a case: cases.threads).

    For a delivery or disposition report, the subject and ids of the returned
    message (message/rfc822 or message/rfc822-headers, RFC 3464) count too.
    """
    if parsed.case_number:
        case = case_by_number(parsed.case_number)
        if case is not None:
            return case
    references = parsed.references + [
        ref for ref in parsed.returned_references if ref not in parsed.references
    ]
    if not references:
        return None
    known = {
        message.message_id: message.case
        for message in InboundMessage.objects.originals()
        .filter(message_id__in=references, case__isnull=False)
        .select_related("case")
    }
    # Messages other channels kept on a case (staff email from the outbound journal).
    for message_id, case in cases_of_message_ids(references).items():
        known.setdefault(message_id, case)
    # The nearest ancestor in the thread decides.
    return next((known[ref] for ref in references if ref in known), None)


def intake_office() -> tuple[Office | None, str | None]:
    """(office, None) for the office that receives email requests, or (None, reason)."""
    code = getattr(settings, "INTAKE_OFFICE", "")
    if code:
        office = Office.objects.filter(code=code).first()
        if office is None:
            return None, (
                f"The office set to receive emailed requests ({code}) does not exist; an "
                "administrator must correct that setting. Release this message into a case."
            )
        return office, None
    office = Office.objects.order_by("id").first()
    if office is None:
        return None, (
            "No office exists yet to receive email requests; an administrator must create "
            "one, then release this message into a case."
        )
    return office, None


def received_at_for(parsed: ParsedMessage, arrived_at: datetime) -> datetime:
    """The Date header when plausible, else the arrival time."""
    date = parsed.date
    if date is not None and arrived_at - DATE_MAX_BEHIND <= date <= arrived_at + DATE_MAX_AHEAD:
        return date
    return arrived_at
