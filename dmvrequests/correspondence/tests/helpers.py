"""What the letter tests share."""

import io
import os

import pytest

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.correspondence import pdf


def refreshed(case):
    return DisclosureRequest.objects.get(pk=case.pk)


def pdf_text(data):
    """The text of a PDF (pypdf); the test is skipped where no PDF can be made, unless
    DMV_REQUIRE_PDF=1 (CI), where a missing PDF fails."""
    if not data:
        if os.environ.get("DMV_REQUIRE_PDF") in ("1", "true", "yes", "on"):
            pytest.fail("DMV_REQUIRE_PDF is set but no PDF was made: " + pdf.unavailable())
        pytest.skip("No PDF engine on this machine: " + pdf.unavailable())
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(bytes(data)))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
