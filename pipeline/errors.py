"""Errors that name a document and a plain reason; they never stop the other documents."""

from __future__ import annotations

import re

REASONS = {
    "not_pdf": "not a PDF",
    "not_a_file": "not a regular file",
    "corrupt": "truncated or corrupt {document}",
    "encrypted": "encrypted {document}",
    "no_pages": "the {document} has no pages",
    "no_text": "no text in the {document}",
    "no_indicators": "no indicator tables found",
    "no_levels": "no levels of need found (not a threshold document?)",
    "too_large": "too large",
    "timeout": "timed out",
    "memory": "ran out of memory",
    "error": "unexpected error",
}


# control characters (newlines, ESC sequences), line separators and bidirectional overrides
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """Text from outside (file names, PDF text, messages) made safe for one terminal line: control characters
    are shown escaped ("\\n", "\\x1b"), so a name cannot forge summary lines or drive the terminal."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


DOCUMENT_KINDS = {"pdf": "PDF", "docx": "Word document", "html": "web page"}
# where a reason reads differently for one kind of document
_KIND_REASONS = {("no_text", "pdf"): "no text layer (scanned?); OCR is not available"}


def reason_text(reason: str, kind: str | None = "pdf") -> str:
    """A reason in words, worded for the document's own format ('truncated or corrupt Word document')."""
    text = _KIND_REASONS.get((reason, kind)) or REASONS.get(reason, reason)
    return text.format(document=DOCUMENT_KINDS.get(kind or "", "document"))


class DocumentError(Exception):
    """A document that cannot be processed. `reason` is a key of REASONS; `detail` adds specifics; `kind` is the
    document's format (pdf, docx, html), when known, for the wording."""

    def __init__(self, reason: str, detail: str = "", kind: str | None = "pdf") -> None:
        self.reason = reason if reason in REASONS else "error"
        self.detail, self.kind = detail, kind
        text = reason_text(self.reason, kind) + (f": {detail}" if detail else "")
        super().__init__(text)


class InputFileError(ValueError):
    """An input or data file that cannot be used (the manifest, corrections, a data file): a usage error (exit
    status 2) whose message names the file."""
