"""Which kind of document a file is, decided from its content (the file name's suffix is only a hint): a PDF,
a Word document (.docx) or a saved web page. A PDF named .html is read as a PDF; anything else is refused."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path


HEAD_BYTES = 1024


def sniff_head(path: Path) -> str | None:
    """From the first bytes only: 'pdf', 'zip' (a package, perhaps a Word document), 'html' or None."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # a page saved as UTF-16
        if head.startswith(bom):
            head = head[len(bom):].decode(codec, errors="ignore").encode("ascii", errors="ignore")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<!--", b"<head", b"<meta")) and b"<html" in text:
        return "html"
    return None


def zip_entries(path: Path) -> int | None:
    """The number of entries a zip package declares in its end record, read from its last bytes only (a package
    of millions of entries is not read whole to count them); 65535 for a ZIP64 package; None if there is none."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65_557))  # the end record (22 bytes) and the longest comment
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def sniff(path: Path) -> str | None:
    """'pdf', 'docx', 'html' or None."""
    kind = sniff_head(path)
    if kind != "zip":
        return kind
    try:
        with zipfile.ZipFile(path) as package:
            return "docx" if "word/document.xml" in package.namelist() else None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
