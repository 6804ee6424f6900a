"""The four roles. Each is a Django group, created by a migration."""

from django.db import models


class Role(models.TextChoices):
    CLERK = "Clerk", "Clerk"
    COUNSEL = "Counsel", "Counsel"
    ADMINISTRATOR = "Administrator", "Administrator"
    AUDITOR = "Auditor", "Auditor"
