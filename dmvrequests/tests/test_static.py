"""Issue 13, item 11: the production `collectstatic` of the README works.

Production stores static files with whitenoise's manifest storage, which
rewrites every reference a CSS or JavaScript file makes (source maps and CSS
`url()`s) and fails when the file referred to is not shipped. This test checks
those references directly (collecting 2,600 files takes long; `.ci/run` runs
the real production `collectstatic` too).
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

SOURCE_MAP = re.compile(rb"[#@] sourceMappingURL=(\S+?)\s*(?:\*/)?\s*$", re.MULTILINE)
CSS_URL = re.compile(rb"""url\(\s*['"]?(?!['"]?(?:data:|https?:|//|#))([^'")]+)['"]?\s*\)""")


def static_files(*suffixes):
    for root in settings.STATICFILES_DIRS:
        for path in Path(root).rglob("*"):
            if path.suffix in suffixes and path.is_file():
                yield path


def missing_references(path, pattern):
    for match in pattern.finditer(path.read_bytes()):
        target = match.group(1).decode("utf-8", "replace")
        if target.startswith("data:"):
            continue
        relative = unquote(urlsplit(target).path)
        if relative and not (path.parent / relative).resolve().is_file():
            yield target


def test_every_source_map_named_is_shipped():
    missing = {
        str(path): list(missing_references(path, SOURCE_MAP))
        for path in static_files(".js", ".css")
    }
    missing = {name: targets for name, targets in missing.items() if targets}
    assert missing == {}


def test_every_file_a_stylesheet_names_is_shipped():
    checked = 0
    missing = {}
    for path in static_files(".css"):
        checked += 1
        targets = list(missing_references(path, CSS_URL))
        if targets:
            missing[str(path)] = targets
    assert checked > 0
    assert missing == {}
