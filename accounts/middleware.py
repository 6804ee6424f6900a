from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import LazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.signals import ENDED_BY_ANOTHER_SIGN_IN

SIGNED_IN_ELSEWHERE = (
    "You were signed out because your account signed in on another device or browser. "
    "If that was not you, tell your administrator."
)
NOT_SAVED = "What you were sending was not saved; sign in and fill it in again."


class OneSessionPerUserMiddleware:
    """Ends a session when the same user has signed in somewhere else since, and says so
    on the sign-in page: whether the session is still there (its key is no longer the
    user's) or was emptied by the other sign-in (accounts.signals.end_session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.session_key
            and request.session.session_key != user.session_key
        ):
            logout(request)
            return self._signed_out(request)
        if request.session.get(ENDED_BY_ANOTHER_SIGN_IN):
            request.session.flush()
            return self._signed_out(request)
        return self.get_response(request)

    def _signed_out(self, request):
        sending = request.method not in ("GET", "HEAD", "OPTIONS")
        text = f"{SIGNED_IN_ELSEWHERE} {NOT_SAVED}" if sending else SIGNED_IN_ELSEWHERE
        messages.warning(request, text)
        login = reverse("accounts:login")
        target = self._return_to(request, sending)
        if target is None:
            return redirect(login)
        return redirect(f"{login}?{urlencode({'next': target})}")

    def _return_to(self, request, sending):
        """Where sign-in takes the user back: the page asked for; for a form sent (POST),
        the page the form was on (its Referer, when it is one of ours), else the address
        it was sent to. None for the sign-in and sign-out pages themselves."""
        target = request.get_full_path()
        if sending:
            target = request.path
            referer = request.headers.get("referer", "")
            if referer and url_has_allowed_host_and_scheme(
                referer, {request.get_host()}, request.is_secure()
            ):
                parts = urlsplit(referer)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
        if urlsplit(target).path in (reverse("accounts:login"), reverse("accounts:logout")):
            return None
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return None
        return target


class NoStoreWhenSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user (and on the
    response that signs one in or out): case pages, queues, searches, timelines and
    downloads show personal data that no browser or proxy cache may keep."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if signed_in or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class ResolvedUserMiddleware:
    """`request.user` as the user itself from here on (placed right after django-otp's
    middleware), not the two lazy wrappers around it: Django's authentication middleware
    wraps the user in a SimpleLazyObject, and django-otp's wraps that in another, and every
    attribute read through them (`user.is_counsel`, `user.office_id`, on every page some two
    hundred and fifty) went through both, each by a caught AttributeError: about 8 µs a read
    against 0.3 on the user itself, some 2 ms of a signed-in page (docs/performance.md). The
    user is what both would give (django-otp's `is_verified` and `otp_device` set on it);
    every page reads it anyway. A later `login` or `logout` replaces it as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if isinstance(user, LazyObject):
            user.pk  # noqa: B018 - evaluates both wrappers (django-otp's check included)
            while isinstance(user, LazyObject):
                user = user._wrapped
            request.user = user
        return self.get_response(request)
