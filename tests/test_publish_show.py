"""render_indicator: the indicator's PDF page as PNG with its box highlighted."""

from __future__ import annotations

import csv
import json

import pytest
from PIL import Image

from pipeline.publish import render_indicator
from pipeline.publish.show import ShowError
from test_publish_support import published_base


def _row(out, text):
    with open(out / "indicators.csv", encoding="utf-8", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["text"] == text)


def test_render_highlights_the_indicator_box(tmp_path_factory, tmp_path):
    base = published_base(tmp_path_factory)
    out = base / "out"
    row = _row(out, "Suspected imminent risk of FGM (female genital mutilation)")
    png = tmp_path / "fgm.png"
    info = render_indicator(out, row["indicator_id"], png, resolution=72)  # raw_docs found from the run record
    assert info["document"] == row["document"] and info["page"] == int(row["page"]) and not info["warning"]
    image = Image.open(png).convert("RGB")
    x0, top, x1, bottom = (float(row[k]) for k in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"))
    assert image.size[0] in range(590, 600) or image.size[0] in range(838, 846)  # A4 at 72 dpi, either way up
    crimson = sum(1 for y in range(int(top) - 6, int(top) + 2) for x in range(int(x0), int(x1))
                  if (lambda p: p[0] > 180 and p[1] < 90 and p[2] < 110)(image.getpixel((x, y))))
    assert crimson >= (x1 - x0) * 0.8  # the box's outline runs along its top edge
    inside = image.getpixel((int((x0 + x1) / 2), int((top + bottom) / 2)))
    assert inside[0] > 200 and inside[2] < 235  # shaded yellow (over white or text)
    far = image.getpixel((5, 5))
    assert far == (255, 255, 255)


def test_unknown_indicator_and_missing_pdf_are_clear_errors(tmp_path_factory, tmp_path):
    out = published_base(tmp_path_factory) / "out"
    with pytest.raises(ShowError, match="no indicator with id 'nope-0000000000'"):
        render_indicator(out, "nope-0000000000", tmp_path / "x.png")
    row = _row(out, "Good height/weight")
    with pytest.raises(ShowError, match="source document not found"):
        render_indicator(out, row["indicator_id"], tmp_path / "x.png", raw_docs=tmp_path)


def test_the_release_record_holds_no_absolute_local_path(tmp_path_factory):
    base = published_base(tmp_path_factory)
    record = (base / "out" / "release.json").read_text(encoding="utf-8")
    assert str(base) not in record and '"/' not in record
    assert json.loads(record)["raw_docs"] == "../raw_docs"  # relative to OUT, as the report's links are
