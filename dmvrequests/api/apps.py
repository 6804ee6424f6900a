from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.api"
    label = "api"
    verbose_name = "REST API for agencies"

    def ready(self):
        # Registers the tasks queued by name (dmvrequests/tasking.py), and the receiver that
        # tells an agency's webhook of a status change.
        from dmvrequests.api import receivers, tasks  # noqa: F401
        from dmvrequests.cases.signals import case_status_changed

        case_status_changed.connect(receivers.case_status_changed, dispatch_uid="api_webhook")
