"""Benchmark (`make bench`): extraction speed and memory on the dev corpus and on a 10x copy of it.

For each corpus, a fresh Python process runs the extract stage (2 workers, cache off) while this process
samples the memory of that process tree. Reported: wall-clock seconds (after imports), seconds per page,
peak memory (sum of the tree's resident set sizes, sampled every 20 ms) and the largest single process.
The 10x copy gives every file a distinct name and distinct bytes, so nothing is served from a cache or skipped as
a duplicate; cost should grow linearly. The yardstick is pdfplumber's own extract_tables on the same pages with as
many processes; camelot's cross-check (run inside extraction for low-confidence documents with ruled tables) is
reported on its own. Normalising the dev corpus is timed too, then the dev corpus is compared and published and
`threshold lookup` is timed on that release: the SQLite file's build, and each query as a user runs it (a fresh
`threshold lookup` process, imports included) and as a library call. Target: every query under 1 s.
`bench/bench.py --lookup-only OUT` times lookup alone on an already published OUT. The national-scale case
(`--national 300`) normalises and compares 300 one-page frameworks sharing wording (cut from the extracted dev
documents) and reports time, peak memory and the sizes of the comparison tables.
Results are printed and written to bench/results.json (not committed).
Targets on the 2-core build machine: <= 0.25 s per page, <= 1 GiB peak, <= 1.5x pdfplumber's extract_tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "corpus" / "dev"
RESULTS = ROOT / "bench" / "results.json"
TARGET_S_PER_PAGE, TARGET_PEAK_MB, TARGET_VS_PDFPLUMBER = 0.25, 1024, 1.5

EXTRACT = """
import json, sys, time
from pathlib import Path
from pipeline.extract.stage import run_extract
start = time.perf_counter()
summary = run_extract(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), use_cache=False, progress=False)
print(json.dumps({"seconds": time.perf_counter() - start, "summary": summary}))
"""

BASELINE = """
import json, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
import pdfplumber

def tables(path):
    with pdfplumber.open(path) as pdf:
        return sum(1 for page in pdf.pages if page.extract_tables() is not None)

if __name__ == "__main__":
    paths = sorted(Path(sys.argv[1]).glob("*.pdf"))
    start = time.perf_counter()
    with ProcessPoolExecutor(int(sys.argv[2])) as pool:
        pages = sum(pool.map(tables, paths))
    print(json.dumps({"seconds": time.perf_counter() - start, "pages": pages}))
"""

NORMALISE = """
import json, sys, time
from pathlib import Path
from pipeline.normalise import run_normalise
start = time.perf_counter()
run_normalise(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


PUBLISH = """
import json, sys, time
from pathlib import Path
from pipeline.compare import run_compare
from pipeline.publish import run_publish
start = time.perf_counter()
run_compare(Path(sys.argv[2]))
run_publish(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start}))
"""

NATIONAL = """
import json, sys, time
from pathlib import Path
from pipeline.normalise import run_normalise
from pipeline.compare import run_compare
start = time.perf_counter()
run_normalise(Path(sys.argv[1]), Path(sys.argv[2]))
middle = time.perf_counter()
summary = run_compare(Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start, "normalise_seconds": middle - start,
                  "compare": {k: v for k, v in summary.items() if isinstance(v, int)}}))
"""

LOOKUP_QUERIES = ["persistent truanting", "domestic abuse at home", "young carer looking after a parent",
                  "no substance misuse", "missing from home", "NEET for more than six weeks",
                  "sexual activity under 13", "parent in prison", "homeless family", "low level anti-social behaviour",
                  # a practitioner's own words (pipeline/understand.py)
                  "Mum drinks vodka every night and passes out on the sofa",
                  "He keeps skipping school and hangs around the shops instead",
                  "She's been sending nude pictures to a man she met online"]
TARGET_LOOKUP_S = 1.0

LOOKUP_LIBRARY = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from pipeline.lookup import database, lookup
imported = time.perf_counter() - start
out = Path(sys.argv[1])
t = time.perf_counter(); database(out); index = time.perf_counter() - t
times = []
for query in sys.argv[2:]:
    t = time.perf_counter()
    lookup(out, query)
    times.append(time.perf_counter() - t)
print(json.dumps({"import": imported, "index": index, "times": times}))
"""


def bench_lookup(out: Path, queries: list[str] = LOOKUP_QUERIES) -> dict:
    """threshold lookup on a published release: index build (only when the release has no threshold.sqlite),
    each query as a library call, and as a fresh CLI process (what a user waits for)."""
    library = run_measured(LOOKUP_LIBRARY, str(out), *queries)
    threshold = Path(sys.executable).with_name("threshold")
    cli = []
    for query in queries:
        start = time.perf_counter()
        subprocess.run([str(threshold), "lookup", query, "--out", str(out)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cli.append(time.perf_counter() - start)
    return {"queries": len(queries), "frameworks_searched": "all", "index_seconds": round(library["index"], 3),
            "library_max_seconds": round(max(library["times"]), 3),
            "library_mean_seconds": round(sum(library["times"]) / len(queries), 3),
            "cli_max_seconds": round(max(cli), 3), "cli_mean_seconds": round(sum(cli) / len(cli), 3),
            "target_seconds": TARGET_LOOKUP_S, "has_sqlite_in_release": (out / "threshold.sqlite").is_file()}


def report_lookup(row: dict) -> None:
    verdict = "ok" if row["cli_max_seconds"] <= row["target_seconds"] else "OVER TARGET"
    where = "threshold.sqlite" if row["has_sqlite_in_release"] else f"index built in {row['index_seconds']:.2f} s"
    print(f"{'lookup':>10}: {row['queries']} queries over every framework ({where}); a fresh `threshold lookup` "
          f"process takes {row['cli_mean_seconds']:.2f} s on average, {row['cli_max_seconds']:.2f} s at most "
          f"[{verdict}, target {row['target_seconds']:.0f} s]; the library call {row['library_mean_seconds']:.3f} s "
          f"(max {row['library_max_seconds']:.3f} s)")


def count_pages(folder: Path) -> int:
    import pypdfium2 as pdfium

    total = 0
    for path in sorted(folder.glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        total += len(document)
        document.close()
    return total


def tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) resident set size in bytes of a process and its descendants; (0, 0) if it is gone."""
    try:
        import psutil
    except ImportError:
        return 0, 0
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    sizes = []
    for process in processes:
        try:
            sizes.append(process.memory_info().rss)
        except psutil.Error:
            pass
    return sum(sizes), max(sizes, default=0)


def run_measured(script: str, *args: str) -> dict:
    """Run `script` in a fresh interpreter, sampling its process tree's memory; return its JSON output plus
    the wall time and memory figures."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        # files, not pipes: a step that prints much (a warning per document) would block on a full pipe
        proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, stdout=out_file,
                                stderr=err_file, text=True)
        peak_sum = peak_one = 0
        while proc.poll() is None:
            total, largest = tree_rss(proc.pid)
            peak_sum, peak_one = max(peak_sum, total), max(peak_one, largest)
            time.sleep(0.02)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed ({proc.returncode}):\n{err[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall_with_imports=time.perf_counter() - start, peak_mb=peak_sum / 2**20,
                  largest_process_mb=peak_one / 2**20)
    return result


def make_copies(source: Path, target: Path, times: int) -> None:
    """`times` copies of every PDF, each with its own name and bytes (a comment after %%EOF)."""
    for path in sorted(source.glob("*.pdf")):
        data = path.read_bytes()
        for k in range(times):
            suffix = f"\n% benchmark copy {k}\n".encode()
            (target / f"{path.stem}__copy{k:02d}.pdf").write_bytes(data + suffix)


def bench_extract(folder: Path, out: Path, jobs: int) -> dict:
    pages = count_pages(folder)
    result = run_measured(EXTRACT, str(folder), str(out), str(jobs))
    summary = result.pop("summary")
    return {"documents": summary["documents"], "ok": summary["ok"], "failed": summary["failed"],
            "pages": pages, "indicators": summary["indicators"], "seconds": round(result["seconds"], 2),
            "seconds_per_page": round(result["seconds"] / max(pages, 1), 4),
            "wall_with_imports": round(result["wall_with_imports"], 2), "peak_mb": round(result["peak_mb"], 1),
            "largest_process_mb": round(result["largest_process_mb"], 1)}


def bench_baseline(folder: Path, jobs: int) -> dict:
    """pdfplumber's own extract_tables on every page, with as many processes: the yardstick (target <= 1.5x)."""
    result = run_measured(BASELINE, str(folder), str(jobs))
    return {"seconds": round(result["seconds"], 2), "pages": result["pages"]}


def crosscheck_cost(out: Path) -> dict:
    """What camelot's cross-check of ruled tables cost in the extract run (from the interim records)."""
    checks = []
    for path in sorted((out / "interim").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        check = (record.get("structure") or {}).get("crosscheck") if isinstance(record, dict) else None
        if check:
            checks.append(check)
    return {"documents": len(checks), "pages": sum(len(c["pages"]) for c in checks),
            "seconds": round(sum(c.get("seconds") or 0 for c in checks), 2)}


def bench_normalise(raw_docs: Path, out: Path) -> dict | None:
    """Time pipeline.normalise.run_normalise on the dev corpus's extracted output (None if it does not exist)."""
    try:
        from pipeline.normalise import run_normalise  # noqa: F401
    except ImportError:
        return None
    try:
        result = run_measured(NORMALISE, str(raw_docs), str(out))
    except SystemExit as exc:
        return {"error": str(exc)[:500]}
    return {"seconds": round(result["seconds"], 2), "target_seconds": 5.0}


def make_national(extracted: Path, target: Path, frameworks: int, per_page: int = 35) -> None:
    """`frameworks` one-page frameworks sharing wording, as extract would leave them in target/interim: framework k
    takes the first `per_page` bullets of the k-th extracted dev document (cycling), moved onto page 1."""
    sources = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((extracted / "interim").glob("*.json"))
               if p.name != "run.json"]
    sources = [s for s in sources if isinstance(s, dict) and s.get("indicators")]
    interim = target / "interim"
    interim.mkdir(parents=True)
    documents = []
    for k in range(frameworks):
        source = sources[k % len(sources)]
        name = f"national-{k:03d}"
        record = dict(source, document=f"{name}.pdf", framework=name, pages=1,
                      sha256=f"{k:064x}", indicators=[dict(row, page=1) for row in source["indicators"][:per_page]])
        (interim / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
        documents.append({"document": record["document"], "framework": name, "status": "ok", "reason": "",
                          "detail": ""})
    (interim / "run.json").write_text(json.dumps({"documents": documents}), encoding="utf-8")


def bench_national(extracted: Path, target: Path, frameworks: int) -> dict:
    """Normalise and compare `frameworks` one-page frameworks sharing wording (the national-scale case)."""
    make_national(extracted, target, frameworks)
    (target / "raw").mkdir()
    result = run_measured(NATIONAL, str(target / "raw"), str(target))
    return {"frameworks": frameworks, "seconds": round(result["seconds"], 2),
            "normalise_seconds": round(result["normalise_seconds"], 2), "peak_mb": round(result["peak_mb"], 1),
            **result["compare"]}


def report(name: str, row: dict) -> None:
    ok_time = "ok" if row["seconds_per_page"] <= TARGET_S_PER_PAGE else "OVER TARGET"
    ok_mem = "ok" if row["peak_mb"] <= TARGET_PEAK_MB else "OVER TARGET"
    print(f"{name:>10}: {row['documents']} documents ({row['ok']} ok, {row['failed']} failed), {row['pages']} pages, "
          f"{row['indicators']} indicators")
    print(f"{'':>10}  {row['seconds']:.2f} s after imports ({row['wall_with_imports']:.2f} s with them); "
          f"{row['seconds_per_page']:.3f} s/page [{ok_time}]; peak {row['peak_mb']:.0f} MiB [{ok_mem}], "
          f"largest process {row['largest_process_mb']:.0f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--times", type=int, default=10, help="copies of the corpus for the scaling run")
    parser.add_argument("--corpus", type=Path, default=DEV)
    parser.add_argument("--national", type=int, default=300, metavar="N",
                        help="one-page frameworks sharing wording for the national-scale compare case (0: skip)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--lookup-only", type=Path, metavar="OUT",
                        help="only time `threshold lookup` on the release already published in OUT")
    args = parser.parse_args()
    if args.lookup_only:
        row = bench_lookup(args.lookup_only.resolve())
        report_lookup(row)
        return 1 if (args.strict and row["cli_max_seconds"] > TARGET_LOOKUP_S) else 0

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (shared machines vary)")
    results = {"python": platform.python_version(), "cpus": os.cpu_count(), "jobs": args.jobs,
               "targets": {"seconds_per_page": TARGET_S_PER_PAGE, "peak_mb": TARGET_PEAK_MB}}
    with tempfile.TemporaryDirectory(prefix="threshold-bench-") as tmp:
        tmp = Path(tmp)
        results["dev"] = bench_extract(args.corpus, tmp / "out-dev", args.jobs)
        report("dev", results["dev"])
        results["camelot_crosscheck"] = cost = crosscheck_cost(tmp / "out-dev")
        print(f"{'camelot':>10}: cross-checked {cost['pages']} ruled pages of {cost['documents']} low-confidence "
              f"documents in {cost['seconds']:.2f} s (inside the extract time above)")
        results["pdfplumber_tables"] = base = bench_baseline(args.corpus, args.jobs)
        ratio = results["dev"]["seconds"] / max(base["seconds"], 1e-9)
        results["vs_pdfplumber"] = round(ratio, 2)
        print(f"{'baseline':>10}: pdfplumber extract_tables on the same {base['pages']} pages, {args.jobs} processes: "
              f"{base['seconds']:.2f} s; the pipeline takes {ratio:.2f}x that "
              f"[{'ok' if ratio <= TARGET_VS_PDFPLUMBER else 'OVER TARGET'}, target {TARGET_VS_PDFPLUMBER}x]")
        normalise = bench_normalise(args.corpus, tmp / "out-dev")
        results["normalise_dev"] = normalise
        if normalise is None:
            print(f"{'normalise':>10}: the normalise stage is not available yet")
        elif "error" in normalise:
            print(f"{'normalise':>10}: failed: {normalise['error']}")
        else:
            verdict = "ok" if normalise["seconds"] <= normalise["target_seconds"] else "OVER TARGET"
            print(f"{'normalise':>10}: {normalise['seconds']:.2f} s after imports [{verdict}, target 5 s]")
            try:
                published = run_measured(PUBLISH, str(args.corpus), str(tmp / "out-dev"))
                print(f"{'publish':>10}: compare + publish of the dev corpus in {published['seconds']:.1f} s")
                results["lookup"] = bench_lookup(tmp / "out-dev")
                report_lookup(results["lookup"])
            except (SystemExit, subprocess.CalledProcessError) as exc:
                results["lookup"] = {"error": str(exc)[:500]}
                print(f"{'lookup':>10}: failed: {str(exc)[:500]}")
        if args.national:
            results["national"] = row = bench_national(tmp / "out-dev", tmp / "national", args.national)
            verdict = "ok" if row["peak_mb"] <= TARGET_PEAK_MB else "OVER TARGET"
            print(f"{'national':>10}: {row['frameworks']} one-page frameworks sharing wording normalised and compared "
                  f"in {row['seconds']:.1f} s (normalise {row['normalise_seconds']:.1f} s), peak "
                  f"{row['peak_mb']:.0f} MiB [{verdict}]; {row.get('matches')} match rows, {row.get('needs')} needs, "
                  f"{row.get('level_disagreements')} disagreements")
        copies = tmp / "copies"
        copies.mkdir()
        make_copies(args.corpus, copies, args.times)
        results[f"dev_x{args.times}"] = big = bench_extract(copies, tmp / "out-copies", args.jobs)
        report(f"dev x{args.times}", big)
        shutil.rmtree(copies)
    ratio = big["seconds"] / max(results["dev"]["seconds"], 1e-9)
    results["time_ratio"] = round(ratio, 2)
    print(f"{'scaling':>10}: {args.times}x the pages took {ratio:.1f}x the time "
          f"(per page {results['dev']['seconds_per_page']:.3f} -> {big['seconds_per_page']:.3f} s)")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")
    missed = any(r["seconds_per_page"] > TARGET_S_PER_PAGE or r["peak_mb"] > TARGET_PEAK_MB
                 for r in (results["dev"], big)) or results["vs_pdfplumber"] > TARGET_VS_PDFPLUMBER
    missed = missed or results.get("lookup", {}).get("cli_max_seconds", 0) > TARGET_LOOKUP_S
    missed = missed or results.get("national", {}).get("peak_mb", 0) > TARGET_PEAK_MB
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
