"""`threshold show ID`: where an indicator came from, as a picture of its page and a few lines of text."""

from __future__ import annotations

import csv
import time

import pytest
from test_publish_support import published_base
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.publish import show

runner = CliRunner()


def test_show_renders_the_page_and_names_document_page_and_text(tmp_path_factory, tmp_path):
    out = published_base(tmp_path_factory) / "out"
    with open(out / "indicators.csv", encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["text"].startswith("Suspected imminent risk of FGM"))
    png = tmp_path / "where.png"
    result = runner.invoke(app, ["show", row["indicator_id"], "--out", str(out), "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [f"{row['document']}, page {row['page']}, box "
                                              + ", ".join(f"{float(row[k]):.1f}" for k in
                                                          ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")),
                                              f"  {row['text']}"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_show_unknown_indicator_is_a_usage_error(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    result = runner.invoke(app, ["show", "no-such-id", "--out", str(out)])
    assert result.exit_code == 2 and "no indicator with id 'no-such-id'" in result.stderr


def _sleep(*args):
    import time

    time.sleep(60)


def _hoard(*args):
    hoard = [bytearray(64 * 1024 * 1024) for _ in range(16)]  # 1 GiB if nothing stops it
    return len(hoard)


@pytest.mark.parametrize("draw, limit, reason", [(_sleep, ["--timeout", "2"], "timeout"),
                                                 (_hoard, ["--memory-mb", "200"], "memory")])
def test_show_renders_in_a_worker_under_the_extract_limits(tmp_path_factory, tmp_path, monkeypatch, draw, limit,
                                                           reason):
    out = published_base(tmp_path_factory) / "out"
    with open(out / "indicators.csv", encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    monkeypatch.setattr(show, "_draw", draw)
    start = time.monotonic()
    result = runner.invoke(app, ["show", row["indicator_id"], "--out", str(out), "--png", str(tmp_path / "x.png"),
                                 *limit])
    assert result.exit_code == 1, result.output
    assert f"error: {row['indicator_id']}: the page could not be rendered: {reason}" in result.stderr
    assert time.monotonic() - start < 30
