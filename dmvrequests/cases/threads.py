"""Which case an email thread belongs to, across the channels that keep a case's email.

Email intake keeps what agencies send; the outbound journal keeps what staff sent them. A reply
names the messages it answers (In-Reply-To and References, RFC 5322 section 3.6.4), and the one
it answers may be in either channel. Each channel registers a source from its
AppConfig.ready(): `source(message_ids) -> {message_id: case_id}`; cases imports no channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dmvrequests.cases.models import DisclosureRequest

ThreadSource = Callable[[list[str]], dict[str, int]]
_SOURCES: list[ThreadSource] = []


def register_thread_source(source: ThreadSource) -> None:
    """Add a channel's lookup of message ids to case ids (idempotent)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def cases_of_message_ids(message_ids: Iterable[str]) -> dict[str, DisclosureRequest]:
    """{message_id: case} for the ids some channel kept on a case; the first source wins."""
    ids = [i for i in dict.fromkeys(message_ids) if i]
    found: dict[str, int] = {}
    if not ids:
        return {}
    for source in _SOURCES:
        for message_id, case_id in source(ids).items():
            found.setdefault(message_id, case_id)
    cases = DisclosureRequest.objects.in_bulk(set(found.values()))
    return {m: cases[c] for m, c in found.items() if c in cases}
