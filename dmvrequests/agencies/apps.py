from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.agencies"
    label = "agencies"
    verbose_name = "Agency directory"
