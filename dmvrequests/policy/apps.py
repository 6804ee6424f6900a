from django.apps import AppConfig


class PolicyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.policy"
    label = "policy"
    verbose_name = "Policy profiles"
