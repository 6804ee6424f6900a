"""The session store: Django's database sessions, saved in one statement.

`SESSION_SAVE_EVERY_REQUEST` (the idle timeout, docs/security.md) saves the session on
every signed-in page. Django's database store wraps each save in `transaction.atomic()`,
which inside a request's transaction costs a savepoint and its release around the one
`UPDATE`. An `UPDATE` of one row is atomic on its own, so an existing session is saved
here without the savepoint; a new session is created as Django does (its key must be
unique, and a clash is retried with another key). Same table, same signed data: changing
to this store signs nobody out.

A session that nothing changed is written at most once a minute (TOUCH_EVERY): the idle
clock in the database then runs from the last request to within a minute, and a page read
several times a minute costs no write (and no commit) for it.
"""

from datetime import UTC, datetime, timedelta

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from dmvrequests.prepared import PreparedQuery


def _stored_session(session_key, now):
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)[:1]


# Every page reads its session. No key is the probe's; no session expires in 1900.
STORED_SESSION = PreparedQuery(
    _stored_session, probes=["\x1fprobe-session-key", datetime(1900, 1, 1, tzinfo=UTC)]
)

# How stale the stored expiry of an unchanged session may be before a request renews it.
TOUCH_EVERY = timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    _stored_expiry = None  # the expire_date read with the session, when it was read

    def _get_session_from_db(self):
        """The stored session, unexpired, or None (and no key): Django's own lookup, its
        SQL compiled once (dmvrequests/prepared.py)."""
        stored = STORED_SESSION.first(self.session_key, timezone.now())
        if stored is None:
            self._session_key = None
        self._stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def save(self, must_create=False):
        """Save the session; `UpdateError` when an existing session is gone (as Django).
        Skipped when nothing in it changed and its stored expiry is less than TOUCH_EVERY
        older than the one this save would write."""
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        stored = self._stored_expiry
        if (
            not self.modified
            and stored is not None
            and self.get_expiry_date() - stored < TOUCH_EVERY
        ):
            return None
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
        self._stored_expiry = obj.expire_date
        return None
