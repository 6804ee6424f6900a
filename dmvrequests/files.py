"""What a stored legal document is, judged by its bytes, never by its name.

Pure helpers shared by the case services and email intake (no layer: it imports no app).
"""

import hashlib
import re
import unicodedata

# Magic numbers of the document formats we accept.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
ACCEPTED_DESCRIPTION = "PDF, PNG, JPEG or TIFF"


def sniff_content_type(head: bytes):
    """The content type the leading bytes prove, or None when not an accepted format."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def sha256_of(chunks):
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def safe_filename(name, *, fallback="document"):
    """A display name with no path, control characters or shell-hostile characters."""
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" ._")
    return (name or fallback)[:200]
