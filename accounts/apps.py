from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and offices"

    def ready(self):
        from accounts import events, signals  # noqa: F401  (connects receivers)
        from accounts.permissions import grant_administrator_permissions
        from accounts.roles import Role
        from dmvrequests import vocabulary

        vocabulary.register(role=Role)

        # Permissions only exist after every app migrated, hence post_migrate
        # rather than a data migration.
        post_migrate.connect(grant_administrator_permissions, dispatch_uid="admin-role-perms")
