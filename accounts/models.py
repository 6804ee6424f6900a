from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.roles import Role
from dmvrequests.validators import single_line


class Office(models.Model):
    """A DMV legal-unit office; clerks and cases belong to one."""

    name = models.CharField(max_length=120, unique=True, validators=[single_line])
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. 'albany'.")
    email = models.EmailField(blank=True, help_text="Where the office's notifications go.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# What a user's history leaves out: a save that writes only these (Django's `update_last_login`
# at every sign-in, a password hash upgraded at sign-in) adds no version (User.save).
USER_UNTRACKED_FIELDS = ("last_login", "password", "session_key")


class User(AbstractUser):
    # Django's own fields, with the single-line rule of every name (dmvrequests/validators.py).
    first_name = models.CharField(
        "first name", max_length=150, blank=True, validators=[single_line]
    )
    last_name = models.CharField("last name", max_length=150, blank=True, validators=[single_line])
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    title = models.CharField(max_length=120, blank=True, validators=[single_line])
    # The one session this user may have; a newer sign-in ends the older one.
    session_key = models.CharField(max_length=40, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=list(USER_UNTRACKED_FIELDS))
    # Not a field: set by accounts.services.user_set_role for its caller (the grant it asked
    # for when a second administrator must approve, else None).
    pending_grant: "PendingRoleGrant | None"

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        """Saved as Django saves; a save of only what the history leaves out (the sign-in's
        `last_login`) without a version: it would be an empty "Changed" row of the user's
        History (django-simple-history's `skip_history_when_saving`, as its
        `save_without_historical_record` sets it). Sign-ins are in the audit trail
        (audit/signals.py)."""
        update_fields = kwargs.get("update_fields")
        if (
            update_fields is None
            or not set(update_fields) <= set(USER_UNTRACKED_FIELDS)
            or hasattr(self, "skip_history_when_saving")
        ):
            super().save(*args, **kwargs)
            return
        self.skip_history_when_saving = True
        try:
            super().save(*args, **kwargs)
        finally:
            del self.skip_history_when_saving

    def with_role_and_office(self) -> str:
        """'Sam Park: Counsel, Buffalo legal unit': whom a share of a case would open it to.
        The roles are those read with the user (`role_names` set, as the sign-in backend
        and the case page's share form do), else the prefetched groups."""
        if "role_names" in self.__dict__:
            roles = sorted(self.role_names)
        else:
            roles = sorted(group.name for group in self.groups.all())
        office = self.office.name if self.office else "no office"
        return f"{self}: {', '.join(roles) or 'no role'}, {office}"

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


class GrantStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second administrator"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class PendingRoleGrant(models.Model):
    """A grant of Administrator, Counsel or Auditor that waits for a second administrator
    (when ROLE_GRANT_REQUIRES_SECOND_ADMIN is on). The role takes effect on approval."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, validators=[single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.role} for {self.user.get_username()} ({self.get_status_display()})"
