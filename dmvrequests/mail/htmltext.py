"""Plain text from an HTML email body. The HTML is read, never rendered.

A request's narrative must be text a clerk can read and the templates escape:
scripts, styles and markup are dropped, block elements become line breaks, and
entities are decoded. Links keep their address in brackets, since an agency's
"see attached order" link is part of what it asked.
"""

import re
from html.parser import HTMLParser

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# These start a new line but do not end a paragraph: list items stay on adjacent lines.
LINE_TAGS = frozenset({"br", "dd", "dt", "li", "tr"})
# Their content is never text for a reader.
SKIPPED_TAGS = frozenset({"head", "script", "style", "template", "title", "noscript"})


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self.skipping = 0
        self.link = None

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.chunks.append("\n")
        if tag == "li":
            self.chunks.append("- ")
        if tag == "a":
            self.link = dict(attrs).get("href") or None

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS and tag not in LINE_TAGS:
            self.chunks.append("\n")
        if tag == "a" and self.link:
            if self.link.startswith(("http://", "https://", "mailto:")):
                self.chunks.append(f" <{self.link}>")
            self.link = None

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = (line.strip() for line in "".join(collector.chunks).splitlines())
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
