"""Editions: what changed between two editions of a framework (pipeline.compare.editions, `threshold diff`).

Scored on tests/data/editions (two frameworks re-issued in another layout with every change listed in the later
edition's truth file, and one re-issued with the same content): recall and precision per kind of change are
printed (-rA). The whole dev corpus, where each framework is rendered in several layouts with the same bullets,
must give no change between any two of a framework's documents. Constructed edits of the dev truth files check
the alignment on many more frameworks than the two with real editions."""

from __future__ import annotations

import csv
import random
import sqlite3
from collections import Counter
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from extract_support import CORPUS_TIMEOUT, DEV_CORPUS, extracted_corpus
from pipeline.cli import app
from pipeline.compare import editions as E
from pipeline.compare import run_compare
from pipeline.extract.stage import run_extract
from pipeline.normalise import run_normalise
from pipeline.publish import run_publish

EDITIONS = Path(__file__).resolve().parent / "data" / "editions"
KINDS = ("added", "removed", "moved", "reworded", "regrouped")


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> dict[str, Path]:
    """Each editions folder run through every stage: folder name -> OUT."""
    outs = {}
    for folder in ("changed", "layout_only"):
        out = tmp_path_factory.mktemp(folder)
        raw = EDITIONS / folder
        summary = run_extract(raw, out, jobs=2, use_cache=False, progress=False)
        assert summary["failed"] == 0, summary["failures"]
        run_normalise(raw, out)
        run_compare(out)
        run_publish(raw, out)
        outs[folder] = out
    return outs


def _published(out: Path) -> list[dict]:
    with (out / "edition_changes.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _truth_changes(folder: Path) -> list[dict]:
    changes = []
    for path in sorted(folder.glob("*.truth.yaml")):
        truth = yaml.safe_load(path.read_text(encoding="utf-8"))
        changes += (truth.get("edition") or {}).get("changes") or []
    return changes


def _same_change(truth: dict, row: dict) -> bool:
    """A listed change and a published row agree: same kind, same bullet (or label), same levels (by rank)."""
    if truth["change"] != row["change"]:
        return False
    if truth["change"] == "regrouped":
        return (E.skeleton(truth["group_before"]), E.skeleton(truth["group_after"])) == \
            (E.skeleton(row["group_before"]), E.skeleton(row["group_after"]))
    side = "after" if truth["change"] == "added" else "before"
    if SequenceMatcher(None, E.fold(truth[f"text_{side}"]), E.fold(row[f"text_{side}"])).ratio() < 0.9:
        return False
    if truth.get("text_after") and truth["change"] == "reworded" and \
            E.fold(truth["text_after"]) != E.fold(row["text_after"]):
        return False
    return all(str(int(truth[f"level_{s}"][1:])) == row[f"level_rank_{s}"]
               for s in ("before", "after") if truth.get(f"level_{s}"))


def score(truth: list[dict], rows: list[dict]) -> dict:
    """Recall and precision, overall and per kind; a row counts for one listed change at most."""
    used: set[int] = set()
    found: Counter = Counter()
    for change in truth:
        hit = next((k for k, row in enumerate(rows) if k not in used and _same_change(change, row)), None)
        if hit is not None:
            used.add(hit)
            found[change["change"]] += 1
    listed, published = Counter(c["change"] for c in truth), Counter(r["change"] for r in rows)
    right = Counter(rows[k]["change"] for k in used)
    per_kind = {kind: (found[kind] / listed[kind] if listed[kind] else 1.0,
                       right[kind] / published[kind] if published[kind] else 1.0) for kind in KINDS}
    return {"recall": sum(found.values()) / max(1, len(truth)), "precision": len(used) / max(1, len(rows)),
            "per_kind": per_kind}


def test_every_listed_change_is_found_with_its_kind(released):
    truth, rows = _truth_changes(EDITIONS / "changed"), _published(released["changed"])
    result = score(truth, rows)
    print(f"\neditions/changed: {len(truth)} listed changes, {len(rows)} published rows: "
          f"recall {result['recall']:.3f}, precision {result['precision']:.3f}")
    for kind, (recall, precision) in result["per_kind"].items():
        print(f"  {kind:<10} recall {recall:.3f}  precision {precision:.3f}")
    assert result["recall"] >= 0.95 and result["precision"] >= 0.95
    assert {r["framework"] for r in rows} == {"milton-keynes", "worcestershire"}


def test_a_reissue_in_a_new_layout_is_no_change(released):
    out = released["layout_only"]
    assert _published(out) == []
    documents = list(csv.DictReader((out / "normalised" / "documents.csv").open(encoding="utf-8")))
    assert len({d["published"] for d in documents}) == 2  # two editions were diffed, not skipped


def test_the_changes_reach_the_report_sqlite_and_datapackage(released):
    out = released["changed"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Changes since the last edition" in html and "Health (all ages)" in html
    with sqlite3.connect(out / "threshold.sqlite") as db:
        kinds = dict(db.execute("SELECT change, count(*) FROM edition_changes GROUP BY change"))
    assert set(kinds) == set(KINDS)
    assert '"edition_changes"' in (out / "datapackage.json").read_text(encoding="utf-8")
    layout_html = (released["layout_only"] / "report.html").read_text(encoding="utf-8")
    assert "hold the same bullets" in layout_html


def test_the_latest_edition_represents_its_framework(released):
    with (released["changed"] / "compare_documents.csv").open(encoding="utf-8") as fh:
        primary = {r["framework"]: r["document"] for r in csv.DictReader(fh) if r["primary"] == "true"}
    assert primary == {"milton-keynes": "milton-keynes-2025__level_grid__h21.pdf",
                       "worcestershire": "worcestershire-2023__matrix__h22.pdf"}


@CORPUS_TIMEOUT
def test_no_dev_framework_changes_between_its_layouts():
    """Every dev framework is rendered in several layouts, fonts and page sizes with the same bullets."""
    records = extracted_corpus()
    by_framework: dict[str, list[str]] = {}
    for name in sorted(records):
        by_framework.setdefault(name.split("__")[0], []).append(name)
    pairs, changes = 0, []
    for names in by_framework.values():
        for a, b in combinations(names, 2):
            pairs += 1
            bullets = [[E.bullet(row) for row in records[n]["indicators"]] for n in (a, b)]
            changes += E.diff("", a, b, *bullets)
    print(f"\ndev corpus: {pairs} same-content pairs, {len(changes)} changes")
    assert pairs > 100 and changes == []


# ------------------------------------------------------------------------------------- constructed editions

EDITS = (  # wording edits a partnership makes between editions
    lambda t: t + ", which is impacting on the child",
    lambda t: t + " despite support",
    lambda t: t.replace("child", "child or young person", 1) if "child" in t else t + " (including online)",
    lambda t: t.replace(" and ", " and/or ", 1) if " and " in t else "Some " + t[0].lower() + t[1:],
)


def _truth_rows(path: Path) -> tuple[list[dict], list[str]]:
    truth = yaml.safe_load(path.read_text(encoding="utf-8"))
    rank = {level["id"]: (k + 1, level["label"]) for k, level in enumerate(truth["levels"])}
    rows = [{"text": i["text"], "level_rank": rank[i["level"]][0], "level_label": rank[i["level"]][1],
             "area": i.get("area"), "domain": i.get("domain"), "page": 1} for i in truth["indicators"]]
    return rows, [label for _, label in sorted(rank.values())]


def _edited_edition(before: list[dict], labels: list[str], donor: list[dict], rnd: random.Random):
    """A later edition made from `before`: some bullets removed, moved a level, reworded; some added from
    another framework. Returns the later edition's rows and the listed changes."""
    after, listed = [dict(r) for r in before], []
    unique = [k for k, r in enumerate(before) if [E.skeleton(x["text"]) for x in before].count(E.skeleton(r["text"])) == 1]
    rnd.shuffle(unique)
    n = max(2, len(before) // 25)
    removed, moved, reworded = set(unique[:n]), unique[n:2 * n], unique[2 * n:3 * n]
    for k in moved:
        rank = after[k]["level_rank"] + (1 if after[k]["level_rank"] < len(labels) else -1)
        after[k].update(level_rank=rank, level_label=labels[rank - 1])
        listed.append(("moved", before[k]["text"]))
    for k in reworded:
        after[k]["text"] = rnd.choice(EDITS)(after[k]["text"])
        listed.append(("reworded", before[k]["text"]))
    listed += [("removed", before[k]["text"]) for k in sorted(removed)]
    after = [r for k, r in enumerate(after) if k not in removed]
    known = {E.skeleton(r["text"]) for r in before}
    for row in rnd.sample(donor, min(n, len(donor))):
        if E.skeleton(row["text"]) not in known:
            rank = rnd.randrange(len(labels)) + 1
            after.insert(rnd.randrange(len(after)), {**row, "level_rank": rank, "level_label": labels[rank - 1]})
            listed.append(("added", row["text"]))
    return after, listed


def test_constructed_editions_of_every_dev_framework():
    """Edits made to each dev framework's truth file (one document per framework) are found with their kind."""
    truths = {}
    for path in sorted(DEV_CORPUS.glob("*.truth.yaml")):
        truths.setdefault(path.name.split("__")[0], path)
    paths = list(truths.values())
    listed_n = found_n = rows_n = 0
    for seed, path in enumerate(paths):
        rnd = random.Random(seed)
        before, labels = _truth_rows(path)
        after, listed = _edited_edition(before, labels, _truth_rows(paths[(seed + 1) % len(paths)])[0], rnd)
        rows = E.diff("", "before", "after", [E.bullet(r) for r in before], [E.bullet(r) for r in after])
        keyed = Counter((r["change"], E.fold(r["text_after"] if r["change"] == "added" else r["text_before"]))
                        for r in rows)
        wanted = Counter((kind, E.fold(text)) for kind, text in listed)
        found_n += sum((keyed & wanted).values())
        listed_n += len(listed)
        rows_n += len(rows)
    recall, precision = found_n / listed_n, found_n / rows_n
    print(f"\nconstructed editions of {len(paths)} frameworks: {listed_n} changes, recall {recall:.3f}, "
          f"precision {precision:.3f}")
    assert recall >= 0.97 and precision >= 0.97


# ------------------------------------------------------------------------------------------ small cases

def _b(text: str, rank: int, label: str | None = None, area: str = "", domain: str = "", canonical=None):
    return E.bullet({"text": text, "level_rank": rank, "level_label": label or f"Level {rank}", "area": area,
                     "domain": domain, "page": 1, "canonical_level": canonical})


def _kinds(before, after) -> list[tuple[str, str, str]]:
    return [(r["change"], r["text_before"] or r["group_before"], r["text_after"] or r["group_after"])
            for r in E.diff("", "a", "b", before, after)]


def test_line_wrap_spacing_and_hyphens_are_not_edits():
    before = [_b("Non engagement with ante-natal appointments", 2), _b("Low self-esteem and confidence", 2)]
    after = [_b("Non engagement with antenatal appointments", 2), _b("Low self-esteem and confiden ce", 2)]
    assert _kinds(before, after) == []


def test_levels_renamed_in_a_new_edition_are_the_same_levels():
    before = [_b("Poor school attendance", 2, "Early help"), _b("Child at risk of harm", 3, "Statutory")]
    after = [_b("Poor school attendance", 2, "Additional needs"), _b("Child at risk of harm", 3, "Acute")]
    assert _kinds(before, after) == []


def test_a_label_printed_at_two_levels_does_not_pair_those_levels():
    before = [_b("Poor school attendance", 1, "Early help"), _b("Persistent absence", 2, "Early help")]
    after = [_b("Poor school attendance", 1, "Early help"), _b("Persistent absence", 2, "Early help")]
    assert _kinds(before, after) == []
    after[1:] = [_b("Persistent absence", 1, "Early help"), _b("Some other need", 2, "Early help")]
    assert _kinds(before, after) == [("added", "", "Some other need"),
                                     ("moved", "Persistent absence", "Persistent absence")]


def test_a_bullet_both_moved_and_reworded_is_moved():
    scheme = [_b("Good health", 1), _b("Some need", 2), _b("Serious need", 3)]
    rows = E.diff("", "a", "b", scheme + [_b("Parental alcohol misuse", 2)],
                  scheme + [_b("Parental alcohol misuse impacting on the child", 3)])
    assert [(r["change"], r["level_rank_before"], r["level_rank_after"]) for r in rows] == [("moved", 2, 3)]
    assert "wording edited" in rows[0]["reason"]


def test_a_different_bullet_on_the_same_topic_is_not_a_rewording():
    kinds = _kinds([_b("Good mental health", 1)], [_b("Mental health managed effectively by the young person", 1)])
    assert sorted(k for k, _, _ in kinds) == ["added", "removed"]


def test_a_renamed_domain_is_one_regrouped_row_even_when_the_old_name_stays_for_a_new_bullet():
    old = [_b(f"Health need {k}", 1 + k % 3, domain="Health") for k in range(6)]
    new = [_b(f"Health need {k}", 1 + k % 3, domain="Health (all ages)") for k in range(6)]
    new.append(_b("Some insecurities around identity", 1, domain="Health"))
    assert _kinds(old, new) == [("added", "", "Some insecurities around identity"),
                                ("regrouped", "Health", "Health (all ages)")]


def test_a_label_printed_in_capitals_by_a_new_layout_is_not_renamed():
    old = [_b(f"Need {k}", 1, area="Family and environment") for k in range(4)]
    new = [_b(f"Need {k}", 1, area="FAMILY AND ENVIRONMENT") for k in range(4)]
    assert _kinds(old, new) == []


def test_editions_are_a_frameworks_documents_with_different_dates():
    import pandas as pd

    documents = pd.DataFrame([
        {"framework": "a", "document": "a-2019.pdf", "published": "2019-05"},
        {"framework": "a", "document": "a-2023.pdf", "published": "2023"},
        {"framework": "a", "document": "a-undated.pdf", "published": ""},
        {"framework": "b", "document": "b-part1.pdf", "published": "2021"},
        {"framework": "b", "document": "b-part2.pdf", "published": "2021"},
    ])
    assert E.editions(documents) == {"a": ["a-2019.pdf", "a-2023.pdf"]}


# --------------------------------------------------------------------------------------------- the CLI

def test_threshold_diff_prints_the_changes_and_writes_the_csv(tmp_path):
    folder = EDITIONS / "changed"
    result = CliRunner().invoke(app, ["diff", "milton-keynes__matrix__v1.pdf",
                                      str(folder / "milton-keynes-2025__level_grid__h21.pdf"),
                                      "--raw-docs", str(folder), "--csv", str(tmp_path / "changes.csv")])
    assert result.exit_code == 0, result.output
    assert "8 added, 8 removed, 8 moved, 8 reworded, 1 regrouped" in result.output
    assert "regrouped  'Health' -> 'Health (all ages)'" in result.output
    with (tmp_path / "changes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 33 and list(rows[0]) == list(E.EDITION_CHANGE_COLUMNS)


def test_threshold_diff_of_a_missing_document_names_it(tmp_path):
    result = CliRunner().invoke(app, ["diff", "no-such.pdf", "other.pdf", "--raw-docs", str(tmp_path)])
    assert result.exit_code == 2
    assert "no-such.pdf" in result.output and "no such document" in result.output


def test_threshold_diff_of_a_document_that_cannot_be_read_names_it(tmp_path):
    notes = tmp_path / "notes.pdf"
    notes.write_text("meeting notes, not a PDF", encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(notes), str(EDITIONS / "changed" / "milton-keynes__matrix__v1.pdf")])
    assert result.exit_code == 2
    assert f"{notes}: not diffed (not_pdf" in result.output
