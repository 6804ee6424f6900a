from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Connects the receivers; registers the tasks the services queue by name.
        from dmvrequests.notifications import receivers, tasks  # noqa: F401
