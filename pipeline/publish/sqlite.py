"""The release as one SQLite database (`threshold.sqlite`) and datasette's `metadata.json` beside it.

    write_sqlite(tables, folder) -> folder/threshold.sqlite
    write_datasette_metadata(tables, folder) -> folder/metadata.json

Every published table becomes a STRICT table with the column types of its Table Schema (integer -> INTEGER,
number -> REAL, boolean -> INTEGER 0/1, string -> TEXT; list columns stay ";"-joined TEXT as in the CSV), NOT NULL
for required columns, its primary key, its foreign keys (plus, for the comparison tables, a foreign key on every
column holding one indicator id, framework, document or theme, so datasette links them) and an index on every
foreign key. `indicators_fts` is an FTS5 index (porter stemming) over each indicator's text, normalised text,
theme labels and printed area/domain; its rowid is the indicator's rowid. Views join what analysts want in one row
(`indicator_details`, `current_indicators`, `theme_framework_levels`).

The file is byte-stable: tables, rows and index entries are written in a fixed order in one transaction, nothing
records a time or a path, and the file is VACUUMed at the end (same SQLite library, same inputs -> same bytes).
It is written under a temporary name and renamed into place.

`python -m pipeline.publish.sqlite OUT` (re)builds both files for an already published release in OUT's
.cache/sqlite/ (the top of OUT belongs to the publish stage); `release_tables(folder)` reads a release back as
Table objects.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping

from pipeline.schema import Field, TableSpec, load_dataset, load_specs
from pipeline.vocab import LEVEL_NAMES

SQLITE_NAME = "threshold.sqlite"
METADATA_NAME = "metadata.json"
DATABASE = Path(SQLITE_NAME).stem  # datasette names a database after its file
FTS_TABLE = "indicators_fts"
FTS_COLUMNS = ("text", "text_normalised", "themes", "grouping")
TOKENIZER = "porter unicode61 remove_diacritics 2"
_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
# comparison-table columns that hold one id of another table (documented as such in tables.yaml's compare_fields)
_REFERENCES = {
    "framework": ("frameworks", "framework"), "match_framework": ("frameworks", "framework"),
    "framework_a": ("frameworks", "framework"), "framework_b": ("frameworks", "framework"),
    "document": ("documents", "document"), "match_document": ("documents", "document"),
    "document_a": ("documents", "document"), "document_b": ("documents", "document"),
    "theme": ("themes", "theme"),
}


class SqliteExportError(RuntimeError):
    """The tables could not be written to SQLite (a duplicate key, a value of the wrong type)."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------- schema

def _foreign_keys(spec: TableSpec, names: set[str]) -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """(columns, table, referenced columns): the Table Schema's keys, then (comparison tables) id columns."""
    keys = [(tuple(fk["fields"]), fk["resource"], tuple(fk["reference"])) for fk in spec.foreign_keys
            if fk["resource"] in names]
    if spec.stage == "compare":
        for f in spec.fields:
            if f.list:
                continue
            target = ("indicators", "indicator_id") if f.indicator_ref else _REFERENCES.get(f.name)
            if target and target[0] in names and target[0] != spec.name:
                keys.append(((f.name,), target[0], (target[1],)))
    seen, out = set(), []
    for key in keys:
        if key[0] not in seen:
            seen.add(key[0])
            out.append(key)
    return out


def _column(f: Field) -> str:
    sql = f"{_q(f.name)} {_SQL_TYPES[f.type]}"
    if f.required:
        sql += " NOT NULL"
    if f.type == "boolean":
        sql += f" CHECK ({_q(f.name)} IN (0, 1))"
    return sql


def create_table_sql(spec: TableSpec, names: set[str]) -> str:
    parts = [_column(f) for f in spec.fields]
    if spec.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(map(_q, spec.primary_key))})")
    for cols, table, ref in _foreign_keys(spec, names):
        parts.append(f"FOREIGN KEY ({', '.join(map(_q, cols))}) REFERENCES {_q(table)} ({', '.join(map(_q, ref))})")
    body = ",\n  ".join(parts)
    return f"CREATE TABLE {_q(spec.name)} (\n  {body}\n) STRICT"


def index_sql(spec: TableSpec, names: set[str]) -> list[str]:
    """An index on every foreign key (unless the primary key starts with it) and on the usual filters."""
    wanted: list[tuple[str, ...]] = [cols for cols, _, _ in _foreign_keys(spec, names)]
    extra = {"indicators": [("framework", "canonical_level"), ("document", "seq")],
             "indicator_themes": [("theme", "canonical_level")]}
    wanted += [cols for cols in extra.get(spec.name, []) if set(cols) <= set(spec.columns)]
    out, seen = [], set()
    for cols in wanted:
        if cols in seen or tuple(spec.primary_key[:len(cols)]) == cols:
            continue
        seen.add(cols)
        name = f"idx_{spec.name}_{'_'.join(cols)}"
        out.append(f"CREATE INDEX {_q(name)} ON {_q(spec.name)} ({', '.join(map(_q, cols))})")
    return out


def _value(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if f.type == "boolean":
        return 1 if value else 0
    if f.type == "number":
        return float(value)
    return value


# --------------------------------------------------------------------------------------------- views

def _views(specs: Mapping[str, TableSpec]) -> list[tuple[str, str, str]]:
    """(name, description, CREATE VIEW) for the views whose tables are in this release."""
    if not {"indicators", "frameworks", "documents", "levels"} <= set(specs):
        return []
    ind = set(specs["indicators"].columns)
    has_themes = {"indicator_themes", "themes"} <= set(specs)

    def col(name: str, alias: str | None = None, table: str = "i") -> str | None:
        if table == "i" and name not in ind:
            return None
        return f"{table}.{_q(name)}" + (f" AS {_q(alias)}" if alias else "")

    def theme_list(protective: int) -> str:
        return ("(SELECT group_concat(label, '; ') FROM (SELECT t.label FROM indicator_themes it "
                "JOIN themes t ON t.theme = it.theme WHERE it.indicator_id = i.indicator_id "
                f"AND it.protective = {protective} ORDER BY t.label))")

    level_name = "CASE i.canonical_level " + " ".join(f"WHEN {k} THEN '{v}'" for k, v in LEVEL_NAMES.items()) + " END"
    columns = [
        col("indicator_id"), col("framework"), "f.authority", "f.partnership", col("document"),
        "d.title AS document_title", "d.published", col("level_rank"), col("level_label"),
        "l.description AS level_description", col("canonical_level"), f"{level_name} AS canonical_level_name",
        col("area"), col("domain"), col("canonical_area"), col("canonical_dimensions"), col("text"),
        f"{theme_list(0)} AS themes" if has_themes else col("themes"),
        f"{theme_list(1)} AS protective_themes" if has_themes else col("protective_themes"),
        col("severity"), col("frequency"), col("age_condition"), col("page"), col("locator"),
        col("bbox_x0"), col("bbox_top"), col("bbox_x1"), col("bbox_bottom"),
        "d.sha256 AS document_sha256", "d.source", "d.licence", "d.attribution",
        "(f.document = i.document) AS current_document",
    ]
    select = ",\n  ".join(c for c in columns if c)
    details = (f"CREATE VIEW indicator_details AS SELECT\n  {select}\nFROM indicators i\n"
               "JOIN frameworks f ON f.framework = i.framework\nJOIN documents d ON d.document = i.document\n"
               "LEFT JOIN levels l ON l.document = i.document AND l.level_rank = i.level_rank")
    current = ("CREATE VIEW current_indicators AS SELECT * FROM indicator_details WHERE current_document = 1")
    views = [
        ("indicator_details", "One row per indicator with its framework, document, level (label, description, "
         "canonical level), area and domain, theme labels and provenance (file, page or locator, box, hash, source, "
         "licence).", details),
        ("current_indicators", "indicator_details restricted to each framework's current document (the one the "
         "frameworks table names): one edition per framework, as `threshold lookup` searches.", current),
    ]
    if has_themes:
        spread = ("CREATE VIEW theme_framework_levels AS SELECT\n  it.theme, t.label, it.framework,\n"
                  "  min(it.canonical_level) AS min_level, max(it.canonical_level) AS max_level,\n"
                  "  (SELECT group_concat(canonical_level, ';') FROM (SELECT DISTINCT x.canonical_level FROM "
                  "indicator_themes x JOIN indicators y ON y.indicator_id = x.indicator_id JOIN frameworks z ON "
                  "z.framework = y.framework AND z.document = y.document WHERE x.theme = it.theme AND "
                  "x.framework = it.framework AND x.protective = 0 AND x.canonical_level IS NOT NULL "
                  "ORDER BY x.canonical_level)) AS levels,\n"
                  "  count(*) AS indicators\nFROM indicator_themes it\n"
                  "JOIN indicators i ON i.indicator_id = it.indicator_id\n"
                  "JOIN frameworks f ON f.framework = i.framework AND f.document = i.document\n"
                  "JOIN themes t ON t.theme = it.theme\nWHERE it.protective = 0\nGROUP BY it.theme, it.framework")
        views.append(("theme_framework_levels", "Per theme and framework (current document), the canonical levels "
                      "at which its indicators raise the theme as a concern: lowest, highest, all, and how many "
                      "indicators.", spread))
    return views


# --------------------------------------------------------------------------------------------- writing

def _fts_rows(tables: Mapping[str, Any]) -> Iterable[tuple]:
    """(rowid, text, text_normalised, theme labels, area + domain) per indicator, in the indicators' order."""
    labels = {}
    if "themes" in tables:
        labels = {r["theme"]: r.get("label") or r["theme"] for r in tables["themes"].rows}
    for rowid, row in enumerate(tables["indicators"].rows, start=1):
        themes = [t for t in str(row.get("themes") or "").split(";") if t.strip()]
        protective = {t for t in str(row.get("protective_themes") or "").split(";") if t.strip()}
        words = "; ".join(labels.get(t.strip(), t.strip()) for t in themes if t.strip() not in protective)
        grouping = " / ".join(str(row[k]) for k in ("area", "domain") if row.get(k))
        yield rowid, row.get("text") or "", row.get("text_normalised") or "", words, grouping


def _write(db: sqlite3.Connection, tables: Mapping[str, Any], strict: bool) -> list[str]:
    specs = {name: t.spec for name, t in tables.items()}
    names = set(specs)
    db.execute("PRAGMA page_size = 4096")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    problems: list[str] = []
    for name, table in tables.items():
        spec = specs[name]
        db.execute(create_table_sql(spec, names))
        marks = ", ".join("?" for _ in spec.fields)
        sql = f"INSERT {'' if strict else 'OR IGNORE '}INTO {_q(name)} VALUES ({marks})"
        try:
            db.executemany(sql, ([_value(f, row.get(f.name)) for f in spec.fields] for row in table.rows))
        except sqlite3.Error as exc:
            raise SqliteExportError(f"{SQLITE_NAME}: table {name}: {exc}") from None
        kept = db.execute(f"SELECT count(*) FROM {_q(name)}").fetchone()[0]
        if kept != len(table.rows):
            problems.append(f"table {name}: {len(table.rows) - kept} row(s) break its primary key or a required "
                            f"column and were left out")
        for statement in index_sql(spec, names):
            db.execute(statement)
    if "indicators" in tables:
        cols = ", ".join(FTS_COLUMNS)
        db.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({cols}, tokenize = '{TOKENIZER}')")
        db.executemany(f"INSERT INTO {FTS_TABLE} (rowid, {cols}) VALUES (?, ?, ?, ?, ?)", _fts_rows(tables))
        db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
    for _, _, statement in _views(specs):
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {int(load_dataset().get('schema_major', 1))}")
    db.execute("COMMIT")
    dangling = db.execute("PRAGMA foreign_key_check").fetchall()
    if dangling:
        table, rowid, parent, _ = dangling[0]
        problems.append(f"{len(dangling)} row(s) refer to missing rows, e.g. {table} row {rowid} -> {parent}")
    if problems and strict:
        raise SqliteExportError(f"{SQLITE_NAME}: " + "; ".join(problems))
    db.execute("VACUUM")
    return problems


def write_sqlite(tables: Mapping[str, Any], folder: Path, *, strict: bool = False) -> Path:
    """Write folder/threshold.sqlite from the release's tables (name -> Table with .spec and typed .rows, in
    publishing order). Atomic (temporary file, then rename).

    Data that break a key (a duplicate id, an empty required column, a dangling reference) are the validation
    gate's to refuse, with its own message: by default the rows that cannot be stored are left out with a warning
    on stderr (the gate then refuses the release); strict=True raises SqliteExportError instead."""
    folder = Path(folder)
    target = folder / SQLITE_NAME
    tmp = folder / f".{SQLITE_NAME}.tmp"
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp, isolation_level=None)
    try:
        problems = _write(db, tables, strict)
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)
        raise
    db.close()
    for problem in problems:
        print(f"publish: {SQLITE_NAME}: {problem}", file=sys.stderr)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------------------------- datasette

def datasette_metadata(tables: Mapping[str, Any]) -> dict:
    """datasette's metadata: dataset title, description, licence and source; per table its title, description,
    column descriptions (from the Table Schema), and full-text search on indicators; canned queries."""
    dataset = load_dataset()
    licence = (dataset.get("licenses") or [{}])[0]
    documents = tables["documents"].rows if "documents" in tables else []
    source = ("English local safeguarding partnerships' threshold documents (" + str(len(documents)) +
              " documents; each one's source, licence and attribution are in the documents table)")
    meta_tables: dict[str, dict] = {}
    for name, table in tables.items():
        spec = table.spec
        entry: dict[str, Any] = {"title": spec.title, "description": spec.description,
                                 "columns": {f.name: f.description for f in spec.fields if f.description}}
        if name == "indicators":
            entry.update(fts_table=FTS_TABLE, fts_pk="rowid", label_column="text", sort="indicator_id")
        meta_tables[name] = entry
    if "indicators" in tables:
        meta_tables[FTS_TABLE] = {"title": "Indicator full-text index", "hidden": True,
                                  "description": "FTS5 (porter stemming) over indicators.text, text_normalised, "
                                                 "theme labels and area / domain; rowid = indicators.rowid."}
    specs = {name: t.spec for name, t in tables.items()}
    for name, description, _ in _views(specs):
        meta_tables[name] = {"title": name.replace("_", " ").capitalize(), "description": description}
    queries = {}
    if "indicators" in tables and "frameworks" in tables:
        queries["lookup"] = {
            "title": "Which level, where? A practitioner's description, per framework",
            "description": "The closest indicators to a description in everyday words (\"mum drinks every "
                           "night\"), per framework's current document, each with why it matched - the answers "
                           "of `threshold lookup` (needs the package's datasette plugin, installed with it).",
            "sql": ("SELECT json_extract(value, '$.framework') AS framework, json_extract(value, '$.rank') AS rank,\n"
                    "  json_extract(value, '$.score') AS score, json_extract(value, '$.canonical_level') AS "
                    "canonical_level,\n  json_extract(value, '$.level_label') AS level_label, "
                    "json_extract(value, '$.text') AS text,\n  json_extract(value, '$.why') AS why, "
                    "json_extract(value, '$.page') AS page, json_extract(value, '$.indicator_id') AS indicator_id\n"
                    "FROM json_each(threshold_lookup(:description))"),
        }
        queries["words"] = {
            "title": "Indicators containing some words, per framework",
            "description": "Full-text search (porter stemming, any of the words; bm25 rank, lower is better) over "
                           "each framework's current document; works without the plugin.",
            "sql": ("SELECT i.framework, i.canonical_level, i.level_label, i.area, i.domain, i.text, i.page, "
                    "i.indicator_id, round(bm25(indicators_fts, 4.0, 2.0, 1.0, 0.5), 3) AS rank\n"
                    "FROM indicators_fts JOIN indicators i ON i.rowid = indicators_fts.rowid\n"
                    "JOIN frameworks f ON f.framework = i.framework AND f.document = i.document\n"
                    "WHERE indicators_fts MATCH :words\nORDER BY i.framework, rank LIMIT 200"),
        }
    return {
        "title": dataset.get("title", DATABASE), "description": dataset.get("description", ""),
        "license": licence.get("name", ""), "license_url": licence.get("path", ""),
        "source": source, **({"source_url": dataset["homepage"]} if dataset.get("homepage") else {}),
        "databases": {DATABASE: {"title": dataset.get("title", DATABASE), "tables": meta_tables,
                                 "queries": queries}},
    }


def write_datasette_metadata(tables: Mapping[str, Any], folder: Path) -> Path:
    """Write folder/metadata.json for `datasette threshold.sqlite -m metadata.json` (atomic)."""
    target = Path(folder) / METADATA_NAME
    tmp = target.with_name(f".{METADATA_NAME}.tmp")
    tmp.write_text(json.dumps(datasette_metadata(tables), ensure_ascii=False, indent=1) + "\n", encoding="utf-8",
                   newline="")
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------------------------- from a release

def release_tables(folder: Path) -> dict:
    """The tables of a published release (OUT, or a release folder) as Table objects, from datapackage.json's
    Table Schemas and the JSON files; `list` marks come from tables.yaml."""
    from pipeline.publish.tables import Table

    folder = Path(folder)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    known = load_specs()
    out = {}
    for resource in package["resources"]:
        if resource.get("profile") != "tabular-data-resource":
            continue
        name = resource["name"]
        spec = spec_from_schema(name, resource, known.get(name))
        records = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        out[name] = Table(spec, [{f.name: f.parse(r.get(f.name)) for f in spec.fields} for r in records])
    return out


def spec_from_schema(name: str, resource: dict, declared: TableSpec | None) -> TableSpec:
    schema = resource.get("schema", {})
    fields = []
    for raw in schema.get("fields", []):
        cons = raw.get("constraints", {})
        known = declared.field(raw["name"]) if declared else None
        fields.append(Field(name=raw["name"], type=raw.get("type", "string"), description=raw.get("description", ""),
                            required=bool(cons.get("required")), enum=tuple(cons.get("enum", ())),
                            list=bool(known and known.list), indicator_ref=bool(known and known.indicator_ref),
                            decimals=known.decimals if known else 6, documented=known is not None))
    keys = tuple({"fields": fk["fields"], "resource": fk["reference"]["resource"],
                  "reference": fk["reference"]["fields"]} for fk in schema.get("foreignKeys", []))
    return TableSpec(name=name, title=resource.get("title", name), description=resource.get("description", ""),
                     fields=tuple(fields), primary_key=tuple(schema.get("primaryKey", ())), foreign_keys=keys,
                     stage=declared.stage if declared else "publish")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m pipeline.publish.sqlite OUT   (writes OUT/.cache/sqlite/threshold.sqlite and "
              "metadata.json from the published release)", file=sys.stderr)
        return 2
    out = Path(argv[0])
    tables = release_tables(out)
    target = out / ".cache" / "sqlite"
    target.mkdir(parents=True, exist_ok=True)
    print(write_sqlite(tables, target, strict=True))
    print(write_datasette_metadata(tables, target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
