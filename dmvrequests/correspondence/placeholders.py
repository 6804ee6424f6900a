"""Placeholders in a letter's text, `{name}`, checked and filled in.

A template's text is plain text, never a Django template: an administrator's words
cannot reach code or data beyond the values below. A value is a string or a list
of strings (a list prints one "- item" line per item, or its `empty` words).
"""

import re
from dataclasses import dataclass

from django.utils.html import escape

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

PLACEHOLDERS = {
    "dmv_name": "The department's name (DMV_NAME).",
    "office": "The office sending the letter.",
    "date": "The date the letter is issued.",
    "case_number": "The case number, e.g. DR-2026-000012.",
    "received_date": "When the request was received.",
    "decision_due": "The date the decision is due.",
    "agency": "The agency that asked.",
    "requester": "The person at the agency who asked.",
    "subject_name": "The person whose records were asked for.",
    "categories_asked": "The records asked for (a list).",
    "categories_released": "The records released (a list).",
    "categories_withheld": "The records not released, each with why and the law (a list).",
    "decision": "Counsel's decision in words.",
    "reasons": "Each reason for a denial in words with its citation (a list).",
    "process_needed": "What legal process would be needed, where the law says so.",
    "question": "What the agency must send (the open question to the agency).",
    "profile_citation": "The state law of the active policy profile.",
    "notice_rule": "The provision that requires the subject notice.",
    "legal_aid": "The office's legal-aid resources (a list).",
}


class UnknownPlaceholders(ValueError):
    """The text names placeholders that do not exist."""

    def __init__(self, names):
        self.names = names
        listed = ", ".join("{" + n + "}" for n in names)
        super().__init__(
            f"Unknown placeholder{'s' if len(names) > 1 else ''} {listed}: use only the "
            "placeholders listed beside the form, spelled exactly as shown, in braces."
        )


def unknown_placeholders(*texts):
    """Names between braces in `texts` that are not placeholders, in order, once each."""
    found = []
    for text in texts:
        for name in PLACEHOLDER.findall(text or ""):
            if name not in PLACEHOLDERS and name not in found:
                found.append(name)
    return found


def check(*texts):
    """Raise UnknownPlaceholders naming every unknown placeholder of `texts`."""
    names = unknown_placeholders(*texts)
    if names:
        raise UnknownPlaceholders(names)


@dataclass(frozen=True)
class ListValue:
    items: tuple
    empty: str = "None."

    def lines(self):
        return [f"- {item}" for item in self.items] or [self.empty]


def _fill_line(line, values):
    """One line with its placeholders filled; a line that is only a list placeholder
    becomes the list's lines."""
    whole = PLACEHOLDER.fullmatch(line.strip())
    if whole and isinstance(values.get(whole[1]), ListValue):
        return values[whole[1]].lines()

    def one(match):
        value = values.get(match[1], "")
        if isinstance(value, ListValue):
            return "; ".join(value.items) or value.empty
        return str(value)

    return [PLACEHOLDER.sub(one, line)]


def fill(text, values):
    """The text with every placeholder replaced by its value (unknown ones: empty)."""
    lines = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        lines.extend(_fill_line(line, values))
    filled = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", filled).strip() + "\n"


def to_html(text):
    """Plain letter text as HTML: paragraphs at blank lines, "- " lines as a list,
    other line breaks kept. Everything escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        items = [line for line in lines if line.startswith("- ")]
        head = [line for line in lines if not line.startswith("- ")]
        html = ""
        if head:
            html += "<p>" + "<br>".join(escape(line) for line in head) + "</p>"
        if items:
            html += "<ul>" + "".join(f"<li>{escape(i[2:])}</li>" for i in items) + "</ul>"
        blocks.append(html)
    return "\n".join(blocks)
