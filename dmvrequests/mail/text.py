"""Text from mail as mail clients read it: charsets, header words, sizes and one-line text.

Charsets follow the WHATWG Encoding Standard (iso-8859-1 and us-ascii as
windows-1252, gb2312 and gbk as gb18030); an unknown charset is read as UTF-8
with replacement characters and a note. Nothing here raises on bad input.
"""

import codecs
import re

KB = 1024
MIB = 1024 * 1024
# Charsets as mail clients and browsers read them (WHATWG Encoding Standard): the
# label a sender writes is often wrong in the same few ways. Keys are the names
# codecs.lookup() gives.
CHARSET_READ_AS = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "euc_kr": "cp949",
}


def _c1_as_latin1(error):
    """windows-1252 leaves five bytes undefined; WHATWG reads them as the C1 code points."""
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("intake-c1", _c1_as_latin1)


def human_size(size):
    """Bytes in the units people read: '512 bytes', '100 KB', '1.5 MB' (1 KB = 1024 bytes)."""
    if size < KB:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    value, unit = (size / KB, "KB") if size < MIB else (size / MIB, "MB")
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
    return f"{text} {unit}"


def clean_text(value):
    """Text the database and templates accept.

    Undecodable header bytes reach us as surrogate escapes; they are UTF-8 far
    more often than not (RFC 6532), and databases refuse both them and NUL.
    """
    value = str(value)
    if re.search("[\ud800-\udfff]", value):
        try:
            value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "")


def one_line(value, max_length=None):
    text = " ".join(clean_text(value).split())
    if max_length and len(text) > max_length:
        text = text[: max_length - 1] + "…"
    return text


def domain_of(address):
    """The address's domain, lower case, in its ASCII (IDNA) form when it has one."""
    domain = address.rpartition("@")[2].strip().strip("[]").lower().rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def decode_text(payload: bytes, charset):
    """(text, note): bytes in a declared charset read as mail clients read them.

    No charset: UTF-8 when the bytes are UTF-8, else windows-1252. A charset
    Python does not know (or one that is not a text encoding, like "zlib") is
    read as UTF-8 with replacement characters, and the note says so.
    """
    label = (charset or "").strip().strip("\"'").lower()
    if not label:
        try:
            return payload.decode("utf-8"), None
        except UnicodeDecodeError:
            return payload.decode("cp1252", "intake-c1"), None
    try:
        info = codecs.lookup(label)
        if not info._is_text_encoding:
            raise LookupError(label)
    except LookupError:
        note = (
            f'declared the charset "{one_line(label, 60)}", which is not known; it was read as '
            'UTF-8, and characters that did not decode show as "\ufffd"'
        )
        return payload.decode("utf-8", "replace"), note
    codec = CHARSET_READ_AS.get(info.name, info.name)
    errors = "intake-c1" if codec == "cp1252" else "replace"
    try:
        return payload.decode(codec, errors), None
    except Exception:  # a codec that fails in its own way (utf-7, idna): read as UTF-8
        return payload.decode("utf-8", "replace"), None
