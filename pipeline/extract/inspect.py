"""`threshold inspect`: a document's pages with what extraction read drawn on them.

Each bullet read as an indicator is boxed in its level's colour (the legend names the levels); the labels that
gave levels, areas and domains are boxed and tagged; bullets the reading left out (introduction, contacts) are
grey. A document with no levels of need is drawn too, with what was seen, so the reason is visible.
Where camelot's lattice reading of a ruled table was compared (crosscheck.py), its cells are drawn thin and its
disagreements in red.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DocumentError
from ..manifest import MANIFEST_NAME, load_manifest, pages_in
from ..runner import run_isolated
from ..runner_limits import Limits
from .crosscheck import crosscheck, summary
from .document import read_document
from .preflight import check_document
from .settings import overridden, resolve

LEVEL_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
                 (227, 119, 194), (23, 190, 207)]
ROLE_COLOURS = {"level": (0, 0, 0), "column title": (150, 150, 150), "area": (128, 0, 128), "domain": (0, 90, 200)}
LEFT_OUT = (170, 170, 170)
DISAGREE = (230, 0, 0)
CELL = (0, 160, 160)


def inspect_document(path: Path, out_dir: Path, pages: list[list[int]] | None = None, hints: dict | None = None,
                     resolution: int = 100) -> dict:
    """Write one PNG per page (all pages with bullets or labels, or those in the `pages` ranges) to `out_dir` (for
    a Word document or web page, an outline of what was read, with locators); return what was read (reading,
    confidence, levels, warnings) and the files written."""
    read = read_document(path, hints)  # DocumentError for a document that cannot be read at all
    pages = sorted(pages_in(pages, read.n_pages)) if pages and read.n_pages else None
    structure = read.structure
    placed = {id(r["block"]): r["level_rank"] for r in structure.rows}
    roles = {id(b): role for b, role in structure.labels}
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {"document": Path(path).name, "reading": structure.reading, "confidence": structure.confidence,
              "alternatives": structure.alternatives, "levels": structure.levels,
              "indicators": len(structure.rows), "warnings": read.warnings, "crosscheck": None, "pngs": []}
    if read.format != "pdf":  # no pages to draw: an outline of what was read, with locators
        outline = out_dir / f"{Path(path).stem}-outline.txt"
        outline.write_text(_outline(read.blocks, placed, roles, structure.levels), encoding="utf-8")
        return result | {"pngs": [str(outline)]}
    check = crosscheck(Path(path), read.pages, structure.rows, pages) if structure.rows else None
    wanted = sorted(set(pages or []) or {b.page for b in read.blocks if b.kind == "item" or id(b) in roles})
    pngs = []
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for number in wanted:
            if not 1 <= number <= len(pdf.pages):
                continue
            image = pdf.pages[number - 1].to_image(resolution=resolution)
            for b in read.blocks:
                if b.page == number:
                    _draw_block(image, b, placed.get(id(b)), roles.get(id(b)))
            for cell in (check or {}).get("cells", []):
                if cell["page"] == number:
                    image.draw_rect(cell["bbox"], fill=None, stroke=CELL + (160,), stroke_width=1)
            for miss in (check or {}).get("disagreements", []):
                if miss["page"] == number:
                    image.draw_rect(miss["bbox"], fill=DISAGREE + (50,), stroke=DISAGREE, stroke_width=3)
            png = out_dir / f"{Path(path).stem}-page-{number:03d}.png"
            _with_legend(image.annotated, structure.levels).save(str(png), format="PNG")
            pngs.append(png)
    return result | {"crosscheck": summary(check), "pngs": [str(p) for p in pngs]}


def _outline(blocks, placed: dict[int, int], roles: dict[int, str], levels: list[dict]) -> str:
    """A Word document or web page as read, one line per block: its part (level N, area, domain, left out,
    label), its text and its locator."""
    names = {lv["rank"]: lv["label"] for lv in levels}
    lines = []
    for b in blocks:
        if b.kind == "item":
            part = f"L{placed[id(b)]} {names[placed[id(b)]][:20]}" if id(b) in placed else "left out"
            lines.append(f"  - [{part}] {b.text}    @ {b.locator}")
        elif id(b) in roles:
            lines.append(f"[{roles[id(b)]}] {b.text}    @ {b.locator}")
        else:
            lines.append(f"[text] {b.text[:100]}")
    return "\n".join(lines) + "\n"


def _draw_block(image, block, level_rank: int | None, role: str | None) -> None:
    box = tuple(block.bbox)
    if block.kind == "item":
        colour = LEVEL_COLOURS[(level_rank - 1) % len(LEVEL_COLOURS)] if level_rank else LEFT_OUT
        image.draw_rect(box, fill=colour + (40,), stroke=colour, stroke_width=2 if level_rank else 1)
    elif role:
        colour = ROLE_COLOURS[role]
        image.draw_rect(box, fill=None, stroke=colour, stroke_width=3)
        _tag(image, box, role, colour)


def _tag(image, box: tuple, text: str, colour: tuple) -> None:
    from PIL import ImageDraw

    scale = image.scale
    x, y = box[0] * scale, max(0.0, box[1] * scale - 11)
    draw = ImageDraw.Draw(image.annotated)
    width = draw.textlength(text)
    draw.rectangle((x, y, x + width + 4, y + 11), fill=colour)
    draw.text((x + 2, y), text, fill=(255, 255, 255))


def _with_legend(page, levels: list[dict]):
    """The annotated page with a strip below it naming each level's colour."""
    from PIL import Image, ImageDraw

    lines = [(f"level {lv['rank']}: {lv['label'][:70]}", LEVEL_COLOURS[(lv["rank"] - 1) % len(LEVEL_COLOURS)])
             for lv in levels] or [("no levels of need found", DISAGREE)]
    lines.append(("bullet left out (not an indicator)", LEFT_OUT))
    lines.append(("labels: level / column title / area / domain", ROLE_COLOURS["domain"]))
    canvas = Image.new("RGB", (page.width, page.height + 8 + 14 * len(lines)), (255, 255, 255))
    canvas.paste(page.convert("RGB"), (0, 0))
    draw = ImageDraw.Draw(canvas)
    for i, (text, colour) in enumerate(lines):
        y = page.height + 4 + 14 * i
        draw.rectangle((8, y + 2, 18, y + 10), fill=colour)
        draw.text((24, y), text, fill=(0, 0, 0))
    return canvas


def _inspect_in_worker(path: str, out_dir: str, pages: list[list[int]] | None, hints: dict, limits: Limits,
                      overrides: dict) -> dict:
    try:
        check_document(Path(path), limits)  # the extract stage's checks first: a hostile file is refused the same way
        with overridden(overrides):
            return inspect_document(Path(path), Path(out_dir), pages, hints)
    except DocumentError as exc:
        return {"document": Path(path).name, "error": str(exc), "reason": exc.reason}


def run_inspect(document: Path, raw_docs: Path, out_dir: Path | None = None, pages: list[list[int]] | None = None,
                limits: Limits | None = None, settings: dict | None = None) -> dict:
    """Inspect a document (a path, or a file name in `raw_docs`) with its manifest hints, in a worker process under
    the extract stage's limits; PNGs go to `out_dir` (default: inspect/<document stem>/ here). Raises
    FileNotFoundError for a missing document, ValueError for a bad `settings` override (see settings.py); a
    document that cannot be read comes back as {"error": ...}."""
    overrides = resolve(settings or {})
    path = Path(document) if Path(document).is_file() else Path(raw_docs) / Path(document).name
    if not path.is_file():
        raise FileNotFoundError(f"{document}: no such PDF (here or in {raw_docs})")
    limits = limits or Limits()
    entry = load_manifest(path.parent).get(path.name, {}) if (path.parent / MANIFEST_NAME).is_file() else {}
    out_dir = Path(out_dir or Path("inspect") / path.stem).resolve()
    outcome = run_isolated([(path.name, (str(path), str(out_dir), pages, entry.get("hints") or {}, limits, overrides))],
                           _inspect_in_worker, jobs=1, timeout_s=limits.timeout_s,
                           memory_mb=limits.memory_mb)[path.name]
    if outcome.status != "done":
        return {"document": path.name, "error": f"{outcome.status}: {outcome.value}", "reason": outcome.status}
    return outcome.value
