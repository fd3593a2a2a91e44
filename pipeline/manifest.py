"""raw_docs/manifest.yaml: which document belongs to which framework, and where each came from.

A framework is a local scheme (one partnership's levels of need); a document is one PDF edition of it, so
several documents may share a framework id. The manifest lists documents:

    documents:
      - file: milton-keynes__level_grid__v1.pdf   # a file name inside the input folder (no folders)
        framework: milton-keynes                   # slug: lower-case letters, digits and hyphens
        authority: ...  partnership: ...  title: ...  published: "2022-10"
        source: ...  licence: ...  attribution: ...  sha256: <64 hex digits>

Every PDF in the folder is processed, listed or not: an unlisted PDF gets its framework id from its file name
(with a warning). Problems that make the manifest untrustworthy (bad names, duplicates, wrong types) raise
ManifestError; problems with the folder (a listed file is missing, a hash differs) are warnings.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from pipeline.errors import InputFileError
from pipeline.yaml_files import YamlFileError, load_yaml

MANIFEST_NAME = "manifest.yaml"
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm")  # read by content; the suffix picks the files
FIELDS = ("file", "framework", "authority", "partnership", "title", "published", "source", "licence",
          "attribution", "sha256")
# Optional analyst hints that steer extraction (see README, "Analyst hints"):
LAYOUTS = ("level_grid", "level_tables", "matrix", "domain_sections", "list", "transposed")
GROUPINGS = ("area+domain", "area", "domain", "none")
HINTS = ("levels", "layout", "grouping", "pages")
MAX_PAGE = 100_000
MAX_PAGE_PARTS = 200     # parts of a `pages` hint ("5-12, 14" has two)
MAX_LEVEL_HINTS = 12     # labels in a `levels` hint (documents print 1 to 6 levels)
MAX_LABEL_CHARS = 200    # characters in one hinted level label
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PUBLISHED = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class ManifestError(InputFileError):
    """The manifest cannot be trusted; the message names the file and the entry."""


@dataclass(frozen=True)
class Document:
    """One PDF to process, with its manifest metadata (empty strings where the manifest says nothing)."""

    file: str
    path: Path
    framework: str
    listed: bool
    authority: str = ""
    partnership: str = ""
    title: str = ""
    published: str = ""
    source: str = ""
    licence: str = ""
    attribution: str = ""
    sha256: str = ""  # as given in the manifest, for checking; the stage hashes the file itself
    hints: dict = field(default_factory=dict, compare=False)  # checked analyst hints (levels, layout, ...)

    def metadata(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELDS}


@dataclass
class Inventory:
    """The documents found in an input folder, in file-name order, plus what did not add up."""

    documents: list[Document]
    missing: list[str] = field(default_factory=list)  # listed in the manifest, not in the folder
    entries: dict[str, dict[str, str]] = field(default_factory=dict)  # the manifest, by file name
    warnings: list[str] = field(default_factory=list)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


MAX_SLUG = 80  # a framework id names files (frameworks/<id>.json) and starts every indicator id


def framework_from_filename(name: str) -> str:
    """Framework id for an unlisted PDF: slug of the file name, any "__suffix" dropped, at most MAX_SLUG long."""
    stem = Path(name).stem
    slug = slugify(stem.split("__", 1)[0]) or slugify(stem) or "unnamed"
    return slug[:MAX_SLUG].strip("-")


def safe_name(name: str) -> str:
    """A file name as text: a name that is not valid UTF-8 shows its bytes escaped (b"caf\\xe9.pdf" ->
    "caf\\xe9.pdf"), so it can be printed and written to JSON; the stage refuses such a document."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_documents(raw_docs: Path) -> list[Path]:
    """Entries named *.pdf, *.docx, *.html or *.htm (any case) directly in the folder, hidden ones ignored, sorted
    by name: folders, links and pipes too, so that the extract stage gives each a status rather than skip it
    silently."""
    return sorted(
        (p for p in Path(raw_docs).iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def _check_file_name(name: object, where: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ManifestError(f"{where}: 'file' must be a file name")
    bad = ("/" in name or "\\" in name or "\0" in name or name in (".", "..")
           or PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute())
    if bad:
        raise ManifestError(f"{where}: file {name!r} must be a plain file name inside the input folder "
                            "(no folders, no '..', no absolute paths)")
    if not name.lower().endswith(DOCUMENT_SUFFIXES):
        raise ManifestError(f"{where}: file {name!r} is not a document ({', '.join(DOCUMENT_SUFFIXES)})")
    return name


def _text(value: object, name: str, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (_dt.date, _dt.datetime)):
        value = value.isoformat()[:10]
    if isinstance(value, int) and name == "published":
        value = str(value)
    if not isinstance(value, str):
        raise ManifestError(f"{where}: {name!r} must be text, not {type(value).__name__}")
    return value.strip()


def _check_entry(raw: object, index: int, manifest: Path, warnings: list[str]) -> dict[str, str]:
    where = f"{manifest}: documents[{index}]"
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: each entry must be a mapping with at least 'file' and 'framework'")
    name = _check_file_name(raw.get("file"), where)
    where = f"{manifest}: entry for {name!r}"
    for key in raw:
        if key not in FIELDS and key not in HINTS:
            warnings.append(f"{where}: unknown field {key!r} ignored (known: {', '.join(FIELDS + HINTS)})")
    entry = {key: _text(raw.get(key), key, where) for key in FIELDS}
    entry["hints"] = _check_hints(raw, where)
    entry["file"] = name
    if not _SLUG.match(entry["framework"]):
        raise ManifestError(f"{where}: framework {entry['framework']!r} must be a slug such as 'milton-keynes' "
                            "(lower-case letters, digits, single hyphens)")
    entry["sha256"] = entry["sha256"].lower()
    if entry["sha256"] and not _SHA256.match(entry["sha256"]):
        raise ManifestError(f"{where}: sha256 must be 64 hexadecimal digits")
    if entry["published"] and not _real_date(entry["published"]):
        raise ManifestError(f"{where}: published {entry['published']!r} must be a date: YYYY, YYYY-MM or "
                            "YYYY-MM-DD")
    return entry


def _real_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real year, month or day."""
    if not _PUBLISHED.match(text):
        return False
    year, month, day = (list(map(int, text.split("-"))) + [1, 1])[:3]
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _check_hints(raw: dict, where: str) -> dict:
    """The entry's analyst hints, checked: levels (labels as printed, lowest need first), layout (a family
    name), grouping (area+domain | area | domain | none) and pages (e.g. "5-12, 14" or a list of numbers, kept as
    ranges)."""
    hints: dict = {}
    levels = raw.get("levels")
    if levels is not None:
        if not isinstance(levels, list) or not levels or not all(isinstance(v, str) and v.strip() for v in levels):
            raise ManifestError(f"{where}: 'levels' must be a list of the level labels as printed, lowest need first")
        if len(levels) > MAX_LEVEL_HINTS or any(len(v) > MAX_LABEL_CHARS for v in levels):
            raise ManifestError(f"{where}: 'levels' takes at most {MAX_LEVEL_HINTS} labels of at most "
                                f"{MAX_LABEL_CHARS} characters each")
        hints["levels"] = [v.strip() for v in levels]
    for key, allowed in (("layout", LAYOUTS), ("grouping", GROUPINGS)):
        value = raw.get(key)
        if value is not None:
            if value not in allowed:
                raise ManifestError(f"{where}: {key!r} must be one of {', '.join(allowed)} (got {value!r})")
            hints[key] = value
    if raw.get("pages") is not None:
        hints["pages"] = parse_pages(raw["pages"], where)
    return hints


def parse_pages(value: object, where: str) -> list[list[int]]:
    """'5-12, 14' or 7 or [5, 6, 7] -> sorted, merged ranges [[5, 12], [14, 14]]. Ranges stay ranges (a hint of
    "1-100000" costs two numbers, never a set of pages); at most MAX_PAGE_PARTS parts."""
    parts = value if isinstance(value, list) else str(value).split(",")
    if len(parts) > MAX_PAGE_PARTS:
        raise ManifestError(f"{where}: 'pages' has {len(parts)} parts, the limit is {MAX_PAGE_PARTS}")
    ranges: list[list[int]] = []
    for part in parts:
        text = str(part).strip()[:40]
        m = re.fullmatch(r"(\d{1,6})(?:\s*-\s*(\d{1,6}))?", text)
        first, last = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, 0)
        if not m or isinstance(part, bool) or not 1 <= first <= last <= MAX_PAGE:
            raise ManifestError(f"{where}: 'pages' must be page numbers or ranges such as \"5-12, 14\" "
                                f"(got {text!r})")
        ranges.append([first, last])
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return merged


def pages_in(ranges: list[list[int]], n_pages: int) -> set[int]:
    """The hinted pages a document of n_pages has (never more than n_pages numbers)."""
    return {page for first, last in ranges for page in range(first, min(last, n_pages) + 1)}


def load_manifest(raw_docs: Path, warnings: list[str] | None = None) -> dict[str, dict[str, str]]:
    """Entries of raw_docs/manifest.yaml keyed by file name ({} when there is no manifest)."""
    manifest = Path(raw_docs) / MANIFEST_NAME
    if not os.path.lexists(manifest):
        return {}
    warnings = [] if warnings is None else warnings
    try:
        data = load_yaml(manifest, inside=raw_docs)
    except YamlFileError as exc:
        raise ManifestError(str(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        raise ManifestError(f"{manifest}: expected a mapping with a 'documents' list")
    entries: dict[str, dict[str, str]] = {}
    for index, raw in enumerate(data.get("documents") or []):
        entry = _check_entry(raw, index, manifest, warnings)
        if entry["file"] in entries:
            raise ManifestError(f"{manifest}: {entry['file']!r} is listed more than once")
        entries[entry["file"]] = entry
    return entries


def inventory(raw_docs: Path, *, check_hashes: bool = True) -> Inventory:
    """Every PDF in `raw_docs` with its framework and metadata; warnings for what does not match the manifest."""
    raw_docs = Path(raw_docs)
    if not raw_docs.is_dir():
        raise ManifestError(f"{raw_docs}: input folder not found")
    warnings: list[str] = []
    entries = load_manifest(raw_docs, warnings)
    documents = []
    for path in list_documents(raw_docs):
        entry, name = entries.get(path.name), safe_name(path.name)
        if entry is None:
            framework = framework_from_filename(name)
            warnings.append(f"{name}: not in {MANIFEST_NAME}; framework id {framework!r} taken from the file name")
            documents.append(Document(file=name, path=path, framework=framework, listed=False))
            continue
        fields = {k: v for k, v in entry.items() if k != "file"}  # metadata and hints
        documents.append(Document(file=path.name, path=path, listed=True, **fields))
        if check_hashes and entry["sha256"] and path.is_file() and sha256_file(path) != entry["sha256"]:
            warnings.append(f"{path.name}: sha256 differs from {MANIFEST_NAME} (the file changed? update the entry)")
    if not documents:
        warnings.append(f"{raw_docs}: no PDF files found")
    found = {d.file for d in documents}
    missing = sorted(name for name in entries if name not in found)
    for name in missing:
        warnings.append(f"{name}: listed in {MANIFEST_NAME} but not found in {raw_docs}")
    return Inventory(documents=documents, missing=missing, warnings=warnings, entries=entries)
