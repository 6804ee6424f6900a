"""Letters in the case's timeline: each letter issued, emailed or mailed."""

from django.utils import dateformat

from dmvrequests.cases.timeline import PERSON, TimelineEvent, TimelineKind, register_rows
from dmvrequests.correspondence.models import DispatchMethod, Letter, LetterDispatch

LETTER_KINDS = {TimelineKind.LETTER}


def _who(user):
    return str(user) if user is not None else "System"


def _letter_name(letter):
    return f"the {letter.get_kind_display().lower()} ({letter.language_name})"


def _issued(letter):
    details = (f"Letter #{letter.pk}", f"To: {letter.recipient}", f"Subject: {letter.subject}")
    sentence = f"{_who(letter.issued_by)} issued {_letter_name(letter)}"
    if letter.replaces_id:
        # The letter it replaces stays on the case, as issued: void, not to be mailed.
        sentence += (
            f" with the person's mailing address, replacing letter #{letter.replaces_id} "
            "(kept on the case, void: not to be mailed)"
        )
    return TimelineEvent(
        letter.issued_at, _who(letter.issued_by), TimelineKind.LETTER, sentence, (), details
    )


def _dispatched(dispatch):
    who = _who(dispatch.recorded_by)
    letter = dispatch.letter
    if dispatch.method == DispatchMethod.EMAIL:
        sentence = f"{who} emailed {_letter_name(letter)} to {dispatch.address}"
    else:
        day = dateformat.format(dispatch.mailed_on, "M j, Y")
        sentence = f"{who} recorded {_letter_name(letter)} as printed and mailed on {day}"
    return TimelineEvent(dispatch.recorded_at, who, TimelineKind.LETTER, sentence)


# The letters' large parts are not read (the PDF is binary, never read by the union).
LETTER_BODIES = ("pdf", "html", "text")


def _letters(case):
    return Letter.objects.filter(case_id=case.pk)


def _dispatches(case):
    return LetterDispatch.objects.filter(letter__case_id=case.pk)


def letters_issued(letters):
    return [_issued(letter) for letter in letters]


def letters_dispatched(dispatches):
    return [_dispatched(dispatch) for dispatch in dispatches]


def register_letter_sources():
    """The letters and their sending, in the timeline's one query (from the app's ready())."""
    register_rows(
        LETTER_KINDS,
        Letter,
        _letters,
        letters_issued,
        joins={"issued_by": PERSON},
        leave_out=LETTER_BODIES,
        order=("issued_at", "id"),
    )
    register_rows(
        LETTER_KINDS,
        LetterDispatch,
        _dispatches,
        letters_dispatched,
        joins={"recorded_by": PERSON, "letter": ("kind", "language_name")},
        order=("recorded_at", "id"),
    )
