from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self):
        # Connects the sign-in, sign-out and failed sign-in receivers.
        from dmvrequests.audit import signals  # noqa: F401
