"""Which kind of document a file is, decided from its content (the file name's suffix is only a hint): a PDF,
a Word document (.docx) or a saved web page. A PDF named .html is read as a PDF; anything else is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path


HEAD_BYTES = 1024


def sniff(path: Path) -> str | None:
    """'pdf', 'docx', 'html' or None."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as package:
                return "docx" if "word/document.xml" in package.namelist() else None
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<!--", b"<head", b"<meta")) and b"<html" in head.lower():
        return "html"
    return None
