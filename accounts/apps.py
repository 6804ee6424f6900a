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
        from dmvrequests.admin_widgets import use_yes_no_icons

        vocabulary.register(role=Role)
        # The administration site's yes/no icons say "Yes" and "No", not "True" and "False".
        use_yes_no_icons()

        # Permissions only exist after every app migrated, hence post_migrate
        # rather than a data migration.
        post_migrate.connect(grant_administrator_permissions, dispatch_uid="admin-role-perms")
