"""datasette plugin: the SQL function `threshold_lookup(description[, top])`, so threshold.sqlite's canned query
`lookup` answers as `threshold lookup` does (same understanding, ranking and "why").

Installed with the package (entry point `datasette` in pyproject.toml): `datasette threshold.sqlite -m
metadata.json` then loads it. The function returns the hits as a JSON array, one object per hit (framework, rank,
score, canonical_level, level_label, text, why, page, indicator_id) and one per framework with nothing relevant.
"""

from __future__ import annotations

import json
import sqlite3

from datasette import hookimpl

from pipeline.lookup import LookupError_, flat_rows, lookup_in


def threshold_lookup(path: str, description: str, top: int = 3) -> str:
    """The look-up of `description` on the database file at `path`, as a JSON array of rows."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return json.dumps(flat_rows(lookup_in(db, str(description or ""), top=max(1, int(top or 3)))),
                          ensure_ascii=False)
    except LookupError_ as exc:
        return json.dumps([{"why": str(exc)}])
    finally:
        db.close()


@hookimpl
def prepare_connection(conn, database, datasette):
    found = datasette.databases.get(database)  # datasette's internal databases have no file
    path = getattr(found, "path", None)
    if path:
        conn.create_function("threshold_lookup", 1, lambda text: threshold_lookup(path, text))
        conn.create_function("threshold_lookup", 2, lambda text, top: threshold_lookup(path, text, top))
