"""Webhooks: an agency's HTTPS endpoint told when one of its requests changes status
(docs/api.md, "Webhooks").

Each call is a POST of a JSON body, signed with HMAC-SHA256 under the webhook's secret:

    X-DMV-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body bytes>">

(the scheme of Stripe's webhooks: the timestamp is signed with the body, so a captured call
cannot be replayed later; receivers reject a `t` more than 5 minutes old). `X-DMV-Event-Id`
names the event, the same on every retry, so a receiver can drop duplicates. A delivery that
fails (no answer in 10 seconds, or a status other than 2xx) is retried by Celery with
exponential backoff: 1, 2, 4, 8, 16, 32 and 64 minutes, then given up; every attempt is kept
on its WebhookDelivery.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import ssl
import time
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dmvrequests.api.models import DeliveryState, Webhook, WebhookDelivery
from dmvrequests.tasking import task_named

SIGNATURE_HEADER = "X-DMV-Signature"
EVENT_HEADER = "X-DMV-Event-Id"
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8
FIRST_DELAY_SECONDS = 60
DELIVER_TASK = "dmvrequests.api.tasks.webhook_deliver"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance: int = 300) -> bool:
    """What a receiver does: True when `header` signs `body` under `secret` and its
    timestamp is within `tolerance` seconds of `now`. Constant-time comparison."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(
        sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}"
    )


def _check_url(url: str) -> None:
    """Refuse what the DMV must not call: another scheme than https (RFC 9110 section 4.2.2),
    credentials in the address, and a host that is this machine or a private network
    (localhost, a loopback, private or link-local IP address: RFC 1918, RFC 4193, RFC 3927)."""
    if not url.lower().startswith("https://"):
        raise ValidationError({"url": "Give an https:// address: calls carry request data."})
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError(
            {"url": "Leave the user name and password out of the address; calls are signed."}
        )
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    internal = host == "localhost" or host.endswith(".localhost")
    if internal or (address is not None and not address.is_global):
        raise ValidationError(
            {"url": "Give your agency's public address: the DMV does not call its own network."}
        )


def webhook_set(*, agency: Any, url: str, active: bool = True) -> Webhook:
    """Set `agency`'s endpoint (HTTPS only, a public host: _check_url); a new webhook gets a
    new secret (64 hex characters). Raises ValidationError (field `url`) for another scheme,
    an internal host or a malformed URL."""
    url = (url or "").strip()
    _check_url(url)
    webhook = Webhook.objects.filter(agency=agency).first() or Webhook(
        agency=agency, secret=secrets.token_hex(32)
    )
    webhook.url, webhook.active = url, active
    webhook.full_clean()
    webhook.save()
    return webhook


def webhook_rotate(*, webhook: Webhook) -> Webhook:
    """Give `webhook` a new secret (64 hex characters) at once: calls from now on are signed
    with it, and the old one stops verifying. Returns the webhook with the new secret."""
    webhook.secret = secrets.token_hex(32)
    webhook.save(update_fields=["secret", "updated_at"])
    return webhook


def recent_deliveries(webhook: Webhook, limit: int = 20) -> Any:
    """The webhook's latest deliveries, newest first (a QuerySet)."""
    return webhook.deliveries.order_by("-created_at", "-id")[:limit]


def payload_for(case: Any, old_status: str, new_status: str, event_id: uuid.UUID) -> dict:
    """What the agency is told: the request's number and its status, nothing of its subject
    (the agency reads the request through the API, which records the read)."""
    return {
        "id": str(event_id),
        "type": "request.status_changed",
        "created": timezone.now().isoformat(),
        "request": {
            "number": case.number,
            "status": new_status,
            "status_words": case.get_status_display(),
            "previous_status": old_status,
        },
    }


def status_changed(case: Any, old_status: str, new_status: str) -> WebhookDelivery | None:
    """Record the delivery of a status change to the case's agency's active webhook (if
    any), and queue it for after the commit."""
    webhook = Webhook.objects.filter(agency_id=case.agency_id, active=True).first()
    if webhook is None:
        return None
    event_id = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        event_id=event_id,
        event="request.status_changed",
        case_number=case.number,
        payload=payload_for(case, old_status, new_status, event_id),
    )
    transaction.on_commit(lambda: task_named(DELIVER_TASK).delay(delivery.pk))
    return delivery


def _refuse_internal_host(url: str) -> None:
    """At delivery time too: a public host name may resolve to this machine or a private
    network (a DNS name pointing at 10.0.0.1); such an address is never called."""
    host = urlsplit(url).hostname or ""
    port = urlsplit(url).port or 443
    for *_, sockaddr in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
        if not ipaddress.ip_address(sockaddr[0]).is_global:
            raise ValueError(
                f"{host} resolves to {sockaddr[0]}, an internal address: not called. "
                "Give an address on the public internet."
            )


def failure_words(exc: BaseException) -> str:
    """Why a call failed, in words for the agency's portal administrator and DMV staff (a
    Python exception's text, such as "<urlopen error [Errno -2] ...>", is not)."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return "The host name was not found (DNS): check the address."
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"No answer within {TIMEOUT_SECONDS} seconds."
    if isinstance(reason, ConnectionRefusedError):
        return "The server refused the connection: check the address and port."
    if isinstance(reason, ssl.SSLError):
        return "The server's HTTPS certificate could not be verified."
    if isinstance(exc, ValueError):
        return str(exc)
    return f"The connection failed ({type(reason).__name__}): check the address."


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` to `url` (https only, never an internal address); the response's status,
    or 0 when none came."""
    if not url.lower().startswith("https://"):
        raise ValueError("Webhooks are called over HTTPS only.")
    _refuse_internal_host(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def attempt(delivery: WebhookDelivery) -> bool:
    """One attempt: sign and send. True when delivered (2xx); the attempt is recorded."""
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "DMV-disclosure-requests-webhook/1",
        SIGNATURE_HEADER: sign(delivery.webhook.secret, int(time.time()), body),
        EVENT_HEADER: str(delivery.event_id),
    }
    delivery.attempts += 1
    try:
        status = _post(delivery.webhook.url, body, headers)
        delivery.last_status_code, delivery.last_error = status or None, ""
    except (OSError, ValueError) as exc:
        status = 0
        delivery.last_status_code, delivery.last_error = None, failure_words(exc)[:300]
    delivered = 200 <= status < 300
    if delivered:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
    else:
        delivery.state = DeliveryState.RETRYING
    delivery.save()
    return delivered


def delivery_send_again(delivery: WebhookDelivery) -> bool:
    """One more try now, asked for by the agency's portal administrator ("Send it again"):
    for a delivery that failed, whether given up or waiting for its next automatic try (and,
    with tasks run in-process, never retried otherwise). True when delivered. Raises
    ValidationError for a delivery already received or whose webhook is switched off;
    nothing is sent then."""
    if delivery.state == DeliveryState.DELIVERED:
        raise ValidationError("This call was received already; nothing was sent again.")
    if not delivery.webhook.active:
        raise ValidationError(
            "The webhook is switched off: tick that it is called on every change, save, "
            "and send the call again."
        )
    return attempt(delivery)


def backoff_seconds(attempts: int) -> int:
    """The wait before the next try after `attempts` failed ones: 60 s doubled each time."""
    return FIRST_DELAY_SECONDS * 2 ** max(0, attempts - 1)
