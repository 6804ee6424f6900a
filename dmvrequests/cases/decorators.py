from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect

from dmvrequests.access import FORM_ADDRESS
from dmvrequests.audit.services import record_case_refusal
from dmvrequests.cases import selectors
from dmvrequests.cases.capabilities import URL_CAPABILITIES


def refusal(request, case, capabilities):
    """None when the user has the capability this URL needs (capabilities.URL_CAPABILITIES);
    otherwise the case page, with a message that says why not. The refused attempt is
    recorded in the access log as denied, with the page named, as a 404 or 403 on a case
    URL is (cases/middleware.py; docs/audit.md)."""
    view_name = request.resolver_match.view_name
    needed = URL_CAPABILITIES[view_name]
    if getattr(capabilities, needed):
        return None
    record_case_refusal(request, case.number, view_name)
    messages.error(request, capabilities.refusal(needed))
    return redirect(case)


def case_action(view):
    """A POST action on one case: the case is looked up first, scoped to the user, so
    that anyone who may not see it gets 404 whatever the method; a GET (a bookmarked or
    re-opened form address, a sign-in that came back to it) is sent to the case page, where
    the form is; anyone whose capabilities do not include the action is refused (a share is
    read-only), whatever the method: told they cannot act on the case, not to fill a form
    in again that they may not send."""

    @wraps(view)
    def wrapper(request, number, **kwargs):
        case, capabilities = selectors.case_with_capabilities_for(request.user, number)
        denied = refusal(request, case, capabilities)
        if denied:
            return denied
        if request.method != "POST":
            messages.info(request, FORM_ADDRESS)
            return redirect(case)
        return view(request, case, **kwargs)

    return wrapper
