from django.apps import AppConfig


class OutboundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.outbound"
    label = "outbound"
    verbose_name = "Staff email to agencies"

    def ready(self):
        from dmvrequests.outbound import tasks, timeline  # noqa: F401  (registers both)
