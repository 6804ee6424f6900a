"""The cases' answers to what accounts ask (accounts/signals.py)."""

from typing import Any

from django.dispatch import receiver

from accounts.signals import open_work_asked
from dmvrequests.cases.models import DisclosureRequest


@receiver(open_work_asked, dispatch_uid="cases-open-work")
def open_assigned_cases(
    sender: Any, *, user: Any, roles_lost: list[str], **kwargs: Any
) -> list[tuple[str, str]]:
    """[(case number and status in words, case URL)] of the open cases assigned to `user`
    when they lose the Counsel role: the administrator reassigns them."""
    if "Counsel" not in roles_lost:
        return []
    cases = (
        DisclosureRequest.objects.open()
        .filter(assigned_counsel=user)
        .select_related("office")
        .order_by("due_date", "number")
    )
    return [
        (f"{case.number} ({case.get_status_display()}, {case.office})", case.get_absolute_url())
        for case in cases
    ]
