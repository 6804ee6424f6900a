"""Model permissions of the Administrator role, for the Django admin.

Administrators configure the directory, profiles, offices and users. They
never delete: users are deactivated, agencies blocked, cases never removed. The one
exception is a letter language added by mistake, while nothing is written in it.
"""

from django.contrib.auth.models import Group, Permission

from accounts.roles import Role

ADMINISTRATOR_MODELS = {
    # ORI blocks are lifted (a date), never deleted (docs/network-queries.md).
    "agencies": ("agency", "requester", "oriblock"),
    "policy": ("policyprofile",),
    "accounts": ("office", "user"),
    "cases": ("workflowsettings",),
    # Letterheads and letter languages (docs/letters.md); templates have their own pages.
    "correspondence": ("officeletterhead", "language"),
}
ACTIONS = ("add", "change", "view")


def grant_administrator_permissions(sender=None, **kwargs):
    group = Group.objects.filter(name=Role.ADMINISTRATOR).first()
    if group is None:
        return
    wanted = Permission.objects.none()
    for app_label, models in ADMINISTRATOR_MODELS.items():
        wanted |= Permission.objects.filter(
            content_type__app_label=app_label,
            content_type__model__in=models,
            codename__regex=rf"^({'|'.join(ACTIONS)})_",
        )
    group.permissions.add(*wanted)
    # The baseline list of cases in the admin is read-only (view permission only), and so
    # are the outbox (failed notifications), the pending role grants and the block list versions.
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="cases", codename="view_disclosurerequest"
        ),
        *Permission.objects.filter(
            content_type__app_label="notifications", codename="view_outboundemail"
        ),
        *Permission.objects.filter(
            content_type__app_label="accounts", codename="view_pendingrolegrant"
        ),
        # The block list's versions handed to the switch: a record, read-only.
        *Permission.objects.filter(
            content_type__app_label="agencies", codename="view_blocklistversion"
        ),
        # The one deletion: a language added by mistake, which the admin allows only while no
        # letter and no template uses it (correspondence/admin.py).
        *Permission.objects.filter(
            content_type__app_label="correspondence", codename="delete_language"
        ),
    )
