#!/usr/bin/env python3
"""Score an indicators table against the dev corpus, per document, layout family and PDF producer.

Usage: dev_score.py PRED.csv [--truth-dir tests/data/corpus/dev] [--bar 0.97] [--show NAME]
Family and producer come from each truth file's `rendered` block (producer 'libreoffice' when absent).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--truth-dir", type=Path, default=HERE.parent / "tests" / "data" / "corpus" / "dev")
    ap.add_argument("--bar", type=float, default=0.97)
    ap.add_argument("--show", action="append", default=[], help="print the examples of this document")
    args = ap.parse_args()
    truths = sorted(args.truth_dir.glob("*.truth.yaml"))
    out = subprocess.run([sys.executable, str(HERE / "score_extraction.py"), "--truth", *map(str, truths),
                          "--pred", str(args.pred), "--json"], capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    groups: dict[str, list] = defaultdict(list)
    low = []
    for truth in truths:
        name = truth.name[: -len(".truth.yaml")].lower()  # the scorer keys documents by lower-case stem
        doc = report["documents"].get(name)
        if doc is None:
            continue
        rendered = (yaml.safe_load(truth.read_text()) or {}).get("rendered") or {}
        for key in (f"family:{rendered.get('layout')}", f"producer:{rendered.get('producer', 'libreoffice')}"):
            groups[key].append(doc)
        if doc["tuple_f1"] < args.bar or doc["text_f1"] < 0.99:
            low.append((doc["tuple_f1"], doc["text_f1"], name, doc["pred"], doc["truth"]))
    for key, docs in sorted(groups.items()):
        ok = sum(d["tuple_ok"] for d in docs)
        truth = sum(d["truth"] for d in docs)
        pred = sum(d["pred"] for d in docs)
        f1 = 2 * ok / (truth + pred) if truth + pred else 0
        tm = sum(d["text_matched"] for d in docs)
        tf1 = 2 * tm / (truth + pred) if truth + pred else 0
        below = sum(d["tuple_f1"] < args.bar for d in docs)
        print(f"{key:28s} docs={len(docs):3d} below={below:3d} tuple_f1={f1:.4f} text_f1={tf1:.4f}")
    print(f"{'OVERALL':28s} docs={report['overall']['documents']:3d} below={len(low):3d} "
          f"tuple_f1={report['overall']['tuple_f1']:.4f} text_f1={report['overall']['text_f1']:.4f}")
    for t, x, name, pred, truth in sorted(low):
        print(f"  {t:.3f} {x:.3f} {name} pred={pred} truth={truth}")
    for name in args.show:
        doc = report["documents"][name.lower()]
        for kind in ("missed_examples", "spurious_examples", "mislabelled_examples"):
            for ex in doc.get(kind, [])[:12]:
                print(kind, json.dumps(ex, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
