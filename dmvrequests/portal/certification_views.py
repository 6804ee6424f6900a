"""Certifications on file: the agency's page on the portal (its status and certifications,
the portal administrator signs one there) and the DMV administrators' directory of agencies
with their status (they record a certification signed on paper). docs/portal.md."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from dmvrequests.agencies import certifications as certs
from dmvrequests.agencies.models import Certification, CertificationKind
from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.portal import services
from dmvrequests.portal.certification_forms import (
    CertificationRecordForm,
    CertificationSignForm,
)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _sign_form(request, officer):
    kind = CertificationKind.NO_IMMIGRATION_ENFORCEMENT
    initial = {
        "kind": kind,
        "text": certs.SUGGESTED_TEXT[kind].format(agency=officer.agency.name),
        "signed_by_title": officer.title,
    }
    return CertificationSignForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        signer_name=officer.name,
    )


def certifications(request):
    """The agency's certifications and its status, for its approved officers; its portal
    administrator signs a new one here (POST)."""
    officer = officer_for_user(request.user)
    if officer is None or not officer.may_see_requests:
        raise PermissionDenied("Only approved officers see the agency's certifications.")
    may_sign = services.manager_kind(request.user, officer.agency) == "agency"
    if request.method == "POST" and not may_sign:
        raise PermissionDenied("Only the agency's portal administrator signs certifications.")
    form = _sign_form(request, officer) if may_sign else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certification = certs.certification_record(
                agency=officer.agency,
                actor=request.user,
                kind=data["kind"],
                text=data["text"],
                signed_by_name=officer.name,
                signed_by_title=data["signed_by_title"],
                signed_at=timezone.now(),
                expires_on=data["expires_on"],
                attested=True,
                upload=data.get("document"),
            )
        except certs.DuplicateCertification as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("portal:certifications")
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Signed and on file: {certification.get_kind_display()}, holding until "
                f"{certification.expires_on:%b} {certification.expires_on.day}, "
                f"{certification.expires_on.year}.",
            )
            return redirect("portal:certifications")
    context = {
        "officer": officer,
        "nav": "certifications",
        "status": certs.certification_status(officer.agency),
        "certifications": certs.certifications_of(officer.agency),
        "form": form,
        "reminder_days": certs.reminder_days(),
    }
    return render(request, "portal/certifications.html", context)


def _download(certification: Certification | None):
    if certification is None or not certification.document:
        raise Http404("No such document")
    try:
        handle = certification.document.open("rb")
    except FileNotFoundError:
        raise Http404("File missing from storage") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=certification.original_filename or f"certification-{certification.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def certification_document(request, pk):
    """The signed PDF of one of the agency's certifications (another agency's: 404)."""
    officer = officer_for_user(request.user)
    if officer is None or not officer.may_see_requests:
        raise PermissionDenied("Only approved officers see the agency's certifications.")
    return _download(Certification.objects.filter(pk=pk, agency=officer.agency).first())


def staff_certifications(request):
    """DMV administrators: every agency with its certification status, and the form that
    records a certification signed on paper."""
    form = CertificationRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_at = timezone.make_aware(datetime.combine(data["signed_on"], time(hour=0)))
        try:
            certification = certs.certification_record(
                agency=data["agency"],
                actor=request.user,
                kind=data["kind"],
                text=data["text"],
                signed_by_name=data["signed_by_name"],
                signed_by_title=data["signed_by_title"],
                signed_at=signed_at,
                expires_on=data["expires_on"],
                upload=data.get("document"),
            )
        except certs.DuplicateCertification as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("portal:staff_certifications")
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Recorded for {certification.agency.name}: {certification.get_kind_display()}.",
            )
            return redirect("portal:staff_certifications")
    recent = Certification.objects.select_related("agency", "recorded_by").order_by(
        "-created_at", "-id"
    )[:50]
    context = {
        "nav": "portal_certifications",
        "rows": certs.directory_with_status(),
        "recent": recent,
        "form": form,
        "reminder_days": certs.reminder_days(),
    }
    return render(request, "portal/staff_certifications.html", context)


def staff_certification_document(request, pk):
    """The signed PDF of any certification, for DMV administrators."""
    return _download(Certification.objects.filter(pk=pk).first())
