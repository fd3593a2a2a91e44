"""Checks that run before extraction, so a document that cannot be read fails fast with a plain reason.

`check_file` looks only at the bytes (size, kind of document, PDF header and end-of-file marker, a Word package's
size unpacked) and runs in the main process;
`check_pdf` opens the PDF (encryption, page tree, object nesting, text layer, page count) and runs in the
document's worker process, under its time and memory limits. Both raise pipeline.errors.DocumentError.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.extract.formats import sniff, sniff_head, zip_entries
from pipeline.runner_limits import Limits  # noqa: F401  (re-exported)

HEAD_BYTES = 1024  # the PDF header may follow a little junk; readers look this far
TAIL_BYTES = 2048  # "%%EOF" is looked for this far from the end


@dataclass
class PdfInfo:
    pages: int
    textless_pages: list[int] = field(default_factory=list)  # 1-based pages with no characters


def check_kind(path: Path) -> None:
    """A regular file (links followed): never a folder, a broken or looping link, a pipe or a device, which
    would be skipped without a word or block the run."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise DocumentError("not_a_file", f"a broken or looping link ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise DocumentError("not_a_file", kind)


def check_file(path: Path, limits: Limits) -> str:
    """Size, kind of document (from the content) and, for a PDF, header and end marker; for a Word document its
    package's size unpacked. Returns the kind: 'pdf', 'docx' or 'html'."""
    size = path.stat().st_size
    if size > limits.max_mb * 1024 * 1024:
        raise DocumentError("too_large", f"{size / 1024 / 1024:.1f} MB, the limit is {limits.max_mb:g} MB")
    if size == 0:
        raise DocumentError("not_pdf", "the file is empty")
    kind = sniff_head(path)
    if kind == "html" and size > limits.max_html_mb * 1024 * 1024:
        raise DocumentError("too_large", f"a web page of {size / 1024 / 1024:.1f} MB, the limit is "
                                         f"{limits.max_html_mb:g} MB", "html")
    if kind == "zip":  # count the parts from the end record before the package's directory is read at all
        declared = zip_entries(path)
        if declared is not None and declared > limits.max_zip_entries:
            raise DocumentError("too_large", f"{declared} parts in the package, the limit is "
                                             f"{limits.max_zip_entries}", "docx")
        kind = sniff(path)
    if kind == "docx":
        _check_package(path, limits)
    if kind != "pdf":
        if kind is None:
            raise DocumentError("not_pdf", f"not a PDF, Word document (.docx) or web page (starts with "
                                           f"{_head(path)!r})")
        return kind
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
        handle.seek(max(0, size - TAIL_BYTES))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise DocumentError("not_pdf", f"no PDF header (starts with {head[:8]!r})")
    if b"%%EOF" not in tail:
        raise DocumentError("corrupt", "the file ends without a %%EOF marker; truncated download?")
    return kind


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8)


def _check_package(path: Path, limits: Limits) -> None:
    """A Word document's zip: a bounded number of parts whose declared sizes stay within the limit (a zip bomb
    declares or expands to far more)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError("corrupt", f"not a readable Word package: {exc}", "docx") from None
    if len(entries) > limits.max_zip_entries:
        raise DocumentError("too_large", f"{len(entries)} parts in the Word package, the limit is "
                                         f"{limits.max_zip_entries}", "docx")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > limits.max_unzipped_mb * 1024 * 1024:
        raise DocumentError("too_large", f"the Word package unpacks to {unpacked / 1024 / 1024:.0f} MB, the "
                                         f"limit is {limits.max_unzipped_mb:g} MB (a zip bomb?)", "docx")


def check_document(path: Path, limits: Limits) -> str:
    """All the checks one document gets before it is read, in one process (`check_file`, then `check_pdf` for a
    PDF); returns its kind: 'pdf', 'docx' or 'html'. Raises DocumentError."""
    kind = check_file(path, limits)
    if kind == "pdf":
        check_pdf(path, limits)
    return kind


def check_pdf(path: Path, limits: Limits) -> PdfInfo:
    """Open the PDF: encryption, a readable page tree, sane nesting, page and character counts."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    with open(path, "rb") as handle:
        try:
            document = PDFDocument(PDFParser(handle), password="")
            pages = list(PDFPage.create_pages(document))
            declared = resolve1(resolve1(document.catalog.get("Pages")) or {}).get("Count")
        except RecursionError:
            raise DocumentError("corrupt", "objects nested too deeply to read") from None
        except Exception as exc:  # pdfminer raises many types for broken files
            raise classify(exc) from None
        if not pages:
            if isinstance(declared, int) and declared > 0:
                raise DocumentError("corrupt", f"broken page tree: it declares {declared} pages, none can be read")
            raise DocumentError("no_pages")
        if len(pages) > limits.max_pages:
            raise DocumentError("too_large", f"{len(pages)} pages, the limit is {limits.max_pages}")
        _check_nesting(pages, limits)
    return PdfInfo(pages=len(pages), textless_pages=_textless_pages(path, len(pages), limits))


def _check_nesting(pages: list, limits: Limits) -> None:
    """Breadth-first walk of each page's objects; refuse absurd depth (a recursion trap) or size."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream

    seen: set[int] = set()
    visited = 0
    for number, page in enumerate(pages, start=1):
        queue = deque((value, 1) for key, value in page.attrs.items() if key != "Parent")
        while queue:
            obj, depth = queue.popleft()
            visited += 1
            if depth > limits.max_depth:
                raise DocumentError("corrupt", f"objects on page {number} are nested more than "
                                               f"{limits.max_depth} levels deep")
            if visited > limits.max_objects:
                raise DocumentError("too_large", f"more than {limits.max_objects} objects reachable from the pages")
            if isinstance(obj, PDFObjRef):
                if obj.objid in seen:
                    continue
                seen.add(obj.objid)
                try:
                    obj = obj.resolve()
                except RecursionError:
                    raise DocumentError("corrupt", "objects nested too deeply to read") from None
                except Exception:  # an unreadable object: extraction decides whether it matters
                    continue
            if isinstance(obj, PDFStream):
                obj = obj.attrs
            if isinstance(obj, dict):
                queue.extend((value, depth + 1) for key, value in obj.items() if key != "Parent")
            elif isinstance(obj, (list, tuple)):
                queue.extend((value, depth + 1) for value in obj)


def _textless_pages(path: Path, n_pages: int, limits: Limits) -> list[int]:
    """Pages without any character (pdfium counts them fast); raise when no page has text."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except Exception:  # pdfium is stricter on some files; leave the judgement to extraction
        return []
    try:
        counts = []
        for index in range(min(len(document), n_pages)):
            page = document[index]
            textpage = page.get_textpage()
            counts.append(textpage.count_chars())
            textpage.close()
            page.close()
    except Exception:
        return []
    finally:
        document.close()
    for number, count in enumerate(counts, start=1):
        if count > limits.max_chars_per_page:
            raise DocumentError("too_large", f"page {number} has {count} characters, "
                                             f"the limit is {limits.max_chars_per_page}")
    if sum(counts) > limits.max_chars:
        raise DocumentError("too_large", f"{sum(counts)} characters, the limit is {limits.max_chars}")
    if counts and not any(counts):
        raise DocumentError("no_text")
    return [number for number, count in enumerate(counts, start=1) if count == 0]


def classify(exc: BaseException) -> DocumentError:
    """Map a PDF library's exception (or one it wraps) to a DocumentError with a plain reason."""
    if isinstance(exc, DocumentError):
        return exc
    chain, seen = [exc], set()
    while chain[-1] is not None and id(chain[-1]) not in seen:
        seen.add(id(chain[-1]))
        nxt = chain[-1].__cause__ or chain[-1].__context__
        if nxt is None:
            nxt = next((arg for arg in getattr(chain[-1], "args", ()) if isinstance(arg, BaseException)), None)
        chain.append(nxt)
    names = {type(e).__name__ for e in chain if e is not None}
    detail = next((str(e) for e in chain if e is not None and str(e)), type(exc).__name__)
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return DocumentError("encrypted", "a password is needed to open it")
    if "RecursionError" in names:
        return DocumentError("corrupt", "objects nested too deeply to read")
    if "MemoryError" in names:
        return DocumentError("memory")
    if names & {"PDFSyntaxError", "PSEOF", "PSSyntaxError", "PSException", "PDFNoValidXRef", "PDFException",
                "PDFObjectNotFound", "PDFTypeError", "PDFValueError", "MalformedPDFException", "PdfminerException",
                "PDFNotImplementedError", "error"}:
        return DocumentError("corrupt", detail[:200])
    return DocumentError("error", f"{type(exc).__name__}: {detail}"[:300])
