"""The forms of a subject's name, plate and license number that search compares.

A person types a surname alone ("Gutierrez" for "María Gutiérrez López"), a
plate as it is painted or as the officer wrote it ("HXT-4821", "hxt 4821") and
a license number with or without its dashes. The case keeps what was entered
for display; these keys are stored beside it (DisclosureRequest.save) and
indexed, and the query is reduced the same way (selectors.requests_search).
"""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


def name_key(text):
    """Lowercase, without accents or punctuation, one space between words:
    "  María  Gutiérrez-López " -> "maria gutierrez lopez"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", plain).replace("_", " ").split())


def identifier_key(text):
    """Letters and digits only, in capitals: "hxt-4821", "HXT 4821" -> "HXT4821"."""
    decomposed = unicodedata.normalize("NFKD", text or "").upper()
    return _NOT_ALNUM.sub("", decomposed)


# Case field -> (its key field, the function that makes the key).
KEYED_FIELDS = {
    "subject_name": ("subject_name_key", name_key),
    "subject_plate": ("subject_plate_key", identifier_key),
    "subject_license_number": ("subject_license_key", identifier_key),
}


def search_keys(values):
    """The key fields for a mapping of case fields: {"subject_name": "Ana Ruiz"} ->
    {"subject_name_key": "ana ruiz"}. Fields not in the mapping are left out."""
    return {
        key_field: make_key(values[field])
        for field, (key_field, make_key) in KEYED_FIELDS.items()
        if field in values
    }
