"""PDF on letterhead with WeasyPrint (HTML and CSS to PDF).

WeasyPrint is a Python package, but it draws text with Pango, a system library
(Debian: libpango-1.0-0, libpangoft2-1.0-0, fonts; .ci/weasyprint.sh). Where those are
missing, `unavailable()` says what an administrator must install, the HTML view of
every letter still works, and letters are issued without a PDF; with
DMV_REQUIRE_PDF=1 (CI) a missing PDF engine is an error instead.
"""

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

INSTALL_HINT = (
    "PDF letters need WeasyPrint's system libraries, which this server does not have. "
    "An administrator installs them (on Debian or Ubuntu: apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0 fonts-dejavu-core; see docs/letters.md) and restarts the application. "
    "The letter itself is kept and can be read and printed from its page."
)


@functools.cache
def _weasyprint_error():
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def unavailable():
    """'' when PDFs can be made; otherwise what an administrator must do."""
    return INSTALL_HINT if _weasyprint_error() else ""


def render(html):
    """PDF bytes of a full HTML document, or b"" when the PDF engine is missing.

    Raises ImproperlyConfigured instead when settings.DMV_REQUIRE_PDF is on."""
    if _weasyprint_error():
        if getattr(settings, "DMV_REQUIRE_PDF", False):
            raise ImproperlyConfigured(f"DMV_REQUIRE_PDF is on but {_weasyprint_error()}")
        return b""
    import weasyprint

    # Letters are self-contained: no file or network access while rendering.
    return weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf()


def _refuse(url, *args, **kwargs):
    raise ValueError(f"Letters load nothing from outside ({url}).")
