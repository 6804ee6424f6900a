"""The session store: Django's database sessions, saved in one statement.

`SESSION_SAVE_EVERY_REQUEST` (the idle timeout, docs/security.md) saves the session on
every signed-in page. Django's database store wraps each save in `transaction.atomic()`,
which inside a request's transaction costs a savepoint and its release around the one
`UPDATE`. An `UPDATE` of one row is atomic on its own, so an existing session is saved
here without the savepoint; a new session is created as Django does (its key must be
unique, and a clash is retried with another key). Same table, same signed data: changing
to this store signs nobody out.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        """Save the session; `UpdateError` when an existing session is gone (as Django)."""
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())  # type: ignore[attr-defined]  # not in the stubs
        using = router.db_for_write(self.model, instance=obj)
        # A queryset's update: no row (the session was deleted meanwhile) is a count of 0,
        # not an error that would spoil the request's transaction.
        saved = (
            self.model._default_manager.using(using)
            .filter(session_key=obj.session_key)
            .update(session_data=obj.session_data, expire_date=obj.expire_date)
        )
        if not saved:
            raise UpdateError
