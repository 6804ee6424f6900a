"""Pages of letters: a case's letters, one letter (HTML and PDF), sending, the day's
subject notices, and the administrators' templates. Every page that shows a letter
records the read first ("Viewed a letter" in the access log)."""

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Office
from dmvrequests.audit.models import Action
from dmvrequests.audit.services import access_log, access_log_many
from dmvrequests.cases import selectors as case_selectors
from dmvrequests.correspondence import notices, pdf, selectors, services
from dmvrequests.correspondence.forms import (
    BatchForm,
    IssueForm,
    LanguageForm,
    LetterheadForm,
    MailedForm,
    TemplateForm,
)
from dmvrequests.correspondence.models import Language, LetterKind
from dmvrequests.correspondence.placeholders import PLACEHOLDERS
from dmvrequests.correspondence.wording import batch_title

FORM_ADDRESS = (
    "That address only receives a form, and nothing was sent to it: here is the page the "
    "form is on. Fill it in again if you still need to."
)


def form_address(page):
    """A POST-only view: a GET (a bookmarked or re-opened form address) is sent to the page
    its form is on, `page(request, **kwargs)` giving that page's address, after the
    view's own lookups (so a case one may not see still answers 404)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            if request.method != "POST":
                target = page(request, **kwargs)
                messages.info(request, FORM_ADDRESS)
                return redirect(target)
            return view(request, **kwargs)

        return wrapper

    return decorator


def _letters_address(request, number):
    case, _ = case_selectors.case_with_capabilities_for(request.user, number)
    return reverse("correspondence:case_letters", args=[case.number])


def _letter_address(request, number, letter_id):
    case, _ = case_selectors.case_with_capabilities_for(request.user, number)
    return reverse(
        "correspondence:letter", args=[case.number, selectors.letter_of(case, letter_id).pk]
    )


def _issue_form(case, data=None):
    facts = case_selectors.case_letter_facts(case)
    kinds = [k for k in LetterKind.values if not services.kind_refusal(k, facts)]
    # Only the languages in which at least one of these letters has a text (a language just
    # added has none until an administrator writes it).
    languages = [
        (x.code, x.name)
        for x in Language.objects.all()
        if any(services.template_for(case.office, k, x.code) for k in kinds)
    ]
    return IssueForm(data, kinds=kinds, languages=languages), facts


def case_letters(request, number):
    case, caps = case_selectors.case_with_capabilities_for(request.user, number)
    return _case_letters_page(request, case, caps)


def _case_letters_page(request, case, caps, form=None, status=200):
    issue_form, facts = _issue_form(case)
    letters = selectors.mark_replaced(list(selectors.letters_of(case)))
    for letter in letters:
        letter.predates_decision = services.notice_predates_decision(letter, facts)
    # The list names the subject (a notice's recipient): a read of the case.
    access_log(request=request, action=Action.VIEW_CASE, case=case, detail={"page": "letters"})
    refusals = [
        (LetterKind(k).label, services.kind_refusal(k, facts))
        for k in LetterKind.values
        if services.kind_refusal(k, facts)
    ]
    return render(
        request,
        "correspondence/case_letters.html",
        {
            "case": case,
            "caps": caps,
            "letters": letters,
            "issue_form": (form or issue_form) if caps.act else None,
            "refusals": refusals,
            "pdf_unavailable": pdf.unavailable(),
        },
        status=status,
    )


@form_address(_letters_address)
def issue(request, number):
    case, caps = case_selectors.case_with_capabilities_for(request.user, number)
    form, _ = _issue_form(case, request.POST)
    if not caps.act:
        messages.error(request, caps.refusal("act"))
        return redirect("correspondence:case_letters", number=case.number)
    if not form.is_valid():
        return _case_letters_page(request, case, caps, form=form, status=400)
    asked_at = timezone.now()
    try:
        letter = services.letter_issue(
            case=case, actor=request.user, reissue=True, **form.cleaned_data
        )
    except ValidationError as exc:
        # A refusal about the address is shown at its field, the address typed kept there.
        form.add_error(None, exc if hasattr(exc, "error_dict") else exc.messages)
        return _case_letters_page(request, case, caps, form=form, status=400)
    messages.add_message(request, *_issued_message(letter, asked_at))
    return redirect("correspondence:letter", number=case.number, letter_id=letter.pk)


def _issued_message(letter, asked_at):
    """(level, words) saying what issuing did: issued, issued in place of a notice (void
    from now on), or nothing new (the same letter, with the same address, issued before)."""
    if letter.issued_at < asked_at:
        # Issuing is idempotent: the same letter for the same step was issued before.
        same = ", with the same mailing address" if letter.recipient_address else ""
        return messages.INFO, (
            f"This {letter.get_kind_display().lower()} ({letter.language_name}) was already "
            f"issued on {services.on_day(letter.issued_at)} by {letter.issued_by}{same}; here it is. "
            "Nothing new was issued."
        )
    done = f"{letter.get_kind_display()} issued and kept on the case."
    old = letter.replaces
    if old is not None:
        how = "with another mailing address" if old.recipient_address else "without an address"
        done += (
            f" It replaces letter #{old.pk}, issued on {services.on_day(old.issued_at)} {how}: that "
            "letter is kept on the case, marked void. Do not mail it; mail this one."
        )
    return messages.SUCCESS, done


def letter(request, number, letter_id, mailed_form=None, status=200):
    case, caps = case_selectors.case_with_capabilities_for(request.user, number)
    letter = selectors.letter_of(case, letter_id)
    access_log(request=request, action=Action.VIEW_LETTER, case=case, obj=letter)
    dispatches = list(letter.dispatches.select_related("outbound", "recorded_by"))
    methods = {d.method for d in dispatches}
    erased = letter.erased_at is not None
    # A void letter (replaced by another) is not mailed: its page says which one is.
    replacement = selectors.replacement_of(letter)
    profile, profile_version = selectors.letter_profile(letter)
    return render(
        request,
        "correspondence/letter.html",
        {
            "case": case,
            "caps": caps,
            "letter": letter,
            "dispatches": dispatches,
            "can_email": caps.act
            and not erased
            and letter.kind != LetterKind.SUBJECT_NOTICE
            and "email" not in methods,
            "mailed_form": (mailed_form or MailedForm(initial={"mailed_on": timezone.localdate()}))
            if caps.act and not erased and replacement is None and "mail" not in methods
            else None,
            "replacement": replacement,
            "pdf_unavailable": "" if letter.pdf or erased else pdf.unavailable(),
            "erasures": list(letter.erasures.select_related("erased_by")),
            "profile": profile,
            "profile_version": profile_version,
        },
        status=status,
    )


def letter_pdf(request, number, letter_id):
    case, _ = case_selectors.case_with_capabilities_for(request.user, number)
    letter = selectors.letter_of(case, letter_id, with_pdf=True)
    if not letter.pdf:
        if letter.erased_at is not None:
            messages.error(request, services.ERASED_REFUSAL)
        else:
            messages.error(request, pdf.INSTALL_HINT if pdf.unavailable() else NO_PDF)
        return redirect("correspondence:letter", number=case.number, letter_id=letter.pk)
    access_log(
        request=request, action=Action.VIEW_LETTER, case=case, obj=letter, detail={"format": "pdf"}
    )
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{services.pdf_filename(letter)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


NO_PDF = (
    "This letter was issued while the server could not make PDFs, so only its text and "
    "HTML are kept: print it from this page."
)


def _letter_action(request, number, letter_id):
    case, caps = case_selectors.case_with_capabilities_for(request.user, number)
    return case, caps, selectors.letter_of(case, letter_id)


def _refused(request, case, caps, letter):
    """The letter's page with the reason, for a user who does not work on the case."""
    messages.error(request, caps.refusal("act"))
    return redirect("correspondence:letter", number=case.number, letter_id=letter.pk)


@form_address(_letter_address)
def email(request, number, letter_id):
    case, caps, letter = _letter_action(request, number, letter_id)
    if not caps.act:
        return _refused(request, case, caps, letter)
    try:
        services.letter_email(letter=letter, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"The letter is in the outbox to {letter.recipient_email}; the case shows when it "
            "has gone, or if it could not be sent.",
        )
    return redirect("correspondence:letter", number=case.number, letter_id=letter.pk)


@form_address(_letter_address)
def mailed(request, number, letter_id):
    case, caps, letter_row = _letter_action(request, number, letter_id)
    if not caps.act:
        return _refused(request, case, caps, letter_row)
    form = MailedForm(request.POST)
    if not form.is_valid():
        return letter(request, number, letter_id, mailed_form=form, status=400)
    notice = letter_row.notice
    notice_was_due = notice is not None and notice.status == "due"
    try:
        services.letter_mark_mailed(letter=letter_row, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error("mailed_on", exc.messages)
        return letter(request, number, letter_id, mailed_form=form, status=400)
    done = "Recorded as printed and mailed."
    if letter_row.kind == LetterKind.SUBJECT_NOTICE and notice_was_due:
        done += " The subject notice is recorded as sent, with this letter."
    elif letter_row.kind == LetterKind.SUBJECT_NOTICE and notice is not None:
        notice.refresh_from_db()
        sent = timezone.localtime(notice.sent_at) if notice.sent_at else None
        when = f" on {sent:%B} {sent.day}, {sent:%Y}" if sent else ""
        done += (
            f" The case's subject notice was already recorded as sent{when} "
            f"({notice.method or 'no method recorded'}); it still cites that, and this "
            "mailing is recorded on this letter only."
        )
    messages.success(request, done)
    return redirect("correspondence:letter", number=case.number, letter_id=letter_row.pk)


# -- The day's subject notices --------------------------------------------------------------------


# Notices are printed ahead of their date: the post takes days to reach the person.
MAILING_DAYS = 5


def notices_batch(request):
    today = timezone.localdate()
    through = today + timedelta(days=MAILING_DAYS)
    due = list(case_selectors.notices_due(office_id=request.user.office_id, on=through))
    form = BatchForm(request.POST or None, initial={"language": "en"})
    if request.method == "POST" and form.is_valid():
        return _batch_pdf(request, through, form)
    targets = [(n.case.number, "cases.disclosurerequest", n.case.pk) for n in due]
    rows = selectors.notices_with_addresses(due)
    access_log_many(request=request, action=Action.LIST_QUEUE, targets=targets)
    return render(
        request,
        "correspondence/notices_batch.html",
        {
            "notices": rows,
            "addressed": sum(1 for _, address in rows if address),
            "form": form,
            "through": through,
            "days": MAILING_DAYS,
            "pdf_unavailable": pdf.unavailable(),
        },
        status=400 if form.is_bound else 200,
    )


def _batch_pdf(request, through, form):
    try:
        letters, left_out, document = notices.notices_batch(
            actor=request.user, on=through, language=form.cleaned_data["language"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("correspondence:notices_batch")
    if not letters and left_out:
        messages.error(
            request,
            f"Nothing was printed: none of the {len(left_out)} notice"
            f"{'s' if len(left_out) > 1 else ''} due has a mailing address recorded. "
            + notices.NO_ADDRESS,
        )
        return redirect("correspondence:notices_batch")
    if not letters:
        messages.info(request, "No subject notice is due: there is nothing to print.")
        return redirect("correspondence:notices_batch")
    targets = [(x.case.number, "correspondence.letter", x.pk) for x in letters]
    access_log_many(request=request, action=Action.VIEW_LETTER, targets=targets)
    if not document:
        language = form.cleaned_data["language"]
        title = batch_title(timezone.localdate(), language)
        return HttpResponse(services.pdf_document(letters, title=title))
    # Named by the day it was printed (not the end of the mailing window) and its language.
    name = (
        f"subject-notices-printed-{timezone.localdate():%Y-%m-%d}-{form.cleaned_data['language']}"
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# -- Templates (administrators) -------------------------------------------------------------------


def _own_offices(request):
    """The offices whose templates the administrator writes: their own (none without)."""
    return list(Office.objects.filter(pk=request.user.office_id))


def templates(request):
    offices = _own_offices(request)
    return render(
        request,
        "correspondence/templates.html",
        {
            "rows": selectors.template_table(offices),
            "language_form": LanguageForm(),
        },
    )


@form_address(lambda request: reverse("correspondence:templates"))
def language_add(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            language = services.language_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                f"{language.name} added. Write its templates below: a letter can be issued in "
                "it once its kind has a text.",
            )
            return redirect("correspondence:templates")
    offices = _own_offices(request)
    return render(
        request,
        "correspondence/templates.html",
        {"rows": selectors.template_table(offices), "language_form": form},
        status=400,
    )


def template_edit(request, office_id, kind, language):
    # Another office's templates (and its cases, for the preview) are not an administrator's.
    office = get_object_or_404(Office, pk=office_id, pk__in=[request.user.office_id or 0])
    language_row = get_object_or_404(Language, code=language)
    if kind not in LetterKind.values:
        raise Http404("No such kind of letter")
    if request.method == "POST" and "restore" in request.POST:
        return _restore(request, office, kind, language_row)
    current = services.template_for(office, kind, language)
    initial = {"subject": current[0], "body": current[1]} if current else {}
    form = TemplateForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview(request, form, office, kind, language)
        else:
            saved = _save(request, form, office, kind, language_row)
            if saved:
                return redirect(saved)
    return render(
        request,
        "correspondence/template_edit.html",
        {
            "office": office,
            "kind": LetterKind(kind),
            "language": language_row,
            "form": form,
            "source": current[2] if current else "No text yet",
            "preview": preview,
            "placeholders": sorted(PLACEHOLDERS.items()),
            "history": selectors.template_history(office, kind, language_row),
        },
        status=400
        if form.is_bound and (form.errors or (preview is None and "preview" in request.POST))
        else 200,
    )


def _restore(request, office, kind, language):
    """Save an earlier version's words again, as a new version (the history keeps both)."""
    here = reverse("correspondence:template_edit", args=[office.pk, kind, language.code])
    versions = selectors.template_history(office, kind, language)
    chosen = next((v for v in versions if str(v.history_id) == request.POST["restore"]), None)
    if chosen is None:
        messages.error(request, "That version is not in this template's history: choose one below.")
        return redirect(here)
    try:
        services.template_save(
            office=office,
            kind=kind,
            language=language,
            subject=chosen.subject,
            body=chosen.body,
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(here)
    messages.success(
        request,
        f"Version {chosen.version} restored as version {len(versions) + 1}; letters issued from "
        "now on use it.",
    )
    return redirect(here)


def _save(request, form, office, kind, language):
    data = form.cleaned_data
    try:
        services.template_save(
            office=office,
            kind=kind,
            language=language,
            subject=data["subject"],
            body=data["body"],
            actor=request.user,
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return None
    messages.success(request, "Template saved; letters issued from now on use it.")
    return reverse("correspondence:template_edit", args=[office.pk, kind, language.code])


def _preview(request, form, office, kind, language):
    """The letter as it would be for a real case of the office (the read is logged)."""
    number = (form.cleaned_data.get("preview_case") or "").strip().upper()
    case = selectors.office_case(office, number)
    if case is None:
        form.add_error(
            "preview_case",
            f"No case {number or '(empty)'} in {office}. Enter one of its case numbers.",
        )
        return None
    access_log(
        request=request,
        action=Action.VIEW_LETTER,
        case=case,
        # In words for the auditor's access log (the codes would read "denial es").
        detail={"preview": f"{LetterKind(kind).label}, {Language.objects.get(code=language).name}"},
    )
    subject, text, html = services.render_letter(
        case,
        language=language,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
        letterhead=services.letterhead_for(office),
        kind=kind,
    )
    return {"subject": subject, "html": html, "case": case, "warning": _preview_warning(case, kind)}


def _preview_warning(case, kind):
    """Words warning that the case cannot have this kind of letter now ('' when it can):
    a denial letter previewed on an approved case would say things that are not so."""
    refusal = services.kind_refusal(kind, case_selectors.case_letter_facts(case))
    if not refusal:
        return ""
    return (
        f"{case.number} cannot have a {LetterKind(kind).label.lower()} now: {refusal} The "
        "preview shows the words with this case's data, but such a letter would not be issued "
        "for it. To see the letter as it would be sent, preview it on a case that can have one."
    )


# -- The office's letterhead (administrators) -----------------------------------------------------


def letterhead(request):
    """The administrator's own office's letterhead: add or change it, with its history."""
    office = request.user.office
    current = services.letterhead_for(office) if office else None
    form = LetterheadForm(request.POST or None, instance=current)
    if request.method == "POST" and office is not None and form.is_valid():
        try:
            services.letterhead_save(office=office, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, f"{office}'s letterhead saved; letters issued from now on print it."
            )
            return redirect("correspondence:letterhead")
    history = (
        list(current.history.select_related("history_user").order_by("-history_date"))
        if current
        else []
    )
    return render(
        request,
        "correspondence/letterhead.html",
        {"office": office, "form": form, "letterhead": current, "history": history},
        status=400 if form.is_bound else 200,
    )
