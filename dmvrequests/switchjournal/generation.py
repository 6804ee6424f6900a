"""The journal's generation (models.JournalGeneration): what the cached figures of the Network
queries section are keyed by (figurecache.py; docs/network-queries.md, "Scale").

Every writer of the journal, its rollups and bursts, and of the directory the figures name,
calls `bump()` after its change (last in its transaction, or once it is committed; never
before the change, which would let a page cache the old figures under the new token):
services (import batches, matching, attribution, retention), fastimport (the fast path's
batches, the undoing of its matches), bursts, rollups.rebuild, and receivers (the directory's
signal; agencies, ORI blocks and block list versions saved or deleted, once committed).
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from dmvrequests.switchjournal.models import JournalGeneration

ROW = 1


def bump() -> str:
    """Give the journal a new generation (one UPDATE; the row made when missing, as after a
    test's flush). Returns the new token."""
    token = uuid.uuid4().hex
    now = timezone.now()
    if not JournalGeneration.objects.filter(pk=ROW).update(token=token, changed_at=now):
        JournalGeneration.objects.update_or_create(
            pk=ROW, defaults={"token": token, "changed_at": now}
        )
    return token


def current() -> str:
    """The current generation's token ("" before the first change)."""
    found = JournalGeneration.objects.filter(pk=ROW).values_list("token", flat=True).first()
    return found or ""
