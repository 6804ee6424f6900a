"""Which legal form an attached PDF is, read from its text layer (pypdf).

No layer: it imports no app (only `vocabulary`), so email intake (the attachments it files),
the agency portal (its request form) and the API (its document response) all use it.

Clerks file documents by type, and the type decides what the policy engine
asks of a document: an ICE I-200 is an administrative warrant, signed by an
immigration officer, not a judicial warrant. A scan has no text layer and is
left to the clerk; a PDF made from the form has one, and its form number and
title say what it is.

The type found is only pre-filled: the document stays unverified, and the case
says "recognised as ..." so that the clerk confirms or corrects it; the portal
pre-selects it on the officer's form ("recognised as ... - check it") and never
overrides a type the officer chose. A text that
names forms of two different types (an I-862 that cites an I-200) is not
recognised.

Forms (US Department of Homeland Security):
- I-200 Warrant for Arrest of Alien, I-205 Warrant of Removal/Deportation:
  administrative warrants;
- I-247A Immigration Detainer - Notice of Action: a detainer;
- I-862 Notice to Appear;
- an administrative subpoena of DHS (ICE Form I-138, or a subpoena issued by the
  Department of Homeland Security that is not a court's or a grand jury's).
"""

import io
import logging
import re
from dataclasses import dataclass

from dmvrequests.vocabulary import LegalProcessType

# Enough for a form's header and title; a long PDF's later pages are not read.
MAX_PAGES = 3
MAX_TEXT = 50_000
# The most of an upload read to recognise it: a form's PDF is far smaller.
MAX_UPLOAD_READ = 20 * 1024 * 1024
TAIL = 4096

logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Recognition:
    type: str  # a LegalProcessType value
    form: str  # "I-200", "DHS administrative subpoena"
    evidence: str  # the words found

    @property
    def label(self):
        return f"{self.form}, filed as {LegalProcessType(self.type).label}"


def _form(number):
    return re.compile(rf"(?<![\w-])(?:form\s+)?{number}(?![\w-])", re.IGNORECASE)


# (form, type, form-number pattern, title pattern)
FORMS = (
    (
        "I-247A",
        LegalProcessType.DETAINER,
        _form(r"I-?247A"),
        re.compile(r"immigration\s+detainer\W+notice\s+of\s+action", re.IGNORECASE),
    ),
    (
        "I-205",
        LegalProcessType.ADMINISTRATIVE_WARRANT,
        _form(r"I-?205"),
        re.compile(r"warrant\s+of\s+removal(?:\s*/\s*deportation)?", re.IGNORECASE),
    ),
    (
        "I-200",
        LegalProcessType.ADMINISTRATIVE_WARRANT,
        _form(r"I-?200"),
        re.compile(r"warrant\s+for\s+arrest\s+of\s+(?:alien|noncitizen)", re.IGNORECASE),
    ),
    (
        "I-862",
        LegalProcessType.NOTICE_TO_APPEAR,
        _form(r"I-?862"),
        re.compile(r"notice\s+to\s+appear", re.IGNORECASE),
    ),
    (
        "DHS administrative subpoena",
        LegalProcessType.ADMINISTRATIVE_SUBPOENA,
        _form(r"I-?138"),
        None,  # the title is judged below: a subpoena of DHS, not of a court
    ),
)
SUBPOENA_RE = re.compile(r"\bsubpoena\b", re.IGNORECASE)
DHS_RE = re.compile(
    r"(?i:department\s+of\s+homeland\s+security|immigration\s+and\s+customs)|\bDHS\b"
)
COURT_RE = re.compile(r"grand\s+jury|district\s+court|superior\s+court|\bcourt\s+of\b", re.I)


def pdf_text(content: bytes) -> str:
    """The text layer of the first pages of a PDF, or "" (a scan, a broken file)."""
    # A PDF ends with its cross-reference pointer (ISO 32000-1 section 7.5.5); without one,
    # pypdf would rebuild the file by scanning all of it, which a form never needs.
    if not content.startswith(b"%PDF") or b"startxref" not in content[-TAIL:]:
        return ""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content), strict=False)
        chunks = []
        for page in reader.pages[:MAX_PAGES]:
            chunks.append(page.extract_text() or "")
            if sum(map(len, chunks)) > MAX_TEXT:
                break
        return " ".join(" ".join(chunks).split())[:MAX_TEXT]
    except Exception:  # a PDF we cannot read is simply not recognised
        return ""


def recognise_text(text: str) -> Recognition | None:
    """The one form the text names by number or title, or None (none, or several)."""
    found = {}
    for form, type_, number_re, title_re in FORMS:
        match = number_re.search(text) or (title_re.search(text) if title_re else None)
        if match:
            found[form] = Recognition(type_, form, " ".join(match.group(0).split()))
    if "DHS administrative subpoena" not in found:
        subpoena = SUBPOENA_RE.search(text)
        if subpoena and DHS_RE.search(text) and not COURT_RE.search(text):
            found["DHS administrative subpoena"] = Recognition(
                LegalProcessType.ADMINISTRATIVE_SUBPOENA,
                "DHS administrative subpoena",
                "Subpoena, Department of Homeland Security",
            )
    if len(found) == 1:
        return next(iter(found.values()))
    # I-200 and I-205 name each other on the same warrant form family: one type.
    types = {recognition.type for recognition in found.values()}
    if len(types) == 1 and found:
        return found[sorted(found)[0]]
    return None


def recognise(content: bytes | None) -> Recognition | None:
    """The form a document's bytes are, from the text layer of a PDF; None for no content,
    another format, a scan, or a text naming no form (or forms of several types)."""
    return recognise_text(pdf_text(content)) if content else None


def recognise_upload(upload) -> Recognition | None:
    """recognise() for an uploaded file (Django's UploadedFile), read from its start and put
    back there; only PDFs are read (a PDF's text layer is what is recognised), at most
    MAX_UPLOAD_READ bytes."""
    if upload is None:
        return None
    upload.seek(0)
    head = upload.read(5)
    if head != b"%PDF-":
        upload.seek(0)
        return None
    upload.seek(0)
    content = upload.read(MAX_UPLOAD_READ)
    upload.seek(0)
    return recognise(content)
