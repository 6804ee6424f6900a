"""The "decide" object permission is gone: the capability model (cases/capabilities.py) reads
the case's assigned counsel, and no code granted or checked this permission any more. Its
permission row goes too, and with it (cascade) any object permission an older version granted.
"""

from django.db import migrations


def drop_decide_permission(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="cases", codename="decide_disclosurerequest"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_search_by_office"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="disclosurerequest",
            options={"ordering": ["-received_at"], "verbose_name": "disclosure request"},
        ),
        migrations.RunPython(drop_decide_permission, migrations.RunPython.noop),
    ]
