"""Vendor the scripts, styles and fonts that great-expectations' Data Docs load from CDNs, so the Data Docs
written beside the data work offline.

Each CDN address the Data Docs templates use is mapped to the npm package and version it serves and the file in
that package; `npm pack` fetches exactly that package from the npm registry. The files land in
pipeline/publish/data/vendor/files/<package>@<version>/<path> and pipeline/publish/data/vendor/assets.json records, per
CDN address, the local file and its sha256 (and checks the template's integrity hash where it has one).

Run after upgrading great-expectations:  python -m pipeline.publish.vendor_assets
(needs npm; the result is committed, so publishing itself never needs the network).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "data" / "vendor"
FILES_DIR = VENDOR_DIR / "files"
ASSETS_FILE = VENDOR_DIR / "assets.json"

# CDN address used by the Data Docs templates -> (npm package spec, files in the package; the first is the
# one the address serves, the others are what it loads in turn, such as fonts).
SOURCES: dict[str, tuple[str, list[str]]] = {
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        ("bootstrap-table@1.19.1", ["dist/bootstrap-table.min.css"]),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        ("bootstrap-table@1.19.1", ["dist/bootstrap-table.min.js"]),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        ("bootstrap-table@1.19.1", ["dist/extensions/filter-control/bootstrap-table-filter-control.min.js"]),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        ("bootstrap-table@1.19.0", ["dist/extensions/filter-control/bootstrap-table-filter-control.min.css"]),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        ("bootstrap-table@1.19.0", ["dist/extensions/filter-control/bootstrap-table-filter-control.css"]),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        ("bootstrap@4.3.1", ["dist/css/bootstrap.min.css"]),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        ("bootstrap@4.3.1", ["dist/js/bootstrap.min.js"]),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        ("bootstrap-datepicker@1.9.0", ["dist/css/bootstrap-datepicker.min.css"]),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        ("bootstrap-datepicker@1.9.0", ["dist/js/bootstrap-datepicker.min.js"]),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        ("@forevolve/bootstrap-dark@1.1.0", ["dist/css/bootstrap-prefers-dark.css"]),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        ("@fortawesome/fontawesome-free@6.6.0", ["css/all.min.css", "webfonts/fa-brands-400.woff2",
                                                 "webfonts/fa-regular-400.woff2", "webfonts/fa-solid-900.woff2",
                                                 "webfonts/fa-v4compatibility.woff2"]),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery@3.7.1", ["dist/jquery.min.js"]),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        ("popper.js@1.12.9", ["dist/umd/popper.min.js"]),
    # jsdelivr serves a bare "npm/<pkg>@<range>" as the package.json "jsdelivr" file of the newest match
    "https://cdn.jsdelivr.net/npm/vega@5": ("vega@5", ["<jsdelivr>"]),
    "https://cdn.jsdelivr.net/npm/vega-lite@5": ("vega-lite@5", ["<jsdelivr>"]),
    "https://cdn.jsdelivr.net/npm/vega-embed@6": ("vega-embed@6", ["<jsdelivr>"]),
}


def template_integrity() -> dict[str, str]:
    """CDN address -> the integrity hash the great-expectations templates give it."""
    import great_expectations

    folder = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
    found = {}
    for path in folder.glob("*.j2"):
        for url, sri in re.findall(r'src="(https://[^"]+)"\s+integrity="([^"]+)"', path.read_text("utf-8")):
            found[url] = sri
    return found


def _pack(spec: str, work: Path) -> tuple[str, Path]:
    out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", str(work)], check=True,
                         capture_output=True, text=True).stdout
    info = json.loads(out)[0]
    folder = work / info["filename"].removesuffix(".tgz")
    with tarfile.open(work / info["filename"]) as tar:
        tar.extractall(folder, filter="data")
    return info["version"], folder / "package"


def vendor() -> dict:
    integrity = template_integrity()
    if FILES_DIR.exists():
        shutil.rmtree(FILES_DIR)
    assets, packed = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for url, (spec, files) in sorted(SOURCES.items()):
            if spec not in packed:
                packed[spec] = _pack(spec, Path(tmp))
            version, root = packed[spec]
            name = spec.rsplit("@", 1)[0]
            if files == ["<jsdelivr>"]:
                files = [json.loads((root / "package.json").read_text())["jsdelivr"]]
            local = []
            for licence in sorted(root.glob("LICEN[CS]E*")):  # keep each package's licence beside its files
                (FILES_DIR / f"{name}@{version}").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(licence, FILES_DIR / f"{name}@{version}" / licence.name)
            for rel in files:
                target = FILES_DIR / f"{name}@{version}" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / rel, target)
                local.append(target.relative_to(VENDOR_DIR / "files").as_posix())
            data = (FILES_DIR / local[0]).read_bytes()
            entry = {"package": f"{name}@{version}", "file": local[0], "extra_files": local[1:],
                     "sha256": hashlib.sha256(data).hexdigest()}
            if url in integrity:
                sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
                if sri != integrity[url]:
                    raise SystemExit(f"{url}: npm {spec} differs from the CDN file (integrity {integrity[url]})")
                entry["integrity"] = sri
            assets[url] = entry
    ASSETS_FILE.write_text(json.dumps(assets, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return assets


if __name__ == "__main__":
    for entry in vendor().values():
        print(f"{entry['package']:40s} {entry['file']}")
    sys.exit(0)
