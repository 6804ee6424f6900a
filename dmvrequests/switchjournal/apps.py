from django.apps import AppConfig


class SwitchJournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.switchjournal"
    label = "switchjournal"
    verbose_name = "State switch journal"

    def ready(self):
        from dmvrequests.agencies.signals import directory_changed
        from dmvrequests.switchjournal import checks, receivers, upload_tasks  # noqa: F401

        directory_changed.connect(receivers.on_directory_changed, dispatch_uid="switchjournal")
