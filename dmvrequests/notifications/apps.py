from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from dmvrequests.notifications import receivers  # noqa: F401  (connects receivers)
