"""The API listens to the cases app (docs/decisions/0006-app-boundaries.md): a status change
is told to the agency's webhook."""

from dmvrequests.api.webhooks import status_changed


def case_status_changed(sender, case, old_status, new_status, **kwargs):
    status_changed(case, old_status, new_status)
