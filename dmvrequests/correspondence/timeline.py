"""Letters in the case's timeline: each letter issued, emailed or mailed."""

from django.utils import dateformat

from dmvrequests.cases.timeline import TimelineEvent, TimelineKind
from dmvrequests.correspondence.models import DispatchMethod, Letter, LetterDispatch

LETTER_KINDS = {TimelineKind.LETTER}


def _who(user):
    return str(user) if user is not None else "System"


def _letter_name(letter):
    return f"the {letter.get_kind_display().lower()} ({letter.language_name})"


def _issued(letter):
    details = (f"To: {letter.recipient}", f"Subject: {letter.subject}")
    sentence = f"{_who(letter.issued_by)} issued {_letter_name(letter)}"
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


def letter_events(case, kinds):
    letters = (
        Letter.objects.filter(case_id=case.pk)
        .select_related("issued_by")
        .defer("pdf", "html", "text")
    )
    dispatches = (
        LetterDispatch.objects.filter(letter__case_id=case.pk)
        .select_related("recorded_by", "letter")
        .defer("letter__pdf", "letter__html", "letter__text")
    )
    return [_issued(letter) for letter in letters] + [_dispatched(d) for d in dispatches]
