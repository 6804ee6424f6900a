from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers


class OneSessionPerUserMiddleware:
    """Ends a session when the same user has signed in somewhere else since."""

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
            messages.warning(
                request,
                "You were signed out because your account signed in on another device or browser. "
                "If that was not you, tell your administrator.",
            )
            return redirect("accounts:login")
        return self.get_response(request)


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
