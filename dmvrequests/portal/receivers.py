"""The portal listens to the cases app (docs/decisions/0006-app-boundaries.md): the officer who
sent a request is emailed when it needs something from them or is decided, so an officer
without a webhook need not keep checking the status page."""

from django.utils import timezone

from dmvrequests.cases.services import Status
from dmvrequests.portal.casework import email_officers, officers_of

# What the officer is told for each status worth an email: (what happened, what to do next).
STATUS_NEWS = {
    Status.NEEDS_INFO: (
        "the legal unit needs more information",
        "Open the request on the portal to read the question, and answer it there with any "
        "new legal document.",
    ),
    Status.APPROVED: (
        "decided: approved",
        "Open the request on the portal to read the decision and the letters. The records "
        "follow once they are released.",
    ),
    Status.DENIED: (
        "decided: denied",
        "Open the request on the portal to read the decision and the letter that explains it.",
    ),
    Status.FULFILLED: (
        "records released",
        "Open the request on the portal to see what was released and how.",
    ),
}


def case_status_changed(sender, case, old_status, new_status, **kwargs):
    """Email the officers following a portal request (casework.officers_of) about a status in
    STATUS_NEWS; once per change (dedupe by case, status and time)."""
    news = STATUS_NEWS.get(new_status)
    if news is None:
        return
    officers = officers_of(case)
    if not officers:
        return
    happened, advice = news
    if new_status == Status.APPROVED:
        decision = case.decisions.first()
        if decision is not None:
            happened = f"decided: {decision.outcome_label.lower()}"
    email_officers(
        officers,
        case,
        "status_changed",
        subject=happened,
        happened=happened,
        advice=advice,
        dedupe=f"{case.pk}:{new_status}:{timezone.now().isoformat()}",
    )
