"""Parsing with limits: MIME parts, nesting depth and header fields counted WHILE parsing.

The bytes are fed in chunks to `email.parser.BytesFeedParser` (policy
`email.policy.default`) whose message factory counts every part it creates and
every header field it sets, and aborts the parse the moment a limit is crossed.
The limits are settings (INTAKE_MAX_MESSAGE_BYTES, INTAKE_MAX_MIME_PARTS,
INTAKE_MAX_MIME_DEPTH, INTAKE_MAX_HEADER_FIELDS) with defaults here.
"""

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesFeedParser

from django.conf import settings

from dmvrequests.mail.text import KB, MIB, human_size

DEFAULT_MAX_MESSAGE_BYTES = 40 * MIB
DEFAULT_MAX_MIME_PARTS = 100
DEFAULT_MAX_MIME_DEPTH = 10
DEFAULT_MAX_HEADER_FIELDS = 1000
# Bytes handed to the parser at a time: a limit is noticed within one chunk.
FEED_CHUNK = 64 * KB
MAX_HEADER_SECTION = MIB


@dataclass(frozen=True)
class Limits:
    message_bytes: int
    parts: int
    depth: int
    header_fields: int


def limits():
    """The limits in force: settings (INTAKE_MAX_MESSAGE_BYTES, INTAKE_MAX_MIME_PARTS,
    INTAKE_MAX_MIME_DEPTH, INTAKE_MAX_HEADER_FIELDS) override the defaults."""
    return Limits(
        getattr(settings, "INTAKE_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES),
        getattr(settings, "INTAKE_MAX_MIME_PARTS", DEFAULT_MAX_MIME_PARTS),
        getattr(settings, "INTAKE_MAX_MIME_DEPTH", DEFAULT_MAX_MIME_DEPTH),
        getattr(settings, "INTAKE_MAX_HEADER_FIELDS", DEFAULT_MAX_HEADER_FIELDS),
    )


class LimitExceeded(Exception):
    """A limit was crossed while parsing; the parse stops there."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


class _CountedMessage(EmailMessage):
    """An EmailMessage that tells its factory about every header field the parser sets."""

    def __init__(self, policy=None, counter=None):
        super().__init__(policy=policy)
        self._counter = counter

    def set_raw(self, name, value):
        if self._counter is not None:
            self._counter.header_field()
        super().set_raw(name, value)


class _LimitedFactory:
    """The parser's message factory: counts parts, depth and header fields as it goes."""

    def __init__(self, limits):
        self.limits = limits
        self.parser = None  # set once the parser exists (it calls us once to probe)
        self.parts = 0
        self.header_fields = 0
        self.active = True

    def __call__(self, policy=None):
        if self.parser is not None and self.active:
            self.parts += 1
            if self.parts > self.limits.parts:
                raise LimitExceeded(parts_problem(self.limits.parts))
            if len(self.parser._msgstack) + 1 > self.limits.depth:
                raise LimitExceeded(depth_problem(self.limits.depth))
        return _CountedMessage(policy=policy, counter=self)

    def header_field(self):
        if not self.active:
            return
        self.header_fields += 1
        if self.header_fields > self.limits.header_fields:
            raise LimitExceeded(header_problem(self.limits.header_fields))


def parse_bytes(raw, limits, *, headers_only=False):
    """(message, problem): the parsed tree, or the part parsed before a limit stopped it.

    The message is None only when not even the top header section was read.
    """
    factory = _LimitedFactory(limits)
    parser = BytesFeedParser(_factory=factory, policy=policy.default)
    factory.parser = parser
    if headers_only:
        parser._set_headersonly()  # type: ignore[attr-defined]  # the parser's own, untyped
    try:
        for start in range(0, len(raw), FEED_CHUNK):
            parser.feed(raw[start : start + FEED_CHUNK])
        message = parser.close()
    except LimitExceeded as exc:
        factory.active = False
        stack = parser._msgstack  # type: ignore[attr-defined]  # what was parsed so far
        return (stack[0] if stack else None), exc.problem
    factory.active = False
    return message, None


def size_problem(size, max_bytes):
    return (
        f"The message is {human_size(size)}; messages over {human_size(max_bytes)} are not "
        "read automatically (a limit an administrator sets)."
    )


def parts_problem(max_parts):
    return (
        f"The message has more than {max_parts} parts (texts and attachments) "
        "(a limit an administrator sets); it is not read automatically."
    )


def depth_problem(max_depth):
    return (
        f"The message's parts are packed inside one another more than {max_depth} levels deep "
        "(a limit an administrator sets); it is not read automatically."
    )


def header_problem(max_fields):
    return (
        f"The message has more than {max_fields} header lines "
        "(a limit an administrator sets); it is not read automatically."
    )


def header_section(raw):
    """The bytes up to the first empty line (RFC 5322 section 2.1), at most 1 MB."""
    head = raw[:MAX_HEADER_SECTION]
    match = re.search(rb"\r?\n\r?\n", head)
    return head[: match.end()] if match else head
