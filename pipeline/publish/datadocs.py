"""Make great-expectations' Data Docs work offline: copy the vendored CDN files (vendor/assets.json, made by
vendor_assets.py) into the site and rewrite every page's CDN links to relative local paths."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from pipeline.publish.vendor_assets import ASSETS_FILE, FILES_DIR

SITE_VENDOR = Path("static") / "vendor"
_GX_ASSETS = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[^\"')\s]+")
_LOADS = re.compile(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)=\"(https?://[^\"]+)\"[^>]*>", re.I)
_STATIC = re.compile(r'((?:src|href)=")((?:\.\./|\./)*)(static/[^"]+)"')
_SRI = re.compile(r"\s+(?:integrity|crossorigin)=\"[^\"]*\"")


class OfflineError(RuntimeError):
    """A Data Docs page loads something from the network that has no vendored copy."""


def load_assets() -> dict[str, dict]:
    return json.loads(ASSETS_FILE.read_text(encoding="utf-8"))


def _copy_vendor(site: Path, assets: dict[str, dict]) -> None:
    for entry in assets.values():
        package_dir = FILES_DIR / entry["package"]
        licences = [p.relative_to(FILES_DIR).as_posix() for p in package_dir.glob("LICEN[CS]E*")]
        for rel in [entry["file"], *entry.get("extra_files", []), *licences]:
            target = site / SITE_VENDOR / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(FILES_DIR / rel, target)


def _rel(site: Path, page: Path, target: Path) -> str:
    return Path(os.path.relpath(site / target, page.parent)).as_posix()


def _gx_image(site: Path, page: Path, url: str) -> str:
    """great-expectations' logo from its S3 bucket -> the copy in the site's static/images."""
    name = url.split("/")[-1].split("?")[0]
    local = Path("static") / "images" / name
    if not (site / local).is_file():
        local = Path("static") / "images" / "logo-long.png"
    return _rel(site, page, local)


def _fix_static(site: Path, page: Path, match: re.Match) -> str:
    """Some great-expectations pages point at static/ one folder too high (e.g. the favicon of validation
    result pages): point every static/ link at the site's static folder."""
    return f'{match.group(1)}{_rel(site, page, Path(match.group(3).split("?")[0]))}"'


def rewrite_page(site: Path, page: Path, assets: dict[str, dict]) -> None:
    text = page.read_text(encoding="utf-8")
    for url in sorted(assets, key=len, reverse=True):
        if url in text:
            text = text.replace(f'"{url}"', f'"{_rel(site, page, SITE_VENDOR / assets[url]["file"])}"')
    text = _GX_ASSETS.sub(lambda m: _gx_image(site, page, m.group(0)), text)
    text = _STATIC.sub(lambda m: _fix_static(site, page, m), text)
    # integrity/crossorigin make a browser fetch file:// scripts in CORS mode, which fails; the vendored bytes
    # were checked against those integrity hashes when they were vendored
    text = re.sub(r"<script\b[^>]*>", lambda m: _SRI.sub("", m.group(0)), text)
    page.write_text(text, encoding="utf-8")


def remote_loads(page: Path) -> list[str]:
    """Addresses a page would still fetch from the network (scripts, styles, images)."""
    return _LOADS.findall(page.read_text(encoding="utf-8"))


_REF = re.compile(r'(?:src|href)="([^"#?]+)|url\(\s*[\'"]?([^\'")#?]+)')


def prune_static(site: Path) -> int:
    """Remove files under static/ that no page or style sheet refers to (great-expectations copies images
    and fonts its pages never load); returns how many were removed."""
    used = set()
    for path in [*site.rglob("*.html"), *site.rglob("*.css")]:
        for match in _REF.finditer(path.read_text(encoding="utf-8", errors="replace")):
            ref = match.group(1) or match.group(2)
            if ref and "://" not in ref and not ref.startswith("data:"):
                used.add(os.path.normpath(path.parent / ref))
    removed = 0
    for path in sorted((site / "static").rglob("*")):
        if path.is_file() and os.path.normpath(path) not in used and not path.name.startswith("LICEN"):
            path.unlink()
            removed += 1
    return removed


def make_offline(site: Path) -> None:
    """Vendor the assets into the site and rewrite its pages and styles; raise OfflineError if any page would
    still load something from the network."""
    site = Path(site)
    assets = load_assets()
    _copy_vendor(site, assets)
    for css in (site / "static" / "styles").glob("*.css"):
        text = _GX_ASSETS.sub(lambda m, css=css: _gx_image(site, css, m.group(0)), css.read_text(encoding="utf-8"))
        css.write_text(text, encoding="utf-8")
    leftovers = []
    for page in sorted(site.rglob("*.html")):
        rewrite_page(site, page, assets)
        leftovers += [f"{page.relative_to(site)}: {url}" for url in remote_loads(page)]
    prune_static(site)
    if leftovers:
        raise OfflineError("Data Docs would load from the network (re-run python -m pipeline.publish.vendor_assets "
                           "after a great-expectations upgrade): " + "; ".join(leftovers[:5]))
