"""What the case workflow announces, for the apps above it (docs/decisions/0006-app-boundaries.md).

Cases know no channel and no notification: a service sends one of these signals at the point
where the change is saved, inside its transaction, and the notifications app connects its
receivers in `AppConfig.ready()`. A receiver runs synchronously, as a direct call would; one
that sends mail queues it for after the commit.
"""

from django.dispatch import Signal

# A counsel was assigned the case (or reassigned it). Arguments: case, counsel.
counsel_assigned = Signal()
# An emergency request was logged or marked as an emergency. Arguments: case.
emergency_raised = Signal()
# Cases were written in bulk past the services (seed_synthetic), in the loading transaction:
# apps that keep figures derived from cases compute them again. No arguments.
cases_loaded = Signal()
# A case's status changed (a service saved it with a new status), in the service's transaction.
# Arguments: case, old_status, new_status. The API's webhooks listen (dmvrequests/api).
case_status_changed = Signal()
