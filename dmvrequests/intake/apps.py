from django.apps import AppConfig


class IntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.intake"
    label = "intake"
    verbose_name = "Email intake"

    def ready(self):
        from dmvrequests.intake import checks  # noqa: F401  (registers the deployment check)
