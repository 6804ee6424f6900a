from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self):
        from django.db.models.signals import post_migrate

        from dmvrequests import vocabulary
        from dmvrequests.audit.models import Action, Kind, Outcome

        vocabulary.register(audit_kind=Kind, audit_action=Action, audit_outcome=Outcome)

        # Connects the sign-in, sign-out and failed sign-in receivers.
        from dmvrequests.audit import signals  # noqa: F401
        from dmvrequests.audit.protection import ensure_history_triggers

        # A history table added by a later migration gets its append-only trigger too.
        post_migrate.connect(ensure_history_triggers, dispatch_uid="history-append-only")

        # Every app's models are loaded before any ready(): the labels of choices kept
        # instead of rebuilt on each get_FOO_display() (dmvrequests/choices.py).
        from django.apps import apps

        from dmvrequests import choices

        choices.install(apps.get_models())
