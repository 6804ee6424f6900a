"""The notifications' answers to what cases and accounts announce (their `signals` modules).

Connected by `NotificationsConfig.ready()`; each queues its email on commit (`email_queue`)."""

from django.dispatch import receiver

from accounts.signals import role_granted
from dmvrequests.cases.signals import counsel_assigned, emergency_raised
from dmvrequests.notifications.services import (
    notify_assignment,
    notify_emergency,
    notify_role_grant,
)


@receiver(counsel_assigned, dispatch_uid="notify-assignment")
def on_counsel_assigned(sender, *, case, counsel, **kwargs):
    notify_assignment(case=case, counsel=counsel)


@receiver(emergency_raised, dispatch_uid="notify-emergency")
def on_emergency_raised(sender, *, case, **kwargs):
    notify_emergency(case=case)


@receiver(role_granted, dispatch_uid="notify-role-grant")
def on_role_granted(sender, *, user, role, actor, previous=(), pending=False, key="", **kwargs):
    notify_role_grant(
        user=user, role=role, actor=actor, previous=previous, pending=pending, key=key
    )
