"""The API's pages on the agency portal (docs/api.md): an officer's personal tokens (made,
shown once, listed with their last use, revoked), the agency's webhook for its portal
administrator (the endpoint, its secret shown once when made or rotated, recent deliveries),
and every agency's webhook for DMV administrators.

They live in the API app, not the portal's, because they write the API's own records (tokens,
webhooks); the portal's menu links to them. Officers reach them under /portal/.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dmvrequests.agencies.models import Officer
from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.api.models import ApiToken, Webhook, WebhookDelivery
from dmvrequests.api.page_forms import StaffWebhookForm, TokenForm, WebhookForm
from dmvrequests.api.tokens import token_create, token_revoke, tokens_of
from dmvrequests.api.webhooks import (
    delivery_send_again,
    recent_deliveries,
    webhook_rotate,
    webhook_set,
)
from dmvrequests.audit.models import Action, Kind
from dmvrequests.audit.services import audit_record


def _officer(request) -> Officer:
    """The approved officer asking; refused for one not yet approved (the API refuses their
    tokens too)."""
    officer = officer_for_user(request.user)
    if officer is None or not officer.may_see_requests:
        raise PermissionDenied(
            "API tokens are for approved officers; your registration is not approved yet."
        )
    return officer


def _portal_admin(request) -> Officer:
    officer = _officer(request)
    if not officer.is_portal_admin:
        raise PermissionDenied("Only the agency's portal administrator manages its webhook.")
    return officer


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _audit(request, action: str, obj: Any, detail: dict[str, Any]) -> None:
    """A change to the agency's API access in the audit trail (kind "auth"): who, which
    token or webhook, and `detail` (never a token or a secret)."""
    audit_record(
        kind=Kind.AUTH,
        action=action,
        request=request,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        detail=detail,
    )


def _token_detail(token: ApiToken) -> dict[str, Any]:
    return {"name": token.name, "expires": token.expires_at.date().isoformat()}


def _webhook_detail(webhook: Webhook) -> dict[str, Any]:
    return {"agency": webhook.agency.name, "url": webhook.url, "active": webhook.active}


def tokens(request):
    """The officer's tokens; POST makes one and shows it once, on this response only."""
    officer = _officer(request)
    form = TokenForm(request.POST or None)
    made: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            made = token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _audit(request, Action.API_TOKEN_CREATE, made[0], _token_detail(made[0]))
            form = TokenForm()
    context = {
        "officer": officer,
        "nav": "tokens",
        "form": form,
        "made": made[0] if made else None,
        "token": made[1] if made else "",
        "tokens": tokens_of(request.user),
    }
    return render(request, "api/tokens.html", context)


@require_POST
def token_revoke_view(request, pk):
    """Revoke one of the officer's own tokens (anyone else's: 404)."""
    _officer(request)
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404("No such token")
    token_revoke(token=token, actor=request.user)
    _audit(request, Action.API_TOKEN_REVOKE, token, _token_detail(token))
    messages.success(request, f"The token “{token.name}” is revoked; it stops working at once.")
    return redirect("portal_api:tokens")


def _webhook_form(request, webhook: Webhook | None) -> WebhookForm:
    initial = {"url": webhook.url, "active": webhook.active} if webhook else {}
    return WebhookForm(request.POST or None, initial=initial)


def webhook(request):
    """The agency's webhook, for its portal administrator: set or change the endpoint (the
    secret is shown once when the webhook is made), and the recent deliveries."""
    officer = _portal_admin(request)
    current = Webhook.objects.filter(agency=officer.agency).first()
    form = _webhook_form(request, current)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = webhook_set(
                agency=officer.agency,
                url=form.cleaned_data["url"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _audit(request, Action.WEBHOOK_SET, saved, _webhook_detail(saved))
            if current is not None:
                messages.success(request, "The webhook is saved.")
                return redirect("portal_api:webhook")
            # A new webhook: its secret is shown on this response only.
            current, secret = saved, saved.secret
            form = WebhookForm(initial={"url": saved.url, "active": saved.active})
    context = {
        "officer": officer,
        "nav": "webhook",
        "form": form,
        "webhook": current,
        "secret": secret,
        "deliveries": recent_deliveries(current) if current else [],
        "can_send_again": True,
        "tasks_in_process": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    return render(request, "api/webhook.html", context)


@require_POST
def webhook_rotate_view(request):
    """A new signing secret for the agency's webhook, shown once."""
    officer = _portal_admin(request)
    current = Webhook.objects.filter(agency=officer.agency).first()
    if current is None:
        messages.error(request, "Set the webhook's address first; it gets a secret then.")
        return redirect("portal_api:webhook")
    webhook_rotate(webhook=current)
    _audit(request, Action.WEBHOOK_ROTATE, current, _webhook_detail(current))
    context = {
        "officer": officer,
        "nav": "webhook",
        "form": WebhookForm(initial={"url": current.url, "active": current.active}),
        "webhook": current,
        "secret": current.secret,
        "rotated": True,
        "deliveries": recent_deliveries(current),
        "can_send_again": True,
        "tasks_in_process": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    return render(request, "api/webhook.html", context)


@require_POST
def webhook_send_again_view(request, pk):
    """One more try of a failed call of the agency's webhook, now; the page says how it went."""
    officer = _portal_admin(request)
    delivery = (
        WebhookDelivery.objects.select_related("webhook")
        .filter(pk=pk, webhook__agency=officer.agency)
        .first()
    )
    if delivery is None:
        raise Http404("Your agency's webhook made no such call.")
    try:
        delivered = delivery_send_again(delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if delivered:
            messages.success(request, f"The call about {delivery.case_number} was received.")
        elif delivery.last_status_code:
            messages.error(
                request,
                f"The call about {delivery.case_number} failed again (HTTP status "
                f"{delivery.last_status_code}). Check that your system is up and answers "
                "https calls to the address above.",
            )
        else:
            messages.error(
                request,
                f"The call about {delivery.case_number} failed again, with no answer: "
                f"{delivery.last_error.rstrip('.')}.",
            )
    return redirect("portal_api:webhook")


def staff_webhooks(request):
    """DMV administrators: every agency's webhook and the latest deliveries; the form sets
    one for an agency (the secret is shown once, when made or rotated)."""
    form = StaffWebhookForm(request.POST or None, initial={"active": True})
    secret, saved, rotated = "", None, False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existed = Webhook.objects.filter(agency=data["agency"]).exists()
        try:
            saved = webhook_set(agency=data["agency"], url=data["url"], active=data["active"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _audit(request, Action.WEBHOOK_SET, saved, _webhook_detail(saved))
            if data["rotate"] and existed:
                webhook_rotate(webhook=saved)
                _audit(request, Action.WEBHOOK_ROTATE, saved, _webhook_detail(saved))
                rotated = True
            if data["rotate"] or not existed:
                secret = saved.secret
            else:
                messages.success(request, f"The webhook of {saved.agency.name} is saved.")
                return redirect("portal_api:staff_webhooks")
            form = StaffWebhookForm(initial={"active": True})
    context = {
        "nav": "portal_webhooks",
        "form": form,
        "secret": secret,
        "saved": saved,
        "rotated": rotated,
        "webhooks": Webhook.objects.select_related("agency").order_by("agency__name"),
        "deliveries": WebhookDelivery.objects.select_related("webhook__agency").order_by(
            "-created_at", "-id"
        )[:50],
        "tasks_in_process": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    return render(request, "api/staff_webhooks.html", context)
