"""The vendored Data Docs assets cover every CDN file the great-expectations templates load, byte for byte."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import great_expectations

from pipeline.publish.datadocs import load_assets
from pipeline.publish.vendor_assets import FILES_DIR, template_integrity

TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"


def test_every_cdn_load_in_the_templates_is_vendored():
    loads = set()
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        loads |= set(re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="(https://[^"]+)"', text))
    missing = sorted(loads - set(load_assets()))
    assert not missing, f"re-run python -m pipeline.publish.vendor_assets: {missing}"


def test_vendored_files_match_their_recorded_hashes_and_the_templates_integrity():
    integrity = template_integrity()
    assert integrity, "the templates pin some scripts with integrity hashes"
    for url, entry in load_assets().items():
        data = (FILES_DIR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], url
        for extra in entry["extra_files"]:
            assert (FILES_DIR / extra).is_file(), extra
        if url in integrity:  # the same bytes the CDN serves
            assert "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode() == integrity[url]
