from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dmvrequests.portal"
    label = "portal"
    verbose_name = "Agency portal"
    default_auto_field = "django.db.models.BigAutoField"
