"""timewords.moment_words: the state's time with its zone, with or without an active language
(a request, or a task or command that activated none)."""

from datetime import UTC, datetime

from django.utils import translation

from dmvrequests.timewords import moment_words

SUMMER = datetime(2026, 3, 15, 4, 30, tzinfo=UTC)  # after the change to daylight time
WINTER = datetime(2026, 12, 3, 17, 21, tzinfo=UTC)


def test_a_moment_reads_with_its_zone():
    assert moment_words(SUMMER) == "Mar 15, 2026 00:30 EDT"
    assert moment_words(WINTER) == "Dec 3, 2026 12:21 EST"


def test_the_same_with_no_language_active():
    with translation.override(None):
        assert moment_words(WINTER) == "Dec 3, 2026 12:21 EST"


def test_the_repeated_hour_keeps_its_zone():
    """Nov 1, 2026: 01:00 to 02:00 EDT, then 01:00 to 02:00 EST again."""
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert moment_words(first) == "Nov 1, 2026 01:30 EDT"
    assert moment_words(second) == "Nov 1, 2026 01:30 EST"
