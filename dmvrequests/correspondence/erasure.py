"""Retention and redaction of issued letters: the letters' part of oversight's erasure.

An issued letter is never changed (models.py; on PostgreSQL a trigger refuses it), with one
sanctioned exception: when the case's retention period ends, or counsel order a redaction,
oversight (`oversight/erasure.py`) asks every retention participant to follow
(`cases/retention.py`), inside its transaction and `history_rewrite()`, the one switch the
trigger honours. This module is the letters' participant, registered in apps.py.

- **Retention** (`erase`): every letter of the case not yet erased loses its text, HTML, PDF,
  subject line, and for a subject notice the person's name and mailing address; its text
  becomes a sentence saying what was erased, when and under which rule. What stays: the
  letter's kind, language, dates, sender, how it was sent, and the SHA-256 of its text and PDF
  as issued.
- **Redaction** (`redact`): the exact text is replaced by oversight's marker in the letter's
  text, HTML, subject line and mailing address, and the PDF is made again from the redacted
  HTML (no PDF where the PDF engine is missing).

Each erasure leaves a `LetterErasure` tombstone: kind, rule or reason, who (no one for the
scheduled run), when, which fields, and the SHA-256 of the removed values (of the JSON object
{field: value as it was}, keys sorted, the PDF as its SHA-256), never the values.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import escape

from dmvrequests.cases.retention import RETENTION, ErasureOrder
from dmvrequests.correspondence import pdf
from dmvrequests.correspondence.models import (
    ErasureKind,
    Letter,
    LetterDispatch,
    LetterErasure,
    LetterKind,
)
from dmvrequests.correspondence.services import pdf_document

if TYPE_CHECKING:
    from dmvrequests.cases.models import DisclosureRequest

ERASED = "[erased]"
TEXT_FIELDS = ("subject", "recipient", "recipient_address", "text", "html")
# The one-line fields' lengths (models.Letter): a marker longer than the text is cut there.
MAX_LENGTHS = {"subject": 250, "recipient": 300}


def erased_sha256(before: dict[str, str]) -> str:
    """SHA-256 of {field: value} as JSON (keys sorted, UTF-8): the tombstone's fingerprint."""
    canonical = json.dumps(before, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def _snapshot(letter: Letter, fields: list[str]) -> dict[str, str]:
    values = {name: str(getattr(letter, name)) for name in fields if name != "pdf"}
    if "pdf" in fields:
        values["pdf"] = hashlib.sha256(bytes(letter.pdf or b"")).hexdigest()
    return values


def _tombstone(letter: Letter, order: ErasureOrder, before: dict[str, str]) -> LetterErasure:
    return LetterErasure.objects.create(
        letter=letter,
        kind=ErasureKind.RETENTION if order.kind == RETENTION else ErasureKind.REDACTION,
        rule=order.rule[:300],
        fields=sorted(before),
        erased_sha256=erased_sha256(before),
        erased_by=order.actor,
    )


class LetterParticipant:
    """The letters' RetentionParticipant (cases/retention.py)."""

    name = "letters"

    def holding(self, cases: QuerySet[DisclosureRequest]) -> QuerySet[Any, Any]:
        """Ids of `cases` with a letter not yet erased."""
        return Letter.objects.filter(case__in=cases, erased_at=None).values("case_id")

    def erase(self, case: DisclosureRequest, order: ErasureOrder) -> dict[str, int]:
        now = timezone.now()
        letters = list(Letter.objects.select_for_update().filter(case_id=case.pk, erased_at=None))
        for letter in letters:
            fields = ["subject", "recipient_address", "text", "html", "pdf"]
            if letter.kind == LetterKind.SUBJECT_NOTICE:
                fields.append("recipient")  # the person; an agency's officer stays
                # A notice's mailing was recorded with the person's name as its address.
                LetterDispatch.objects.filter(letter=letter).exclude(address="").update(
                    address=ERASED
                )
            before = _snapshot(letter, fields)
            sentence = (
                f"This {letter.get_kind_display().lower()} was erased on "
                f"{timezone.localtime(now):%Y-%m-%d}: {order.rule}. Its kind, language, dates, "
                "sending and the SHA-256 of its text and PDF as issued are kept."
            )
            letter.subject = f"{letter.get_kind_display()} ({case.number}), erased"
            letter.recipient_address = ""
            if "recipient" in fields:
                letter.recipient = ERASED
            letter.text, letter.html, letter.pdf = sentence, f"<p>{escape(sentence)}</p>", b""
            letter.erased_at = now
            letter.save(update_fields=[*fields, "erased_at"])
            _tombstone(letter, order, before)
        return {"letters": len(letters)}

    def redact(self, case: DisclosureRequest, order: ErasureOrder) -> dict[str, int]:
        text, marker = order.text, order.marker
        if not text:
            return {"letters": 0}
        found = Q()
        for name in TEXT_FIELDS:
            found |= Q(**{f"{name}__contains": text}) | Q(**{f"{name}__contains": escape(text)})
        candidates = Letter.objects.select_for_update().filter(found, case_id=case.pk)
        redacted = 0
        for letter in candidates:
            changed = _redacted_fields(letter, text, marker)
            if not changed:
                continue  # __contains ignores case on SQLite; the exact test is here
            before = _snapshot(letter, [*changed, "pdf"])
            for name, value in changed.items():
                setattr(letter, name, value)
            title = f"{case.number} · {letter.subject}"
            letter.pdf = pdf.render(pdf_document([letter], title=title)) if letter.pdf else b""
            letter.save(update_fields=[*changed, "pdf"])
            _tombstone(letter, order, before)
            redacted += 1
        return {"letters": redacted}


def _redacted_fields(letter: Letter, text: str, marker: str) -> dict[str, str]:
    changed = {}
    for name in TEXT_FIELDS:
        value = str(getattr(letter, name))
        if name == "html":
            new = value.replace(escape(text), escape(marker)).replace(text, escape(marker))
        else:
            new = value.replace(text, marker)
        if name in MAX_LENGTHS:
            new = new[: MAX_LENGTHS[name]]
        if new != value:
            changed[name] = new
    return changed
