from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.roles import Role


class Office(models.Model):
    """A DMV legal-unit office; clerks and cases belong to one."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. 'albany'.")
    email = models.EmailField(blank=True, help_text="Where the office's notifications go.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    title = models.CharField(max_length=120, blank=True)
    # The one session this user may have; a newer sign-in ends the older one.
    session_key = models.CharField(max_length=40, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_login", "password", "session_key"])

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self):
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles):
        return bool(self.role_names.intersection(roles))

    @property
    def role_label(self):
        ordered = [role.label for role in Role if role.value in self.role_names]
        return ", ".join(ordered) or "No role"

    @property
    def is_clerk(self):
        return Role.CLERK in self.role_names

    @property
    def is_counsel(self):
        return Role.COUNSEL in self.role_names

    @property
    def is_administrator(self):
        return Role.ADMINISTRATOR in self.role_names

    @property
    def is_auditor(self):
        return Role.AUDITOR in self.role_names
