"""The audit trail: one append-only, hash-chained table of reads and security events.

Each record carries the SHA-256 of its own contents and of its predecessor's
hash, so editing, deleting or reordering a row breaks the chain at that row
(`manage.py verify_audit`). On PostgreSQL, triggers refuse UPDATE and DELETE
on the table (migration 0002); here, the model and its queryset refuse them
too, so application code cannot rewrite a record by accident.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from dmvrequests.audit.chain import GENESIS_HASH


class Kind(models.TextChoices):
    ACCESS = "access", "Access to records and pages"
    AUTH = "auth", "Sign-in and account security"
    REDACTION = "redaction", "Redaction"
    RETENTION = "retention", "Retention"
    VERIFICATION = "verification", "Chain verification"
    SHARING = "sharing", "Sharing outside the unit"
    ACCOUNT = "account", "Accounts and roles"
    POLICY = "policy", "Policy profiles"


class Action(models.TextChoices):
    # Reads of case data.
    VIEW_CASE = "view_case", "Viewed a case"
    VIEW_TIMELINE = "view_timeline", "Viewed a case's timeline"
    DOWNLOAD_DOCUMENT = "download_document", "Downloaded a document"
    VIEW_LETTER = "view_letter", "Viewed a letter"
    EXPORT = "export", "Exported case data"
    SEARCH = "search", "Searched cases"
    # Subject identifiers shown in a list: one record per case on the page.
    LIST_QUEUE = "list_queue", "Listed in a queue"
    LIST_HISTORY = "list_history", "Listed in the change history"
    LIST_QUARANTINE = "list_quarantine", "Listed in the intake quarantine"
    # Staff email found in the mail journal (docs/outbound.md).
    VIEW_OUTBOUND = "view_outbound", "Viewed a staff email from the mail journal"
    LIST_OUTBOUND = "list_outbound", "Listed in the unrecorded-disclosure queue"
    # The state switch's Nlets journal (docs/network-queries.md): one record per entry shown.
    VIEW_JOURNAL = "view_journal", "Viewed entries of the switch's query journal"
    # A page refused to the user's role (outcome denied; a case's URLs record VIEW_CASE).
    OPEN_PAGE = "open_page", "Asked for a page"
    # Auditors' own reads.
    SEARCH_AUDIT = "search_audit", "Searched the access log"
    SEARCH_HISTORY = "search_history", "Searched the change history"
    SEARCH_DIRECTORY_HISTORY = "search_directory_history", "Searched the directory's change history"
    EXPORT_AUDIT = "export_audit", "Exported the audit trail"
    USER_ACTIVITY = "user_activity", "Opened a user's activity report"
    VIEW_VERIFICATION = "view_verification", "Viewed the chain's verification status"
    # Authentication and account security.
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    LOCKOUT = "lockout", "Locked out"
    MFA = "mfa", "Multi-factor authentication"
    PASSWORD = "password", "Password change or reset"
    # Changes that rewrite what the history shows, and checks of the chain.
    REDACT = "redact", "Redacted text"
    APPLY_RETENTION = "apply_retention", "Removed subject identifiers (retention)"
    RETENTION_RUN = "retention_run", "Ran the retention policy"
    VERIFY_CHAIN = "verify_chain", "Verified the audit chain"
    SHARE = "share", "Shared case data"
    # Account administration (docs/audit.md, "Accounts and roles").
    ACCOUNT_CREATE = "account_create", "Created an account"
    ROLE_CHANGE = "role_change", "Changed a role"
    ROLE_GRANT_REQUEST = "role_grant_request", "Asked for a role grant (second approval)"
    ROLE_GRANT_DECISION = "role_grant_decision", "Approved or refused a role grant"
    ACCOUNT_DEACTIVATE = "account_deactivate", "Deactivated an account"
    ACCOUNT_REACTIVATE = "account_reactivate", "Reactivated an account"
    UNLOCK = "unlock", "Unlocked an account"
    # The agency portal's API access (docs/api.md): tokens and webhooks, never their secrets.
    API_TOKEN_CREATE = "api_token_create", "Made an API token"
    API_TOKEN_REVOKE = "api_token_revoke", "Revoked an API token"
    WEBHOOK_SET = "webhook_set", "Set an agency's webhook"
    WEBHOOK_ROTATE = "webhook_rotate", "Made a new webhook signing secret"
    # Policy profiles (docs/profiles.md, "Confidence and review").
    PROFILE_REVIEW = "profile_review", "Recorded counsel's review of a policy profile"


# Reads on list pages (a queue, the change history, the quarantine): the most
# frequent records by far, so the case timeline folds them and has its own indexes
# for them and for everything else.
LIST_READS = (Action.LIST_QUEUE, Action.LIST_HISTORY, Action.LIST_QUARANTINE)


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILURE = "failure", "Failure"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit record."""


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit records are append-only; they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit records are append-only; they cannot be deleted.")

    def for_case(self, number):
        return self.filter(case_number=number)


class AuditRecord(models.Model):
    """One event: a read of case data, a sign-in, a redaction, a verification...

    `user` is PROTECT, never SET_NULL: nulling the column would change a hashed
    row. `username` and `office` are copied as text so the record still reads
    correctly after the user is renamed or moves office.
    """

    seq = models.BigIntegerField(primary_key=True, editable=False)
    occurred_at = models.DateTimeField(editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.CharField(max_length=40, choices=Action.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_records",
        # audit_user_idx (user, occurred_at) serves every look-up by user.
        db_index=False,
    )
    username = models.CharField(max_length=150, blank=True)
    office = models.CharField(max_length=20, blank=True, help_text="The user's office code.")
    ip_address = models.CharField("IP address", max_length=45, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case_number = models.CharField(max_length=16, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["occurred_at"], name="audit_occurred_idx"),
            models.Index(fields=["user", "occurred_at"], name="audit_user_idx"),
            # The access log by user name, newest first: it matches the name in any case
            # (`username__iexact`, UPPER(username) = UPPER(...)). A user's activity reads
            # audit_user_idx (the user's records, and the few without a user).
            models.Index(Upper("username"), F("seq"), name="audit_username_upper_idx"),
            # "Who saw this case", newest first: the access log by case number (with a
            # period too: a case's records are few enough to filter by time).
            models.Index(fields=["case_number", "seq"], name="audit_case_seq_idx"),
            # The case timeline: its records other than list reads, and the list reads
            # counted per person from the index alone.
            models.Index(
                fields=["case_number", "seq"],
                condition=~models.Q(action__in=LIST_READS),
                name="audit_case_unlisted_idx",
            ),
            models.Index(
                fields=["case_number", "action", "user", "occurred_at"],
                condition=models.Q(action__in=LIST_READS),
                name="audit_case_listed_idx",
            ),
            models.Index(fields=["kind", "action", "occurred_at"], name="audit_kind_idx"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} by {self.username or 'nobody'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit records are append-only; they cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit records are append-only; they cannot be deleted.")


class AuditChainHead(models.Model):
    """The chain's last sequence number and hash, in one row.

    Appending locks this row (SELECT ... FOR UPDATE on PostgreSQL), so records
    are chained one at a time even from many processes. It also lets
    verify_audit notice records cut off the end of the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self):
        return f"Audit chain head at #{self.seq}"
