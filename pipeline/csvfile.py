"""The CSV dialect of every table the project writes (through pipeline/tables.py): UTF-8, header row, "\\n" line
endings, and one rule against spreadsheet formula injection.

The rule (OWASP "CSV injection"): a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return
(after any apostrophes; their full-width and small forms too, "＝") could run as a formula when the file is opened in a spreadsheet, so it is written with one
more leading apostrophe, which spreadsheets show as text. Numbers ("-1.5", "+3") are written as they are. The
JSON files keep the raw text. `read_cell` undoes the rule exactly, so the stages read back what they wrote.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Iterable

_LIVE = re.compile(r"^'*[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _live(text: str) -> bool:
    """Could the cell start a formula? Full-width and small forms count ("＝", "﹢"): a spreadsheet may fold them."""
    folded = unicodedata.normalize("NFKC", text[:8]) + text[8:]
    return bool(_LIVE.match(folded)) and not _NUMBER.match(text)  # a number as written ("-²" is not "-2")


def safe_cell(text: str) -> str:
    """The cell as written: one more leading apostrophe when it could start a formula."""
    return "'" + text if _live(text) else text


def read_cell(text: str) -> str:
    """The cell as it was before safe_cell."""
    return text[1:] if text.startswith("'") and _live(text[1:]) else text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """The CSV file's text; every cell (already text) goes through safe_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(str(c)) for c in header])
    writer.writerows([safe_cell(str(c)) for c in row] for row in rows)
    return buffer.getvalue()

