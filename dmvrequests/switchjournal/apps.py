from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SwitchJournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.switchjournal"
    label = "switchjournal"
    verbose_name = "State switch journal"

    def ready(self):
        from dmvrequests.agencies.models import Agency, BlocklistVersion, OriBlock
        from dmvrequests.agencies.signals import directory_changed
        from dmvrequests.switchjournal import checks, receivers, upload_tasks  # noqa: F401

        directory_changed.connect(receivers.on_directory_changed, dispatch_uid="switchjournal")
        # A version handed over too: the block leaks' figure says which came after it.
        for model in (Agency, OriBlock, BlocklistVersion):
            for signal in (post_save, post_delete):
                signal.connect(
                    receivers.on_directory_saved,
                    sender=model,
                    dispatch_uid=f"switchjournal-generation-{signal_name(signal)}-{model.__name__}",
                )


def signal_name(signal) -> str:
    return "save" if signal is post_save else "delete"
