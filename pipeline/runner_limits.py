"""Per-document limits for the extract stage (kept apart so the CLI can show defaults without heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-document limits. memory_mb is address space a worker may add on top of what it starts with.

    The defaults agree: extraction takes about 3.5 KB of address space and 0.12 ms per character of text
    (measured on dense ReportLab pages), so a document within max_chars fits in memory_mb and timeout_s with room
    to spare; max_pages bounds the sparse ones. stage_memory_mb bounds the normalise, compare and publish stages,
    which run in the main process."""

    max_mb: float = 200.0
    max_pages: int = 500
    max_chars: int = 400_000
    max_chars_per_page: int = 200_000
    max_depth: int = 200  # nesting of PDF objects reachable from a page (real files stay far below 50)
    max_objects: int = 1_000_000
    timeout_s: float = 120.0
    memory_mb: int = 2048
    max_html_mb: float = 20.0      # a saved web page larger than this is not a threshold page
    max_unzipped_mb: float = 200.0  # a Word document's parts, uncompressed (a zip bomb expands far beyond)
    max_zip_entries: int = 5000
    stage_memory_mb: int = 4096
    stage_timeout_s: float = 3600.0
