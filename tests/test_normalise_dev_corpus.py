"""The normalise stage on the whole dev corpus: interim files built from every truth file (the real indicator
wordings with their printed levels, areas and domains), checked against each truth file's hand `canonical`
mapping (the two seed frameworks exactly, the synthetic ones to measured accuracies, printed with `-rA`), the
output contract, determinism and speed."""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from pipeline.normalise import COLUMNS, run_normalise
from pipeline.normalise.annotate import get_annotator
from interim_from_truth import write_interim

DEV = Path(__file__).resolve().parent / "data" / "corpus" / "dev"
TRUTHS = sorted(DEV.glob("*.truth.yaml"))
CONTRACT = [  # the shared brief's data contract, in order
    "indicator_id", "framework", "document", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "locator", "seq",
    "level_label", "level_rank", "canonical_level", "area", "domain", "canonical_area", "canonical_dimensions",
    "dimensions_inferred", "text", "text_normalised", "themes", "protective_themes", "severity", "frequency",
    "age_condition", "corrections",
]
# Synthetic frameworks (indicator-weighted, measured over 93 documents, 11,029 indicators): canonical level 99.7%
# (10,522 of the 10,549 whose level has a basis: a level word, a number, a description or a four-level scheme; the
# other 480, of four invented names in synth-31, are reported unmapped), canonical area 100% (of 7,611 with a
# printed area), dimensions equal to the hand mapping 88.6% and overlapping it 99.9% (of 7,825 with a printed
# domain).
# What is left: "Universal Plus" in a six-level scheme with no descriptions (27 indicators: nothing in the document
# says whether it is the second universal level or the first early help one), and domains whose hand mapping is
# wider than their words ("Emotional warmth" -> also stability, "Local networks" -> also social integration; the
# synth-25 ... synth-34 labels are the widest). The floors leave a little room under the figures, so a change of
# rule that loses more than a few labels fails.
SYNTHETIC_MIN = {"level": 0.99, "area": 0.99, "dimensions exact": 0.86, "dimensions overlap": 0.99}
# Any one synthetic document (worst measured: level 96.4%, dimensions exact 50.0% (synth-30, "Looking and coping"
# unmapped and the widest hand mapping), overlap 98.5%).
DOCUMENT_MIN = {"level": 0.9, "dimensions exact": 0.45, "dimensions overlap": 0.95}


@lru_cache(maxsize=None)
def _truth(path: Path) -> dict:
    """A truth file (read once; callers must not change it)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _document(path: Path) -> str:
    return path.name.replace(".truth.yaml", ".pdf")


def _is_seed(path: Path) -> bool:
    return not path.name.startswith("synth-")


def _dims(value: str) -> set[str]:
    return {d for d in value.split(";") if d}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    raw = tmp_path_factory.mktemp("raw")
    write_interim(TRUTHS, out)
    get_annotator()  # build the pipeline and matchers before timing, as `make bench` does after imports
    start = time.perf_counter()
    summary = run_normalise(raw, out)
    elapsed = time.perf_counter() - start
    folder = out / "normalised"
    with open(folder / "indicators.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_document: dict[str, list[dict]] = {}
    for row in rows:
        by_document.setdefault(row["document"], []).append(row)
    return {"out": out, "raw": raw, "summary": summary, "elapsed": elapsed, "rows": rows, "folder": folder,
            "by_document": by_document}


def _pairs(run, path: Path) -> list[tuple[dict, dict]]:
    """(output row, truth indicator) pairs of one document, both in reading order."""
    truth = _truth(path)
    rows = run["by_document"].get(_document(path), [])
    assert len(rows) == len(truth["indicators"]), _document(path)
    for row, ind in zip(rows, truth["indicators"]):
        assert row["text"] == ind["text"]
    return list(zip(rows, truth["indicators"]))


@lru_cache(maxsize=None)
def _unmapped(folder: Path) -> dict[str, tuple[set[str], set[str]]]:
    """Per framework, the level and domain labels the normalisation report names as unmapped (no basis to map)."""
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))["frameworks"]
    return {slug: (set(r["unmapped_levels"]), set(r["unmapped_domains"])) for slug, r in report.items()}


def _agreement(run, paths) -> dict[str, tuple[int, int]]:
    """Counts (agree, of) per measure: canonical level (every indicator whose level the report does not name as
    unmapped), canonical area (where an area is printed), dimensions equal to / overlapping the hand mapping (where
    a domain is printed)."""
    counts: Counter = Counter()
    for path in paths:
        canon = _truth(path)["canonical"]
        unmapped_levels, _ = _unmapped(run["folder"]).get(_truth(path)["slug"], (set(), set()))
        for row, ind in _pairs(run, path):
            if row["level_label"] in unmapped_levels and not row["canonical_level"]:
                continue
            counts["level", 0] += 1
            counts["level", 1] += row["canonical_level"] == str(canon["levels"][ind["level"]])
            if ind.get("area"):
                counts["area", 0] += 1
                counts["area", 1] += row["canonical_area"] == canon["areas"][ind["area"]]
            if ind.get("domain"):
                want, got = set(canon["domains"][ind["domain"]]), _dims(row["canonical_dimensions"])
                counts["dimensions exact", 0] += 1
                counts["dimensions exact", 1] += got == want
                counts["dimensions overlap", 0] += 1
                counts["dimensions overlap", 1] += bool(got & want)
    return {m: (counts[m, 1], counts[m, 0]) for m in ("level", "area", "dimensions exact", "dimensions overlap")}


def _shares(agreement) -> dict[str, float]:
    return {m: (ok / n if n else 1.0) for m, (ok, n) in agreement.items()}


def _figures(agreement) -> str:
    return "; ".join(f"{m} {ok}/{n} ({ok / n:.1%})" if n else f"{m} -" for m, (ok, n) in agreement.items())


def test_whole_dev_corpus_normalises(run):
    # speed is measured by `make bench` (target < 5 s), not asserted here: a timed test fails on a loaded machine
    assert run["summary"]["documents"] == len(TRUTHS)
    assert run["summary"]["frameworks"] == len({_truth(p)["slug"] for p in TRUTHS})
    print(f"normalised {len(TRUTHS)} documents, {len(run['rows'])} indicators in {run['elapsed']:.2f}s")


def test_every_indicator_gets_what_its_printed_labels_give(run):
    """A canonical level for every indicator; a canonical area where an area or a domain is printed; dimensions
    where a domain is printed, flagged as inferred only where none is read from it. A label the crosswalks cannot
    map (an invented level name with no number or description, a domain whose words name no dimension) is left
    empty and named in the normalisation report, never guessed."""
    assert len(run["rows"]) == sum(len(_truth(p)["indicators"]) for p in TRUTHS)
    report = json.loads((run["folder"] / "report.json").read_text(encoding="utf-8"))["frameworks"]
    missing = []
    for path in TRUTHS:
        reported = report[_truth(path)["slug"]]
        for row, ind in _pairs(run, path):
            if not row["canonical_level"] and row["level_label"] not in reported["unmapped_levels"]:
                missing.append((row["document"], "level", row["level_label"]))
            unmapped_domain = ind.get("domain") in reported["unmapped_domains"]
            if (ind.get("area") or (ind.get("domain") and not unmapped_domain)) and not row["canonical_area"]:
                missing.append((row["document"], "area", row["area"], row["domain"]))
            if ind.get("domain") and not _dims(row["canonical_dimensions"]) and not unmapped_domain:
                missing.append((row["document"], "dimensions", row["domain"]))
            inferred = (not ind.get("domain") or unmapped_domain) and bool(_dims(row["canonical_dimensions"]))
            assert row["dimensions_inferred"] == ("true" if inferred else "false"), row["text"]
    assert missing == []
    unmapped = {slug: (r["unmapped_levels"], r["unmapped_domains"]) for slug, r in report.items()
                if r["unmapped_levels"] or r["unmapped_domains"]}
    print(f"reported unmapped (levels, domains): {unmapped}")
    assert set(unmapped) <= {"synth-30", "synth-31"}  # invented names with no basis (see test_normalise_levels)


@pytest.mark.parametrize("truth_path", [p for p in TRUTHS if _is_seed(p)],
                         ids=lambda p: p.name.replace(".truth.yaml", ""))
def test_seed_documents_agree_exactly_with_the_hand_mapping(run, truth_path):
    canon = _truth(truth_path)["canonical"]
    disagreements = []
    for row, ind in _pairs(run, truth_path):
        want = (canon["levels"][ind["level"]], canon["areas"][ind["area"]], set(canon["domains"][ind["domain"]]))
        got = (int(row["canonical_level"]), row["canonical_area"], _dims(row["canonical_dimensions"]))
        if got != want:
            disagreements.append((ind["text"], got, want))
    assert disagreements == []


def test_synthetic_documents_agree_with_the_hand_mapping(run):
    synthetic = [p for p in TRUTHS if not _is_seed(p)]
    assert synthetic, "the dev corpus has synthetic frameworks"
    total = _agreement(run, synthetic)
    seeds = [p for p in TRUTHS if _is_seed(p)]
    print(f"synthetic ({len(synthetic)} documents): {_figures(total)}")
    print(f"seed ({len(seeds)} documents): {_figures(_agreement(run, seeds))}")
    low = {m: share for m, share in _shares(total).items() if share < SYNTHETIC_MIN[m]}
    assert not low, f"below {SYNTHETIC_MIN}: {_figures(total)}"
    weak = []
    for path in synthetic:
        shares = _shares(_agreement(run, [path]))
        weak += [(path.name, m, round(shares[m], 3)) for m, floor in DOCUMENT_MIN.items() if shares[m] < floor]
    assert weak == []


def test_levels_table_maps_every_dev_level(run):
    with open(run["folder"] / "levels.csv", encoding="utf-8", newline="") as fh:
        levels = list(csv.DictReader(fh))
    assert len(levels) == sum(len(_truth(p)["levels"]) for p in TRUTHS)
    by_doc = {(r["document"], int(r["level_rank"])): r for r in levels}
    wrong = []
    for path in TRUTHS:
        truth = _truth(path)
        for rank, lv in enumerate(truth["levels"], start=1):
            row = by_doc[(_document(path), rank)]
            assert row["level_label"] == lv["label"]
            assert row["description"] == (lv.get("description") or "")
            if row["mapping"] == "unmapped":  # invented names with no basis: reported (test_normalise_levels)
                assert not row["canonical_level"] and truth["slug"] == "synth-31", (path.name, lv["label"])
                continue
            assert row["canonical_level"]
            if int(row["canonical_level"]) != truth["canonical"]["levels"][lv["id"]]:
                wrong.append((path.name, lv["label"], row["canonical_level"], row["mapping"]))
    assert [w for w in wrong if not w[0].startswith("synth-")] == []
    # the one synthetic level that differs (see SYNTHETIC_MIN), in each of its framework's documents
    assert len({(w[0].split("__")[0], w[1]) for w in wrong}) <= 1, wrong


def test_columns_follow_the_contract(run):
    header = (run["folder"] / "indicators.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert header == COLUMNS
    assert header[: len(CONTRACT)] == CONTRACT


def test_csv_and_json_conventions(run):
    folder = run["folder"]
    raw = (folder / "indicators.csv").read_bytes()
    assert b"\r\n" not in raw
    rows = run["rows"]
    for row in rows:
        assert not ({"None", "nan", "NaN", "null"} & set(row.values()))
        assert row["dimensions_inferred"] in ("true", "false")
        assert row["level_rank"].isdigit() and row["seq"].isdigit() and row["page"].isdigit()
        assert row["severity"] in ("", "mild", "moderate", "severe")
        assert row["frequency"] in ("", "occasional", "repeated", "persistent")
        assert not (set(row["themes"].split(";")) & set(row["protective_themes"].split(";")) - {""})
    records = json.loads((folder / "indicators.json").read_text(encoding="utf-8"))
    assert [list(r) for r in records[:1]] == [COLUMNS]
    assert len(records) == len(rows)
    first = records[0]
    assert isinstance(first["canonical_level"], int) and isinstance(first["dimensions_inferred"], bool)
    assert isinstance(first["canonical_dimensions"], list) and isinstance(first["themes"], list)
    assert first["corrections"] is None  # empty -> null in JSON
    assert [r["indicator_id"] for r in records] == [r["indicator_id"] for r in rows]


def test_indicator_ids_are_unique_and_stable(run):
    ids = [r["indicator_id"] for r in run["rows"]]
    assert len(ids) == len(set(ids))
    for row in run["rows"]:
        assert row["indicator_id"].startswith(row["framework"] + "-")
    # a bullet a document prints twice under one heading gets two ids (occurrence index k)
    keys = Counter((r["document"], r["level_label"], r["area"], r["domain"], r["text"]) for r in run["rows"])
    assert any(n > 1 for n in keys.values()), "the dev corpus repeats some bullets (corpus/SCHEMA.md)"


def test_report_is_written_per_framework(run):
    report = json.loads((run["folder"] / "report.json").read_text(encoding="utf-8"))
    slugs = {_truth(p)["slug"] for p in TRUTHS}
    assert set(report["frameworks"]) == slugs
    # every printed label of the dev corpus maps, but for the names and a domain with no basis to map them by
    no_basis = {"synth-30": ([], ["Looking and coping"]),
                "synth-31": (["Extra (i)", "Extra (ii)", "Family plan", "Serious worry"], [])}
    for slug, fw in report["frameworks"].items():
        levels, domains = no_basis.get(slug, ([], []))
        assert fw["unmapped_levels"] == levels and fw["unmapped_areas"] == [], slug
        assert fw["unmapped_domains"] == domains, slug
        if not levels:
            assert fw["no_canonical_level"] == 0, slug
        assert fw["level_order_conflicts"] == [], slug
        assert fw["untagged_share"] < 0.05, slug
    for slug in slugs - {s for s in slugs if s.startswith("synth-")}:
        fw = report["frameworks"][slug]
        assert fw["no_dimensions"] == 0 and fw["dimensions_inferred"] == 0 and fw["untagged_share"] < 0.03
    markdown = (run["folder"] / "report.md").read_text(encoding="utf-8")
    assert all(f"## {slug}" in markdown for slug in slugs)


def test_same_inputs_give_byte_identical_files(run, tmp_path):
    first = {p.name: p.read_bytes() for p in run["folder"].iterdir()}
    run_normalise(run["raw"], run["out"])
    second = {p.name: p.read_bytes() for p in run["folder"].iterdir()}
    assert first == second


def test_without_domain_headings_dimensions_are_inferred_and_flagged(tmp_path):
    """A list-style document with no domain headings: the printed domain stays empty, the dimensions come
    from the text and are flagged; they overlap the hand mapping for most indicators."""
    truth_path = DEV / "worcestershire__list__v1.truth.yaml"
    (interim,) = write_interim([truth_path], tmp_path)
    doc = json.loads(interim.read_text(encoding="utf-8"))
    for ind in doc["indicators"]:
        ind["domain"] = ""
    interim.write_text(json.dumps(doc), encoding="utf-8")
    run_normalise(tmp_path / "raw", tmp_path)
    with open(tmp_path / "normalised" / "indicators.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    truth = _truth(truth_path)
    overlap = 0
    for row, ind in zip(rows, truth["indicators"]):
        assert row["domain"] == ""
        got = _dims(row["canonical_dimensions"])
        assert row["dimensions_inferred"] == ("true" if got else "false")
        overlap += bool(got & set(truth["canonical"]["domains"][ind["domain"]]))
    assert sum(1 for r in rows if r["dimensions_inferred"] == "true") >= 0.97 * len(rows)
    assert overlap >= 0.7 * len(rows)
    report = json.loads((tmp_path / "normalised" / "report.json").read_text(encoding="utf-8"))
    assert report["frameworks"]["worcestershire"]["dimensions_inferred"] >= 0.97 * len(rows)
