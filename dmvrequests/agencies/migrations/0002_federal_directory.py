"""The directory of federal agencies by email domain (docs/intake.md, "Who sent it")."""

from django.db import migrations

FEDERAL = [
    ("ICE Enforcement and Removal Operations", "ice-ero", "immigration", "ice.dhs.gov"),
    ("ICE Homeland Security Investigations", "ice-hsi", "immigration", "hsi.dhs.gov"),
    ("U.S. Customs and Border Protection", "cbp", "immigration", "cbp.dhs.gov"),
    ("U.S. Citizenship and Immigration Services", "uscis", "immigration", "uscis.dhs.gov"),
    ("Federal Bureau of Investigation", "fbi", "federal_law_enforcement", "fbi.gov"),
    ("Drug Enforcement Administration", "dea", "federal_law_enforcement", "dea.gov"),
    (
        "Bureau of Alcohol, Tobacco, Firearms and Explosives",
        "atf",
        "federal_law_enforcement",
        "atf.gov",
    ),
    ("U.S. Marshals Service", "usms", "federal_law_enforcement", "usms.doj.gov"),
    ("U.S. Secret Service", "usss", "federal_law_enforcement", "usss.dhs.gov"),
]


def install(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    for name, slug, kind, domain in FEDERAL:
        Agency.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "email_domains": domain,
                "jurisdiction": "Federal",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
