"""The agency portal's pages for officer accounts: registration, the address's verification,
sign-in and its second factor, the officer's home, and the decisions on officers (by the agency's
portal administrator, and by DMV administrators for an agency's first officers)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import events, mfa
from accounts.forms import TokenForm
from accounts.views import MAX_CODE_FAILURES, _next_url
from dmvrequests.agencies.models import Officer, OfficerApproval
from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.audit.models import Action, Outcome
from dmvrequests.audit.services import access_log_cases
from dmvrequests.cases.selectors import officer_requests
from dmvrequests.cases.services import WorkflowError
from dmvrequests.portal import services, submission
from dmvrequests.portal.forms import (
    OfficerDecisionForm,
    PortalSignInForm,
    RegisterForm,
    RequestForm,
)


def _site(request) -> str:
    return request.build_absolute_uri("/")


class SignInView(LoginView):
    template_name = "portal/sign_in.html"
    form_class = PortalSignInForm
    redirect_authenticated_user = False

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if isinstance(form, PortalSignInForm):
            form.site = _site(self.request)
        return form

    def get_default_redirect_url(self):
        return reverse("portal:home")


@require_POST
def sign_out(request):
    from django.contrib.auth import logout

    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("portal:login")


def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            officer = services.officer_register(
                email=data["email"],
                name=data["name"],
                title=data["title"],
                badge=data["badge"],
                supervisor=data["supervisor"],
                password=data["password1"],
                site=_site(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(request, "portal/registered.html", {"registered": officer})
    return render(request, "portal/register.html", {"form": form})


def verify(request, token):
    """GET shows a button (mail scanners open links); POST verifies the address."""
    if request.method != "POST":
        return render(request, "portal/verify.html", {"token": token})
    try:
        services.officer_verify_email(token=token)
    except services.VerificationFailed as exc:
        return render(request, "portal/verify.html", {"error": str(exc)}, status=400)
    messages.success(
        request,
        "Your address is verified. Sign in to set up your authenticator app; your registration "
        "is then approved by your agency or the DMV.",
    )
    return redirect("portal:login")


def mfa_setup(request):
    if mfa.has_mfa(request.user) and not request.user.is_verified():
        return redirect("portal:mfa_verify")
    device = mfa.totp_enrolment_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            events.mfa_event(request=request, step="enrolled")
            messages.success(request, "Your authenticator app is set up.")
            return render(request, "portal/backup_codes.html", {"codes": codes})
        form.add_error(
            "token",
            "That code is not right. Check the time on your phone and enter the current code.",
        )
    context = {
        "form": form,
        "qr_svg": mfa.qr_svg(device),
        "secret": mfa.secret_for_manual_entry(device),
    }
    return render(request, "portal/mfa_setup.html", context)


def mfa_verify(request):
    target = _next_url(request, reverse("portal:home"))
    if request.user.is_verified():
        return redirect(target)
    if not mfa.has_mfa(request.user):
        return redirect("portal:mfa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.mfa_verify(request=request, token=form.cleaned_data["token"]):
            request.session.pop("mfa_failures", None)
            events.mfa_event(request=request, step="verified")
            return redirect(target)
        failures = request.session.get("mfa_failures", 0) + 1
        request.session["mfa_failures"] = failures
        events.mfa_event(request=request, step="failed", outcome=Outcome.FAILURE)
        if failures >= MAX_CODE_FAILURES:
            from django.contrib.auth import logout

            events.mfa_event(request=request, step="too_many_failures", outcome=Outcome.DENIED)
            logout(request)
            messages.error(request, "Too many wrong codes. Sign in again with your password.")
            return redirect("portal:login")
        form.add_error(
            "token",
            "That code is not right. Enter the current 6-digit code from your app, or a backup code.",
        )
    return render(request, "portal/mfa_verify.html", {"form": form, "next": target})


def _officer(request) -> Officer:
    officer = officer_for_user(request.user)
    if officer is None:  # the access table lets only officers in; kept for safety
        raise PermissionDenied("Only officers of requesting agencies use the portal.")
    return officer


def home(request):
    officer = _officer(request)
    cases = list(officer_requests(officer)[:100])
    access_log_cases(request=request, action=Action.LIST_QUEUE, cases=cases)
    return render(
        request,
        "portal/home.html",
        {
            "officer": officer,
            "nav": "requests",
            "cases": cases,
            "refusal": officer.submit_refusal(),
        },
    )


def officers(request):
    """The agency's officers, for its portal administrator."""
    officer = _officer(request)
    if services.manager_kind(request.user, officer.agency) != "agency":
        raise PermissionDenied("Only the agency's portal administrator manages its officers.")
    may = services.may_decide(request.user, officer.agency)
    context = {
        "officer": officer,
        "nav": "officers",
        "rows": [(o, may) for o in Officer.objects.filter(agency=officer.agency).order_by("name")],
    }
    return render(request, "portal/officers.html", context)


def staff_officers(request):
    """DMV administrators: officers waiting for approval (decided here for agencies without a
    portal administrator) and the active officers, to deactivate one."""
    pending = Officer.objects.filter(approval=OfficerApproval.PENDING).select_related("agency")
    rows = [(o, services.may_decide(request.user, o.agency)) for o in pending]
    active = Officer.objects.approved().select_related("agency").order_by("agency__name", "name")
    return render(
        request,
        "portal/staff_officers.html",
        {
            "nav": "portal_officers",
            "pending": rows,
            "active": [(o, True) for o in active[:200]],
        },
    )


def _decide(request, pk, back):
    officer = Officer.objects.select_related("agency").filter(pk=pk).first()
    if officer is None or services.manager_kind(request.user, officer.agency) is None:
        raise Http404("No such officer")
    form = OfficerDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    decision = form.cleaned_data["decision"]
    try:
        if decision == "deactivate":
            services.officer_deactivate_by(
                officer=officer, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"{officer.name} is deactivated.")
        else:
            services.officer_decide(
                officer=officer,
                actor=request.user,
                approve=decision == "approve",
                portal_admin=form.cleaned_data["portal_admin"],
            )
            done = "approved" if decision == "approve" else "refused"
            messages.success(request, f"{officer.name} is {done}; we emailed the officer.")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@require_POST
def officer_decide(request, pk):
    _officer(request)
    return _decide(request, pk, "portal:officers")


@require_POST
def staff_officer_decide(request, pk):
    return _decide(request, pk, "portal:staff_officers")


def submit(request):
    """The request form: "Check what the document unlocks" shows the active profile's rule for
    what was entered; "Send the request" creates the case. A blocked agency's officer, or one
    not yet approved, sees why and no form."""
    officer = _officer(request)
    refusal = officer.submit_refusal()
    context: dict = {"officer": officer, "nav": "submit", "refusal": refusal}
    if refusal:
        return render(
            request, "portal/submit.html", context, status=403 if request.method == "POST" else 200
        )
    sending = request.method == "POST" and "send" in request.POST
    form = RequestForm(request.POST or None, request.FILES or None, sending=sending)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        context["preview"] = submission.unlock_preview(officer=officer, data=data)
        if sending:
            try:
                case = submission.portal_request_submit(
                    officer=officer, data=data, upload=data.get("document_file")
                )
            except PermissionDenied as exc:
                context["refusal"] = str(exc)
            except (ValidationError, WorkflowError) as exc:
                messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                form.add_error(
                    "document_file" if isinstance(exc, WorkflowError) else None, messages_
                )
            else:
                messages.success(
                    request,
                    f"Your request is received as {case.number}. The DMV's legal unit reviews it; "
                    "follow it here.",
                )
                return redirect("portal:home")
    return render(request, "portal/submit.html", context)
