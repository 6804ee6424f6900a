"""A request's status page for its officer (what happened and when, the open question answered
in place, the letters to the agency, the released records, the messages), the downloads it
offers, and the staff's portal page of a case (messages with the officer, files of released
records). Every page and download that shows personal data records the read first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from dmvrequests.audit.models import Action
from dmvrequests.audit.services import access_log, record_case_refusal
from dmvrequests.cases.agency_letters import agency_letter_pdf
from dmvrequests.cases.selectors import case_with_capabilities_for, officer_case_get
from dmvrequests.cases.services import WorkflowError
from dmvrequests.files import safe_filename
from dmvrequests.portal import casework, status_page
from dmvrequests.portal.status_forms import AnswerForm, MessageForm, ReleaseFileForm
from dmvrequests.portal.views import _officer, _site
from dmvrequests.timewords import moment_words


def _status_page(request, case, officer, *, answer_form=None, message_form=None, status=200):
    access_log(request=request, action=Action.VIEW_CASE, case=case, detail={"channel": "portal"})
    context = status_page.officer_status(officer=officer, case=case)
    context["officer"] = officer
    context["nav"] = "requests"
    if context["open_question"] is not None and not context["refusal"]:
        context["answer_form"] = answer_form or AnswerForm()
    context["message_form"] = message_form or MessageForm()
    return render(request, "portal/request.html", context, status=status)


def request_status(request, number):
    officer = _officer(request)
    case = officer_case_get(officer, number)
    return _status_page(request, case, officer)


def answer(request, number):
    officer = _officer(request)
    case = officer_case_get(officer, number)
    if request.method != "POST":  # the form is on the request's page
        return redirect("portal:request", number=case.number)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            casework.answer_in_place(
                officer=officer,
                case=case,
                answer=form.cleaned_data["answer"],
                documents=form.documents(),
            )
        except WorkflowError as exc:
            # A refused file names itself in the message; other refusals concern the request.
            words = " ".join(exc.messages)
            upload = form.cleaned_data.get("document_file")
            on_file = upload is not None and safe_filename(upload.name) in words
            form.add_error("document_file" if on_file else None, words)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                "Your answer is sent; the request is back with the legal unit for review.",
            )
            return redirect("portal:request", number=case.number)
    case.refresh_from_db()
    return _status_page(request, case, officer, answer_form=form, status=400)


def message(request, number):
    officer = _officer(request)
    case = officer_case_get(officer, number)
    if request.method != "POST":  # the form is on the request's page
        return redirect("portal:request", number=case.number)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            casework.message_from_officer(
                officer=officer, case=case, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Your message is sent to the legal unit.")
            return redirect("portal:request", number=case.number)
    return _status_page(request, case, officer, message_form=form, status=400)


def letter_pdf(request, number, letter_id):
    """The letter's PDF, the same bytes as issued; the download is recorded first."""
    officer = _officer(request)
    case = officer_case_get(officer, number)
    found = agency_letter_pdf(case, letter_id)
    if found is None:
        raise Http404("No such letter")
    letter, content = found
    access_log(
        request=request,
        action=Action.VIEW_LETTER,
        case=case,
        detail={"format": "pdf", "letter": letter.id, "channel": "portal"},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def release_download(request, token):
    """A released file through its signed link; an expired or wrong link gets a page saying
    how to have a new one."""
    officer = _officer(request)
    try:
        release_file = casework.release_file_for_token(officer=officer, token=token)
    except casework.LinkExpired:
        return render(
            request,
            "portal/link_expired.html",
            {"officer": officer, "expired": True, "days": casework.link_lifetime().days},
            status=410,
        )
    except casework.LinkInvalid:
        return render(
            request, "portal/link_expired.html", {"officer": officer, "expired": False}, status=404
        )
    access_log(
        request=request,
        action=Action.DOWNLOAD_DOCUMENT,
        case=release_file.case,
        obj=release_file,
        detail={"channel": "portal", "filename": release_file.original_filename},
    )
    response = FileResponse(
        release_file.file.open("rb"),
        as_attachment=True,
        filename=release_file.original_filename,
        content_type=release_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- Staff ---------------------------------------------------------------------------------------


def _staff_page(request, case, caps, *, message_form=None, file_form=None, status=200):
    access_log(request=request, action=Action.VIEW_CASE, case=case, detail={"page": "portal"})
    context = status_page.staff_portal(case=case, caps=caps)
    context["nav"] = "cases"
    if context["may_write"]:
        context["message_form"] = message_form or MessageForm()
        if context["may_deliver"]:
            context["file_form"] = file_form or ReleaseFileForm()
    return render(request, "portal/staff_case.html", context, status=status)


def staff_case(request, number):
    case, caps = case_with_capabilities_for(request.user, number)
    return _staff_page(request, case, caps)


def _refuse_without_act(request, case, caps) -> None:
    """Someone who may read the case but not act on it (a share is read-only) is refused
    whatever the method, as on the case page: recorded as a denied access, then a 403 that
    says why."""
    if caps.act:
        return
    record_case_refusal(request, case.number, request.resolver_match.view_name)
    raise PermissionDenied(caps.refusal("act"))


def _staff_error(form, exc):
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def staff_message(request, number):
    case, caps = case_with_capabilities_for(request.user, number)
    _refuse_without_act(request, case, caps)
    if request.method != "POST":  # the form is on the case's portal page
        return redirect("portal:staff_case", number=case.number)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            casework.message_to_agency(
                actor=request.user,
                case=case,
                caps=caps,
                body=form.cleaned_data["body"],
                site=_site(request),
            )
        except (PermissionDenied, ValidationError) as exc:
            _staff_error(form, exc)
        else:
            messages.success(request, "Your message is sent; the officer is emailed.")
            return redirect("portal:staff_case", number=case.number)
    return _staff_page(request, case, caps, message_form=form, status=400)


def staff_release_file(request, number):
    case, caps = case_with_capabilities_for(request.user, number)
    _refuse_without_act(request, case, caps)
    if request.method != "POST":  # the form is on the case's portal page
        return redirect("portal:staff_case", number=case.number)
    form = ReleaseFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            delivered = casework.release_file_add(
                actor=request.user,
                case=case,
                caps=caps,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                site=_site(request),
            )
        except (PermissionDenied, ValidationError) as exc:
            _staff_error(form, exc)
        else:
            messages.success(
                request,
                f"{delivered.original_filename} is delivered on the portal "
                f"({moment_words(delivered.uploaded_at)}); the officer is "
                "emailed. Record the release in the ledger on the case page.",
            )
            return redirect("portal:staff_case", number=case.number)
    return _staff_page(request, case, caps, file_form=form, status=400)
