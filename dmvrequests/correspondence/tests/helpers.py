"""What the letter tests share.

Tests that read a PDF run everywhere, never skipped: where WeasyPrint's system
libraries are missing, they check the application's documented no-engine path instead
(the letter is issued whole without a PDF; the page says what to install; a batch opens
as one printable page). The `pdf_engine` fixture runs each of them twice: with the engine
as installed (CI installs it and sets DMV_REQUIRE_PDF=1, so there the PDF is checked), and
with its import failing, simulated, so the no-engine path is checked on every machine.
"""

import io
import sys

import pytest
from django.conf import settings

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.correspondence import pdf


def refreshed(case):
    return DisclosureRequest.objects.get(pk=case.pk)


@pytest.fixture(params=["engine as installed", "engine missing"])
def pdf_engine(request, monkeypatch, settings):
    """'present' or 'missing': the PDF engine as this machine has it, or its import failing
    (as where Pango is not installed: weasyprint's import raises)."""
    if request.param == "engine missing":
        settings.DMV_REQUIRE_PDF = False
        monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails
        pdf._weasyprint_error.cache_clear()
        request.addfinalizer(pdf._weasyprint_error.cache_clear)
    return "missing" if pdf.unavailable() else "present"


def engine_present():
    return not pdf.unavailable()


def _no_engine_expected():
    """A missing PDF is right only where the engine is missing and not required."""
    assert pdf.unavailable(), "No PDF was made although the PDF engine is installed."
    assert not settings.DMV_REQUIRE_PDF, "DMV_REQUIRE_PDF is on but no PDF was made."


def pdf_text(data):
    """The text of a PDF (pypdf), words separated by single spaces."""
    assert data, "No PDF was made: " + pdf.unavailable()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(bytes(data)))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def letter_text(letter):
    """What the letter as issued says: its PDF's text where the engine made one; where it
    is missing, the no-engine path is checked (the letter is kept whole, with its text and
    HTML and no PDF nor PDF hash) and the kept text is returned for the same checks."""
    if letter.pdf:
        assert len(letter.pdf_sha256) == 64
        return pdf_text(letter.pdf)
    _no_engine_expected()
    assert letter.text and letter.html and letter.pdf_sha256 == ""
    return " ".join(letter.text.split())


def document_text(response):
    """The text of a response that is a PDF where the engine is present; where it is
    missing, the page printed from the browser instead (HTML), checked as such."""
    if response.content_type == "application/pdf":
        return pdf_text(response.body)
    _no_engine_expected()
    assert response.content_type == "text/html"
    return " ".join(response.html.get_text(" ").split())
