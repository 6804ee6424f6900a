"""The day's subject notices: the mailing address recorded for each, and the batch that
prints them as one PDF (docs/letters.md, "Notices to mail"). Issuing goes through
services.letter_issue, as on the case's letters page."""

from django.utils import timezone

from dmvrequests.cases import selectors as case_selectors
from dmvrequests.correspondence import pdf
from dmvrequests.correspondence.models import Letter, LetterKind
from dmvrequests.correspondence.services import LetterError, letter_issue, pdf_document
from dmvrequests.correspondence.wording import batch_title


def notice_address(notice):
    """The mailing address recorded for a subject notice: the one entered when a letter
    for it was last issued with an address (the case itself holds none); '' if none."""
    letter = (
        Letter.objects.filter(notice=notice)
        .exclude(recipient_address="")
        .order_by("-issued_at", "-id")
        .only("recipient_address")
        .first()
    )
    return letter.recipient_address if letter else ""


def issued_without_address(notice):
    """True when a letter for the notice in force (not replaced, not erased) has no mailing
    address: counsel issue it again with one (services.letter_issue replaces it)."""
    return (
        Letter.objects.filter(notice=notice, recipient_address="", erased_at=None)
        .filter(replaced_by__isnull=True)
        .exists()
    )


NO_ADDRESS = (
    "No mailing address is recorded for this notice: open the case's letters and issue the "
    "notice with the person's mailing address (counsel issue again a notice issued without "
    "one: the new letter replaces it), then print the batch again."
)


def notices_batch(*, actor, on, language):
    """([letters], [(notice, why) left out], PDF bytes or b"") for the subject notices due
    on `on` or earlier in the actor's office, in `language`: each notice with a recorded
    mailing address is issued if it was not yet (with that address) and printed; a
    notice with no address is left out with what to do (a notice is mailed, and an
    envelope without an address cannot be)."""
    if not actor.office_id:
        raise LetterError("You belong to no office, so no notices are yours to mail.")
    letters, left_out = [], []
    for notice in case_selectors.notices_due(office_id=actor.office_id, on=on):
        address = notice_address(notice)
        if not address:
            left_out.append((notice, NO_ADDRESS))
            continue
        letter = letter_issue(
            case=notice.case,
            kind=LetterKind.SUBJECT_NOTICE,
            language=language,
            actor=actor,
            subject_address=address,
        )
        if not letter.recipient_address:
            # Issued earlier in this language without an address: never printed unaddressed.
            left_out.append((notice, NO_ADDRESS_ON_LETTER))
            continue
        letters.append(letter)
    if not letters:
        return [], left_out, b""
    title = batch_title(timezone.localdate(), language)
    return letters, left_out, pdf.render(pdf_document(letters, title=title))


NO_ADDRESS_ON_LETTER = (
    "The notice in this language was issued without a mailing address: counsel issue it "
    "again in this language with the address on the case's letters page (the new letter "
    "replaces it; the old one is kept, void), then print the batch again."
)
