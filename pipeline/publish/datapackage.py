"""datapackage.json (Frictionless Data Package with Table Schemas) and the JSON Schemas of the JSON files.

Both are derived from pipeline/data/schemas/tables.yaml and dataset.yaml. The JSON Schemas of the stage's own
tables and of the per-framework tree are also kept in the repository (pipeline/data/schemas/json/); regenerate
them after editing tables.yaml with `python -m pipeline.publish.datapackage --write-schemas`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from pipeline.publish.sqlite import METADATA_NAME, SQLITE_NAME
from pipeline.schema import SCHEMA_DIR, TREE_LEAF_COLUMNS, TREE_SUFFIX, Field, TableSpec, load_dataset, load_specs

JSON_SCHEMA_DIR = SCHEMA_DIR / "json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
TREE_SCHEMA = "framework.schema.json"
_JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


# --------------------------------------------------------------------------------------- Table Schema

def table_schema(spec: TableSpec) -> dict:
    schema: dict[str, Any] = {"fields": [_ts_field(f) for f in spec.fields], "missingValues": [""]}
    if spec.primary_key:
        schema["primaryKey"] = list(spec.primary_key)
    if spec.foreign_keys:
        schema["foreignKeys"] = [{"fields": list(fk["fields"]),
                                  "reference": {"resource": fk["resource"], "fields": list(fk["reference"])}}
                                 for fk in spec.foreign_keys]
    return schema


def _ts_field(f: Field) -> dict:
    out: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
    if f.type == "boolean":
        out.update(trueValues=["true"], falseValues=["false"])
    constraints: dict[str, Any] = {}
    if f.required:
        constraints["required"] = True
    if f.enum:
        constraints["enum"] = list(f.enum)
    if f.minimum is not None:
        constraints["minimum"] = f.minimum
    if f.maximum is not None:
        constraints["maximum"] = f.maximum
    if f.pattern:
        constraints["pattern"] = f.pattern
    if constraints:
        out["constraints"] = constraints
    return out


# --------------------------------------------------------------------------------------- JSON Schema

def _js_property(f: Field) -> dict:
    kind = _JSON_TYPES[f.type]
    prop: dict[str, Any] = {"type": kind if f.required else [kind, "null"], "description": f.description}
    if f.enum:
        prop["enum"] = list(f.enum) + ([] if f.required else [None])
    if f.minimum is not None:
        prop["minimum"] = f.minimum
    if f.maximum is not None:
        prop["maximum"] = f.maximum
    if f.pattern:
        prop["pattern"] = f.pattern
    return prop


def table_json_schema(spec: TableSpec) -> dict:
    """Schema of <table>.json: an array of records with the table's columns (null for missing values)."""
    documented = [f for f in spec.fields if f.documented]
    required = [] if spec.stage == "compare" else [f.name for f in documented]
    item = {"type": "object", "properties": {f.name: _js_property(f) for f in documented},
            "required": required, "additionalProperties": spec.open}
    return {"$schema": DRAFT, "$id": f"{spec.name}.schema.json", "title": spec.title,
            "description": spec.description, "type": "array", "items": item}


def tree_json_schema(specs: dict[str, TableSpec]) -> dict:
    """Schema of frameworks/<framework>.json: framework -> documents -> levels -> areas -> domains -> indicators."""
    ind, lev, doc, fw = (specs[n] for n in ("indicators", "levels", "documents", "frameworks"))

    def props(spec: TableSpec, names: list[str]) -> dict:
        out = {}
        for name in names:
            f = spec.field(name)
            prop = _js_property(f)
            if f.list:
                prop = {"type": "array", "items": {"type": "string"}, "description": f.description}
            out[name] = prop
        return out


    def obj(properties: dict, **extra: Any) -> dict:
        properties = {**properties, **extra}
        return {"type": "object", "properties": properties, "required": list(properties),
                "additionalProperties": False}

    indicator = obj(props(ind, list(TREE_LEAF_COLUMNS)))
    domain = obj({"domain": _js_property(ind.field("domain"))},
                 indicators={"type": "array", "items": indicator})
    area = obj({"area": _js_property(ind.field("area")), "canonical_area": _js_property(ind.field("canonical_area"))},
               domains={"type": "array", "items": domain})
    level = obj(props(lev, ["level_rank", "level_label", "canonical_level", "description", "indicators"]),
                areas={"type": "array", "items": area})
    document = obj(props(doc, [f.name for f in doc.fields if f.name != "framework"]),
                   levels={"type": "array", "items": level})
    root = obj(props(fw, fw.columns), documents={"type": "array", "items": document})
    return {"$schema": DRAFT, "$id": TREE_SCHEMA, "title": "One framework as a tree",
            "description": "framework -> documents -> levels -> areas -> domains -> indicators", **root}


def static_json_schemas() -> dict[str, dict]:
    """The JSON Schemas kept in the repository: the stage's own tables and the framework tree."""
    specs = load_specs()
    out = {f"{s.name}.schema.json": table_json_schema(s) for s in specs.values() if s.stage != "compare"}
    out[TREE_SCHEMA] = tree_json_schema(specs)
    return out


def schema_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_repo_schemas(folder: Path = JSON_SCHEMA_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in static_json_schemas().items():
        (folder / name).write_text(schema_text(schema), encoding="utf-8", newline="")
        paths.append(folder / name)
    return paths


# --------------------------------------------------------------------------------------- descriptor

def file_facts(path: Path) -> dict:
    data = path.read_bytes()
    return {"hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def file_resources(folder: Path) -> list[dict]:
    """datapackage.json resources for the two files (when present in folder), with hash and size."""
    folder = Path(folder)
    out = []
    if (folder / SQLITE_NAME).is_file():
        out.append({"name": "threshold-sqlite", "path": SQLITE_NAME, "profile": "data-resource",
                    "title": "All tables as one SQLite database",
                    "description": "Every published table with its column types, primary and foreign keys and "
                                   "indexes, an FTS5 index over indicator text (indicators_fts) and views "
                                   "(indicator_details, current_indicators, theme_framework_levels). "
                                   "Open it with sqlite3 or `datasette threshold.sqlite -m metadata.json`.",
                    "format": "sqlite", "mediatype": "application/vnd.sqlite3",
                    **file_facts(folder / SQLITE_NAME)})
    if (folder / METADATA_NAME).is_file():
        out.append({"name": "datasette-metadata", "path": METADATA_NAME, "profile": "data-resource",
                    "title": "datasette metadata for threshold.sqlite",
                    "description": "Titles, descriptions, licence, source and column descriptions in datasette's "
                                   "metadata format.",
                    "format": "json", "mediatype": "application/json", "encoding": "utf-8",
                    **file_facts(folder / METADATA_NAME)})
    return out


def _sources(documents: list[dict]) -> list[dict]:
    out = []
    for doc in documents:
        title = doc.get("attribution") or " - ".join(
            str(x) for x in (doc.get("partnership") or doc.get("framework"), doc.get("title"), doc.get("published"))
            if x)
        source = {"title": f"{title} [{doc['document']}]"}
        if str(doc.get("source") or "").startswith(("http://", "https://")):
            source["path"] = doc["source"]
        out.append(source)
    return out


def descriptor(root: Path, tables: dict[str, Any], trees: list[Path], version: str) -> dict:
    """The datapackage.json of the release in `root` (files already written there)."""
    dataset = load_dataset()
    resources = []
    for table in tables.values():
        spec = table.spec
        resources.append({
            "name": spec.name, "path": f"{spec.name}.csv", "profile": "tabular-data-resource",
            "title": spec.title, "description": spec.description, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", **file_facts(root / f"{spec.name}.csv"), "schema": table_schema(spec)})
    for table in tables.values():
        name = table.spec.name
        resources.append({
            "name": f"{name}-json", "path": f"{name}.json", "profile": "data-resource",
            "title": f"{table.spec.title} (JSON)", "description": f"The {name} table as a JSON array of records.",
            "format": "json", "mediatype": "application/json", "encoding": "utf-8",
            "jsonSchema": f"schemas/{name}.schema.json", **file_facts(root / f"{name}.json")})
    for path in trees:
        framework = path.name[: -len(TREE_SUFFIX)]
        resources.append({
            "name": f"framework-tree-{framework}", "path": f"frameworks/{path.name}", "profile": "data-resource",
            "title": f"Framework {framework} as a tree", "format": "json", "mediatype": "application/json",
            "encoding": "utf-8", "jsonSchema": f"schemas/{TREE_SCHEMA}", **file_facts(path)})
    resources += file_resources(root)  # threshold.sqlite and metadata.json, when written
    return {
        "profile": "data-package", "name": dataset["name"], "title": dataset["title"],
        "description": dataset["description"], "version": version, "licenses": dataset["licenses"],
        "keywords": dataset.get("keywords", []), "contributors": dataset.get("contributors", []),
        **({"homepage": dataset["homepage"]} if dataset.get("homepage") else {}),
        "sources": _sources(tables["documents"].rows), "resources": resources}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["--write-schemas"]:
        print("usage: python -m pipeline.publish.datapackage --write-schemas", file=sys.stderr)
        return 2
    for path in write_repo_schemas():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
