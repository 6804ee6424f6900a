from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from accounts.signals import ENDED_BY_ANOTHER_SIGN_IN

SIGNED_IN_ELSEWHERE = (
    "You were signed out because your account signed in on another device or browser. "
    "If that was not you, tell your administrator."
)


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
        messages.warning(request, SIGNED_IN_ELSEWHERE)
        return redirect("accounts:login")


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
