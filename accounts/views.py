from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import events, mfa
from accounts.forms import PasswordForm, RoleGrantDecisionForm, SignInForm, TokenForm
from accounts.signals import remember_session
from dmvrequests.audit.models import Outcome

# Wrong codes allowed in one session before it is ended (the password is asked again).
MAX_CODE_FAILURES = 5


class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes: the page shown while a username is locked."""
    return render(request, "accounts/locked_out.html", status=429)


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


def mfa_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not mfa.has_mfa(request.user):
        return redirect("accounts:mfa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.mfa_verify(request=request, token=form.cleaned_data["token"]):
            request.session.pop("mfa_failures", None)
            events.mfa_event(request=request, step="verified")
            return redirect(_next_url(request))
        failures = request.session.get("mfa_failures", 0) + 1
        request.session["mfa_failures"] = failures
        events.mfa_event(request=request, step="failed", outcome=Outcome.FAILURE)
        if failures >= MAX_CODE_FAILURES:
            events.mfa_event(request=request, step="too_many_failures", outcome=Outcome.DENIED)
            logout(request)
            messages.error(request, "Too many wrong codes. Sign in again with your password.")
            return redirect("accounts:login")
        form.add_error(
            "token",
            "That code is not right. Enter the current 6-digit code from your app, or a backup code.",
        )
    return render(
        request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request, "")}
    )


def mfa_setup(request):
    if mfa.has_mfa(request.user) and not request.user.is_verified():
        return redirect("accounts:mfa_verify")
    device = mfa.totp_enrolment_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            events.mfa_event(request=request, step="enrolled")
            messages.success(request, "Your authenticator app is set up.")
            return render(request, "accounts/backup_codes.html", {"codes": codes, "fresh": True})
        form.add_error(
            "token",
            "That code is not right. Check the time on your phone and enter the current code.",
        )
    context = {
        "form": form,
        "qr_svg": mfa.qr_svg(device),
        "secret": mfa.secret_for_manual_entry(device),
        "replacing": mfa.has_mfa(request.user),
        "required": settings.DMV_REQUIRE_MFA,
    }
    return render(request, "accounts/mfa_setup.html", context)


def backup_codes(request):
    if request.method == "POST":
        codes = mfa.backup_codes_generate(user=request.user)
        events.mfa_event(request=request, step="backup_codes")
        return render(request, "accounts/backup_codes.html", {"codes": codes, "fresh": True})
    return render(
        request, "accounts/backup_codes.html", {"left": mfa.backup_codes_left(request.user)}
    )


def password_change(request):
    form = PasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Django gives the session a new key here; it stays the user's one session.
        update_session_auth_hash(request, form.user)
        remember_session(form.user, request.session.session_key)
        events.password_event(request=request)
        messages.success(request, "Your password is changed.")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def role_grants(request):
    """Role grants waiting for a second administrator, and the latest decided."""
    from accounts.models import GrantStatus, PendingRoleGrant

    grants = PendingRoleGrant.objects.select_related("user", "requested_by", "decided_by")
    context = {
        "pending": grants.filter(status=GrantStatus.PENDING),
        "decided": grants.exclude(status=GrantStatus.PENDING)[:50],
        "form": RoleGrantDecisionForm(),
        "required": settings.ROLE_GRANT_REQUIRES_SECOND_ADMIN,
    }
    return render(request, "accounts/role_grants.html", context)


@require_POST
def role_grant_decide(request, pk):
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404

    from accounts.models import PendingRoleGrant
    from accounts.services import role_grant_decide as decide

    grant = get_object_or_404(PendingRoleGrant, pk=pk)
    form = RoleGrantDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Approve or Refuse.")
        return redirect("accounts:role_grants")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decide(
            grant=grant,
            actor=request.user,
            approve=approve,
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "approved: the role is given" if approve else "refused"
        messages.success(request, f"The {grant.role} role for {grant.user} is {verb}.")
    return redirect("accounts:role_grants")
