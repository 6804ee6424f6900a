"""The signed-in user in one query: the account, its roles and its agency officer, if any.

Django's `ModelBackend.get_user` reads the account alone; every page then asks for the
user's groups (`User.role_names`), whether the account is an agency officer's
(`dmvrequests.access`) and the user's office (the audit record of a read), one query each.
`SignedInUserBackend` reads them at once: the group names come as a JSON array from a
subquery, the office and the officer by joins, and they stay on the user for the request. Signing in, passwords and permissions are
`ModelBackend`'s own.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Aggregate, JSONField, OuterRef, Subquery

from dmvrequests.prepared import PreparedQuery

# The user's office (every audit record names it) and, for an agency officer's account, the
# officer with its agency and directory entry (agencies.selectors.officer_for_user).
JOINS = ("office", "officer__agency", "officer__requester")


class JSONArrayOf(Aggregate):
    """The values of a column as one JSON array (`["Clerk", "Counsel"]`), on SQLite and
    PostgreSQL; NULL over no row."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def group_names():
    """A subquery of the names of the outer user's groups, as a JSON array (or NULL)."""
    memberships = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"))
    names = memberships.order_by().values("user_id").annotate(names=JSONArrayOf("group__name"))
    return Subquery(names.values("names"))  # type: ignore[misc]  # an annotation, not a field


def signed_in_user(user_id):
    """The user `user_id` (at most one) with its JOINS and its roles' names."""
    users = get_user_model()._default_manager.select_related(*JOINS)
    return users.annotate(group_names_json=group_names()).filter(pk=user_id).order_by()[:1]


# Every page runs it: compiled once (dmvrequests/prepared.py). No account has a negative id.
SIGNED_IN_USER = PreparedQuery(signed_in_user, probes=[-7_301_000_001])


class SignedInUserBackend(ModelBackend):
    """`ModelBackend` whose `get_user` reads the roles and the officer with the account."""

    def get_user(self, user_id):
        """The active user `user_id` with `role_names` set, or None (as `ModelBackend`)."""
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = SIGNED_IN_USER.first(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        user.__dict__["role_names"] = frozenset(getattr(user, "group_names_json", None) or ())
        return user
