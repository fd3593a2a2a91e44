"""Errors that name a document and a plain reason; they never stop the other documents."""

from __future__ import annotations

import re

REASONS = {
    "not_pdf": "not a PDF",
    "not_a_file": "not a regular file",
    "corrupt": "truncated or corrupt PDF",
    "encrypted": "encrypted PDF",
    "no_pages": "the PDF has no pages",
    "no_text": "no text layer (scanned?); OCR is not available",
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


class DocumentError(Exception):
    """A document that cannot be processed. `reason` is a key of REASONS; `detail` adds specifics."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason if reason in REASONS else "error"
        self.detail = detail
        text = REASONS[self.reason] + (f": {detail}" if detail else "")
        super().__init__(text)


class InputFileError(ValueError):
    """An input or data file that cannot be used (the manifest, corrections, a data file): a usage error (exit
    status 2) whose message names the file."""
