from functools import wraps

from django.http import HttpResponseNotAllowed

from dmvrequests.cases import selectors


def case_action(view):
    """A POST action on one case: the case is looked up first, scoped to the user, so
    that anyone who may not see it gets 404 whatever the method; then GET is refused."""

    @wraps(view)
    def wrapper(request, number, **kwargs):
        case = selectors.request_get_for(request.user, number)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, case, **kwargs)

    return wrapper
