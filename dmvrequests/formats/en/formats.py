"""A date and time shown without a format of its own (the administration site's lists and
read-only fields, `{{ value }}` of a datetime in a template) reads as every page writes one: in
the state's time zone with its abbreviation, on a 24-hour clock, "Dec 3, 2026 12:21 EST"
(timewords.moment_words), not Django's "Dec. 3, 2026, 12:21 p.m." that leaves the zone to be
guessed. A date alone reads as on the pages too, "Dec 17, 2026" (not "Dec. 17, 2026"). Django's
other English formats (input formats) are kept."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i T"
SHORT_DATETIME_FORMAT = "m/d/Y H:i T"
