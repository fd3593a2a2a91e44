#!/usr/bin/env python3
"""Draw cross-framework bullet pairs to judge by reading (tests/data/judged_pairs.yaml, `cross_level_pairs`).

Nearest neighbours, not hand-picked: for each bullet of one real dev framework, its K most similar bullets of the
other at a different canonical level (similarity: the compare stage's TF-IDF, pipeline/compare/data/settings.yaml),
at least MIN_SIMILARITY, both directions, leaving out pairs already judged; printed most similar first, one per line
(index, similarity, levels, a, b) for a person to judge with DESIGN.md's definitions (same / related / opposite /
different).

Usage: tools/draw_judged_pairs.py [--k 5] [--min-similarity 0.12] [--limit 110]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_compare_support import DEV, frame, truth_rows  # noqa: E402

from pipeline.compare import matching  # noqa: E402
from pipeline.compare.io import load_settings, primary_documents  # noqa: E402

JUDGED = ROOT / "tests" / "data" / "judged_pairs.yaml"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--min-similarity", type=float, default=0.12)
    ap.add_argument("--limit", type=int, default=110)
    ap.add_argument("--a", default="milton-keynes")
    ap.add_argument("--b", default="worcestershire")
    args = ap.parse_args()
    rows = [r for path in sorted(DEV.glob("*.truth.yaml")) for r in truth_rows(path.name[:-len(".truth.yaml")])[0]]
    indicators = frame(rows)
    primary = primary_documents(indicators)
    chosen = indicators[[primary[fw] == doc for fw, doc in zip(indicators["framework"], indicators["document"])]]
    chosen = chosen.reset_index(drop=True)
    vectors = matching.vectorise(chosen, load_settings()["matching"])
    records = chosen.to_dict("records")
    side_a = [i for i, r in enumerate(records) if r["framework"] == args.a]
    side_b = [i for i, r in enumerate(records) if r["framework"] == args.b]
    judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))
    seen = {frozenset((p["a"], p["b"])) for key in ("pairs", "same_seed_pairs", "cross_level_pairs")
            for p in judged.get(key) or []}
    scores = matching.similarity_block(vectors, np.array(side_a), np.array(side_b))
    found: dict[frozenset, tuple[float, int, int]] = {}
    for forward, (one, other, block) in enumerate(((side_a, side_b, scores), (side_b, side_a, scores.T))):
        for i, x in enumerate(one):
            kept = 0
            for j in np.argsort(-block[i], kind="stable"):
                if block[i, j] < args.min_similarity or kept >= args.k:
                    break
                y = other[j]
                if records[x]["canonical_level"] == records[y]["canonical_level"]:
                    continue
                kept += 1
                a, b = (x, y) if forward == 0 else (y, x)
                key = frozenset((records[a]["text"], records[b]["text"]))
                if key not in seen:
                    found[key] = (float(block[i, j]), a, b)
    for n, (score, a, b) in enumerate(sorted(found.values(), key=lambda t: (-t[0], t[1], t[2]))[:args.limit]):
        print(f"{n}\t{score:.3f}\tL{records[a]['canonical_level']}/{records[b]['canonical_level']}\t"
              f"{records[a]['text']}\t||\t{records[b]['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
