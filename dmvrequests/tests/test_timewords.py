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
