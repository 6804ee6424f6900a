"""Issuing, sending and templating letters (`<noun>_<verb>(*, ..., actor)`).

Every write checks the capability model first: clerks and counsel who work on the
case issue and send its letters; administrators edit templates. Issuing is
idempotent (Letter.key), sending happens at most once per method (a unique
constraint), and a subject notice mailed records the case's notice as sent.
"""

import hashlib
from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from dmvrequests.cases import selectors as case_selectors
from dmvrequests.cases import services as case_services
from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.correspondence import pdf
from dmvrequests.correspondence.compose import placeholder_values
from dmvrequests.correspondence.defaults import default_for
from dmvrequests.correspondence.models import (
    AGENCY_KINDS,
    TEMPLATE_BODY_MAX,
    DispatchMethod,
    Language,
    Letter,
    LetterDispatch,
    LetterKind,
    LetterTemplate,
    OfficeLetterhead,
)
from dmvrequests.correspondence.placeholders import UnknownPlaceholders, check, fill, to_html
from dmvrequests.notifications.models import Kind as EmailKind
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.notifications.services import email_queue, one_line


class LetterError(ValidationError):
    """A letter action the rules refuse; the message says what to do instead."""


def _require(case, actor, capability="act"):
    capabilities = capabilities_for(actor, case)
    if not getattr(capabilities, capability):
        raise LetterError(capabilities.refusal(capability))


# -- Templates ------------------------------------------------------------------------------------


def letterhead_for(office):
    return OfficeLetterhead.objects.filter(office=office).first()


def template_for(office, kind, language):
    """(subject, body, source) for the office's letter of `kind` in `language` (a code):
    the office's own template, else the shipped default; None when neither exists."""
    own = (
        LetterTemplate.objects.filter(office=office, kind=kind, language__code=language)
        .select_related("language")
        .first()
    )
    if own is not None:
        version = own.history.count()
        return own.subject, own.body, f"Office template, version {version}"
    shipped = default_for(kind, language)
    if shipped is None:
        return None
    return shipped[0], shipped[1], "Shipped default"


def languages_for(office, kind):
    """The languages a letter of `kind` can be written in for `office`: [(code, name)]."""
    return [
        (language.code, language.name)
        for language in Language.objects.all()
        if template_for(office, kind, language.code) is not None
    ]


@transaction.atomic
def template_save(*, office, kind, language, subject, body, actor):
    """Write the office's text for a kind of letter; the history keeps every version.
    Only an administrator of `office` may; a shipped default is never changed (the first
    save writes the office's own copy of it).

    Raises LetterError naming any unknown placeholder, on an empty subject or body, or
    for an actor who is not an administrator of `office`."""
    if not actor.is_administrator:
        raise LetterError("Only administrators change letter templates.")
    if actor.office_id != office.pk:
        # An office's letters are its own: its administrators write them. The shipped
        # defaults are never changed; saving writes the office's own copy.
        raise LetterError(
            f"Only {office}'s administrators change its letter templates; you can change "
            "those of your own office."
        )
    if kind not in LetterKind.values:
        raise LetterError("Choose one of the kinds of letter listed.")
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise LetterError("Write both the subject line and the text of the letter.")
    if len(body) > TEMPLATE_BODY_MAX:
        raise LetterError(BODY_TOO_LONG.format(limit=TEMPLATE_BODY_MAX, length=len(body)))
    try:
        check(subject, body)
    except UnknownPlaceholders as exc:
        raise LetterError(str(exc)) from None
    template = LetterTemplate.objects.filter(office=office, kind=kind, language=language).first()
    template = template or LetterTemplate(office=office, kind=kind, language=language)
    template.subject, template.body = one_line(subject), body
    template.updated_by, template.updated_at = actor, timezone.now()
    template._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    template.full_clean()
    template.save()
    return template


LETTERHEAD_FIELDS = ("address", "phone", "email", "signatory", "legal_aid")


@transaction.atomic
def letterhead_save(*, office, actor, **values):
    """Write `office`'s letterhead (add it, or change it): `values` are LETTERHEAD_FIELDS.
    Only an administrator of that office may; every version is in the history (a
    letterhead is never deleted). Raises LetterError otherwise, ValidationError on a bad
    value (e.g. an email address that is not one)."""
    if not actor.is_administrator or actor.office_id != office.pk:
        raise LetterError(
            f"Only {office}'s administrators change its letterhead; you can change your own "
            "office's."
        )
    letterhead = letterhead_for(office) or OfficeLetterhead(office=office)
    for name in LETTERHEAD_FIELDS:
        setattr(letterhead, name, (values.get(name) or "").strip())
    letterhead._history_user = actor  # type: ignore[union-attr]  # django-simple-history
    letterhead.full_clean()
    letterhead.save()
    return letterhead


BODY_TOO_LONG = (
    "The text of the letter is {length:,} characters long; a letter template may have at most "
    "{limit:,}. Shorten it (a letter is read on paper: a few pages at most)."
)


@transaction.atomic
def language_add(*, code, name, actor):
    """Add a language letters can be written in (its templates are then written)."""
    if not actor.is_administrator:
        raise LetterError("Only administrators add languages.")
    code, name = (code or "").strip().lower(), one_line(name or "")
    if Language.objects.filter(code=code).exists():
        raise LetterError(f"The language {code} is already there.")
    language = Language(code=code, name=name)
    language._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    language.full_clean()
    language.save()
    return language


# -- Which letters a case can have ---------------------------------------------------------------


def kind_refusal(kind, facts):
    """'' when the case can have a letter of `kind` now; otherwise why not."""
    decision = facts["decision"]
    if kind == LetterKind.ACKNOWLEDGMENT and facts.get("after_the_fact"):
        return (
            "This case was opened after the fact for a staff email found in the mail "
            "journal: the agency made no request of the legal unit to acknowledge."
        )
    if kind == LetterKind.ACKNOWLEDGMENT and decision is not None:
        # The acknowledgment promises a decision by a date: after the decision it would mislead.
        letter = "denial letter" if decision.outcome == "denied" else "release letter"
        return (
            "Counsel has already decided this case, and an acknowledgment promises a decision "
            f"still to come: send the {letter} instead."
        )
    if kind == LetterKind.INFO_REQUEST and facts["open_question"] is None:
        return "There is no open question to the agency: counsel asks it first (Ask the agency)."
    if kind == LetterKind.DENIAL and (decision is None or decision.outcome != "denied"):
        return "Only a case counsel denied has a denial letter."
    if kind == LetterKind.RELEASE and (decision is None or decision.outcome != "approved"):
        return "Only an approved case (with its second approval, if needed) has a release letter."
    if kind == LetterKind.SUBJECT_NOTICE:
        notice = facts["notice"]
        if notice is None and not facts.get("submitted", True):
            return (
                "The case is not yet submitted for legal review: the subject notice is set up "
                "then, if the policy profile requires one."
            )
        if notice is None:
            return "The policy profile requires no notice to the subject for this case."
        if notice.status == "exempted":
            return "Counsel exempted this case from the subject notice."
    return ""


def _notice_event(facts):
    """The step a subject notice reports: the notice, counsel's decision (a notice issued
    before it says "not decided yet", so one issued after is a new letter) and what was
    released. Before any decision the key keeps its earlier form."""
    decision = facts["decision"]
    step = f"{facts['notice'].pk}.{len(facts['released'])}"
    return f"{step}.d{decision.pk}" if decision is not None else step


def notice_predates_decision(letter, facts):
    """True for a subject notice issued before counsel's decision in effect (`facts` from
    case_letter_facts): it says the request was not decided yet."""
    decision = facts["decision"]
    return (
        letter.kind == LetterKind.SUBJECT_NOTICE
        and decision is not None
        and letter.issued_at < decision.decided_at
    )


def _event_key(case, kind, language, facts):
    event = {
        LetterKind.INFO_REQUEST: lambda: facts["open_question"].pk,
        LetterKind.DENIAL: lambda: facts["decision"].pk,
        LetterKind.RELEASE: lambda: f"{facts['decision'].pk}.{len(facts['released'])}",
        LetterKind.SUBJECT_NOTICE: lambda: _notice_event(facts),
    }.get(kind, lambda: "0")()
    return f"{case.pk}:{kind}:{event}:{language}"


# -- Rendering ------------------------------------------------------------------------------------


def render_letter(
    case, *, language, subject, body, letterhead=None, facts=None, address_block=(), kind=None
):
    """(subject, text, html fragment) of a letter of `kind` for `case` from a template's
    words; `address_block` (lines: name, then postal address) is printed above the date."""
    values = placeholder_values(
        case, language=language, letterhead=letterhead, facts=facts, kind=kind
    )
    filled_subject = one_line(fill(subject, values))[:250]
    filled = fill(body, values)
    signatory = (letterhead.signatory if letterhead else "") or str(case.office)
    head = [settings.DMV_NAME, str(case.office)]
    if letterhead:
        head += [line for line in letterhead.address.splitlines() if line.strip()]
        head += [x for x in (letterhead.phone, letterhead.email) if x]
    to = [*address_block, ""] if address_block else []
    text = "\n".join([*head, "", *to, values["date"], "", filled, signatory, case.number]) + "\n"
    html = render_to_string(
        "correspondence/_letter_body.html",
        {
            "language": language,
            "dmv_name": settings.DMV_NAME,
            "office": case.office,
            "letterhead": letterhead,
            "date": values["date"],
            "address_block": address_block,
            "body_html": to_html(filled),
            "signatory": signatory,
            "case_number": case.number,
        },
    )
    return filled_subject, text, html


def pdf_document(letters, *, title):
    """One HTML document of the letters' fragments, each starting a page."""
    return render_to_string(
        "correspondence/letter_document.html",
        {
            "bodies": [letter.html for letter in letters],
            "language": letters[0].language if letters else "en",
            "title": title,
            "footer": title,
        },
    )


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


# -- Issuing --------------------------------------------------------------------------------------


def letter_issue(*, case, kind, language, actor, subject_address="", reissue=False):
    """The letter of `kind` in `language` (a code) for the case's current event, issued
    now (text, HTML, PDF and their SHA-256, never changed) or, if it was issued already,
    the same letter. `subject_address` (lines separated by newlines) is the postal address
    a subject notice is mailed to, printed in its address block; the case holds none, so a
    subject notice needs one.

    A subject notice already issued for the step with no address or another one: with
    `reissue` (the issue form: an address was typed), counsel issue a new letter that
    replaces it (`Letter.replaces`; the old one is kept, void), unless it was mailed or
    erased, and anyone else is told why not (the address typed is never dropped without a
    word); without `reissue` (the day's batch), the letter as issued is returned.
    Raises LetterError when the case cannot have it."""
    _require(case, actor)
    facts = case_selectors.case_letter_facts(case)
    refusal = kind_refusal(kind, facts)
    if refusal:
        raise LetterError(refusal)
    notice = kind == LetterKind.SUBJECT_NOTICE
    address = subject_address.strip() if notice else ""
    if notice and not address:
        raise LetterError({"subject_address": [NOTICE_NEEDS_ADDRESS]})
    key = _event_key(case, kind, language, facts)
    existing = current_letter(key)
    replaces = None
    if existing is not None:
        if not notice or not reissue or existing.recipient_address == address:
            return existing
        refusal = _reissue_refusal(existing, case, actor)
        if refusal:
            raise LetterError({"subject_address": [refusal]})
        replaces, key = existing, f"{key}:r{existing.pk}"
    template = template_for(case.office, kind, language)
    language_row = Language.objects.filter(code=language).first()
    if template is None or language_row is None:
        raise LetterError(
            "There is no text for this letter in that language yet: an administrator writes "
            "it first (Letter templates)."
        )
    letter = _build(case, kind, language_row, template, facts, actor, key, address)
    letter.replaces = replaces
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        # Issued (or replaced) meanwhile by someone else: that letter.
        return current_letter(key) or current_letter(_event_key(case, kind, language, facts))
    return letter


NOTICE_NEEDS_ADDRESS = (
    "Enter the person's mailing address: a subject notice is mailed to them, and the case "
    "holds no postal address. Type it one line per line, without the person's name."
)


def current_letter(key):
    """The letter in force for `key`: the one issued, or the letter that replaced it (and
    so on); None if none was issued."""
    letter = Letter.objects.filter(key=key).defer("pdf").first()
    while letter is not None:
        newer = Letter.objects.filter(replaces=letter).defer("pdf").first()
        if newer is None:
            return letter
        letter = newer
    return None


def on_day(moment):
    """A time's day in words, in the state's time zone: "November 29, 2026"."""
    local = timezone.localtime(moment)
    return f"{local:%B} {local.day}, {local:%Y}"


def _reissue_refusal(existing, case, actor):
    """Why `existing` (a subject notice issued with no address or another one) may not be
    replaced by a new letter, in words ('' when it may): after its mailing or erasure, or
    for someone who is not counsel of the case. The words say the address typed was not
    used, and what to do."""
    what = (
        f"This notice ({existing.language_name}) was already issued on "
        f"{on_day(existing.issued_at)} by {existing.issued_by}, "
        + (
            "with another mailing address"
            if existing.recipient_address
            else "without a mailing address"
        )
    )
    not_used = "The address you typed was not used, and nothing new was issued."
    if existing.erased_at is not None:
        return f"{what}. {ERASED_REFUSAL} {not_used}"
    mailing = existing.dispatches.filter(method=DispatchMethod.MAIL).first()
    if mailing is not None:
        day = mailing.mailed_on
        return (
            f"{what}, and it is recorded as mailed on {day:%B} {day.day}, {day:%Y}: a notice "
            f"that was mailed is not replaced. {not_used} To write to the person at this "
            "address as well, print the notice from its page and address the envelope by hand."
        )
    capabilities = capabilities_for(actor, case)
    if not capabilities.decide:
        return (
            f"{what}, and it is not mailed yet. Issuing it again with this address replaces "
            "that letter (kept on the case, marked void), which is counsel's step: ask the "
            f"case's counsel to issue it again here with the address. {not_used}"
        )
    return ""


def _recipient(case, kind):
    if kind in AGENCY_KINDS:
        requester = case.requester
        name = f"{requester.name}, {case.agency}" if requester else str(case.agency)
        return name, (requester.email if requester else "")
    return case.subject_name or "The person whose records were asked for", ""


def _build(case, kind, language, template, facts, actor, key, address=""):
    letterhead = letterhead_for(case.office)
    subject, body, source = template
    recipient, email = _recipient(case, kind)
    lines = address.splitlines()
    if lines and lines[0].strip().casefold() == recipient.strip().casefold():
        lines = lines[1:]  # the clerk typed the name as the first line: print it once
    address_block = [recipient, *lines] if address else []
    subject, text, html = render_letter(
        case,
        language=language.code,
        subject=subject,
        body=body,
        letterhead=letterhead,
        facts=facts,
        address_block=address_block,
        kind=kind,
    )
    letter = Letter(
        case=case,
        office=case.office,
        kind=kind,
        language=language.code,
        language_name=language.name,
        key=key,
        recipient=one_line(recipient)[:300],
        recipient_email=email,
        recipient_address=address,
        subject=subject,
        text=text,
        html=html,
        text_sha256=_sha256(text.encode()),
        template_source=source[:80],
        notice=facts["notice"] if kind == LetterKind.SUBJECT_NOTICE else None,
        info_request=facts["open_question"] if kind == LetterKind.INFO_REQUEST else None,
        decision=facts["decision"] if kind in (LetterKind.DENIAL, LetterKind.RELEASE) else None,
        issued_by=actor,
    )
    letter.pdf = pdf.render(pdf_document([letter], title=f"{case.number} · {subject}"))
    letter.pdf_sha256 = _sha256(letter.pdf) if letter.pdf else ""
    letter.full_clean(exclude=["case", "office", "issued_by", "notice", "info_request", "decision"])
    return letter


# -- Sending --------------------------------------------------------------------------------------


def _locked(letter):
    # A row lock, not an UPDATE: the append-only trigger lets it through.
    return Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)


@transaction.atomic
def letter_email(*, letter, actor):
    """Email a letter to the requester through the outbox, once. The subject carries
    [DR-YYYY-NNNNNN] so that the reply is filed in the case (intake's rule)."""
    letter = _locked(letter)
    _require(letter.case, actor)
    _refuse_erased(letter)
    if letter.kind not in AGENCY_KINDS:
        raise LetterError("A notice to the subject is printed and mailed, not emailed.")
    if not letter.recipient_email:
        raise LetterError(
            "The requester has no email address on file: print the letter and mark it mailed."
        )
    if LetterDispatch.objects.filter(letter=letter, method=DispatchMethod.EMAIL).exists():
        raise LetterError("This letter was already emailed; it is not sent twice.")
    dedupe = f"letter:{letter.pk}"
    stored = Letter.objects.filter(pk=letter.pk).values_list("pdf", flat=True).get()
    email_queue(
        kind=EmailKind.LETTER,
        recipients=[letter.recipient_email],
        subject=f"[{letter.case.number}] {letter.subject}",
        template="correspondence/letter_email.txt",
        context={"letter": letter},
        dedupe=dedupe,
        case=letter.case,
        attachment=(pdf_filename(letter), bytes(stored), "application/pdf") if stored else None,
    )
    outbound = OutboundEmail.objects.filter(dedupe_key__startswith=f"{dedupe}:").first()
    return LetterDispatch.objects.create(
        letter=letter,
        method=DispatchMethod.EMAIL,
        address=letter.recipient_email,
        outbound=outbound,
        recorded_by=actor,
    )


ERASED_REFUSAL = (
    "This letter was erased at the end of the case's retention period: only its tombstone "
    "is left, and there is nothing to send."
)


REPLACED_REFUSAL = (
    "This letter is void: letter #{pk} replaces it (issued with the person's mailing address). "
    "Do not mail this one; mail letter #{pk} and mark that one mailed."
)


def _refuse_erased(letter):
    if letter.erased_at is not None:
        raise LetterError(ERASED_REFUSAL)


def pdf_filename(letter):
    """The file name of a letter's PDF: the case number, the kind of letter and its
    language, e.g. DR-2026-000012-denial-en.pdf (the same on the download and the email)."""
    kind = slugify(letter.kind).replace("_", "-")
    return f"{letter.case.number}-{kind}-{slugify(letter.language)}.pdf"


def _sent_at(mailed_on):
    now = timezone.now()
    if mailed_on >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(mailed_on, time(12)))


@transaction.atomic
def letter_mark_mailed(*, letter, actor, mailed_on):
    """Record that the letter was printed and mailed on `mailed_on`, once; for a subject
    notice, the case's notice is recorded as sent, naming this letter."""
    letter = _locked(letter)
    _require(letter.case, actor)
    _refuse_erased(letter)
    if mailed_on > timezone.localdate():
        raise LetterError("The mailing date is in the future. Enter the day it was mailed.")
    if mailed_on < timezone.localtime(letter.issued_at).date():
        raise LetterError("The mailing date is before the letter was issued.")
    if LetterDispatch.objects.filter(letter=letter, method=DispatchMethod.MAIL).exists():
        raise LetterError("This letter is already recorded as mailed.")
    replacement = Letter.objects.filter(replaces=letter).only("pk").first()
    if replacement is not None:
        raise LetterError(REPLACED_REFUSAL.format(pk=replacement.pk))
    dispatch = LetterDispatch.objects.create(
        letter=letter,
        method=DispatchMethod.MAIL,
        address=letter.recipient,
        mailed_on=mailed_on,
        recorded_by=actor,
    )
    notice = letter.notice
    if notice is not None and notice.status == "due":
        case_services.notice_record_sent(
            notice=notice,
            actor=actor,
            sent_at=_sent_at(mailed_on),
            # The date is the notice's sent date, shown beside it in the app's format.
            method=f"mailed, letter #{letter.pk} ({letter.language_name})",
        )
    return dispatch
