"""Read a PDF page into plain geometry: words with font facts, rotated labels, fills, rules and painted shapes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pdfplumber

from .settings import SETTINGS as S


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    font: str
    size: float
    colour: tuple = ()
    tracking: float = 0.0     # extra space between letters of letter-spaced text (points)

    @property
    def bold(self) -> bool:
        name = self.font.lower()
        return any(weight in name for weight in ("bold", "black", "heavy", "demi", "medium"))

    @property
    def coloured(self) -> bool:
        """Printed in a colour (not black, grey or white): designed documents colour their headings."""
        return len(self.colour) == 3 and max(self.colour) - min(self.colour) > 0.25

    @property
    def italic(self) -> bool:
        name = self.font.lower()
        return "italic" in name or "oblique" in name


@dataclass
class Box:
    x0: float
    top: float
    x1: float
    bottom: float
    color: tuple = ()

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class RotatedLabel:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    bold: bool


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rotated: list[RotatedLabel] = field(default_factory=list)
    fills: list[Box] = field(default_factory=list)      # shaded areas (cells, banners)
    hrules: list[Box] = field(default_factory=list)     # horizontal rules (lines or thin rectangles)
    vrules: list[Box] = field(default_factory=list)     # vertical rules
    shapes: list[Box] = field(default_factory=list)     # small painted marks (bullets with no character)


def _colour(obj, key: str = "non_stroking_color") -> tuple:
    col = obj.get(key)
    if col is None:
        return ()
    if isinstance(col, (int, float)):
        return (float(col),) * 3
    col = tuple(float(c) for c in col if isinstance(c, (int, float)))
    if len(col) == 1:
        return col * 3
    if len(col) == 4:  # CMYK
        c, m, y, k = col
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return col[:3]


def is_white(col: tuple) -> bool:
    return not col or min(col) >= S.white_share


def _flipped(c: dict) -> bool:
    """A character turned upside down (a side label whose 90-degree turn a writer drew as 180 degrees)."""
    matrix = c.get("matrix") or (1, 0, 0, 1)
    return matrix[0] < 0 and matrix[3] < 0


def _upright_words(page) -> list[Word]:
    upright = page.filter(lambda o: o.get("object_type") != "char" or (o.get("upright", True) and not _flipped(o)))
    words = upright.extract_words(x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False,
                                  use_text_flow=False, extra_attrs=["fontname", "size"], return_chars=True)
    return _join_letter_spaced([Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["fontname"].split("+")[-1],
                                     round(w["size"], 1), _colour(w["chars"][0]) if w.get("chars") else ())
                                for w in words])


def _join_letter_spaced(words: list[Word]) -> list[Word]:
    """Letter-spaced (tracked) text comes out one letter a word ("L E V E L"): join runs of three or more single
    letters on one line, in one font, spaced evenly; a gap wider than the run's own letter gap by a quarter of an
    em is a word space ("DEVELOPMENT OF THE CHILD", however wide the tracking)."""
    out: list[Word] = []
    run: list[Word] = []

    def joined(letters: list[Word]) -> Word:
        gaps = [b.x0 - a.x1 for a, b in zip(letters, letters[1:])] or [0.0]
        return Word("".join(w.text for w in letters), letters[0].x0, letters[-1].x1, min(w.top for w in letters),
                    max(w.bottom for w in letters), letters[0].font, letters[0].size, letters[0].colour,
                    sum(gaps) / len(gaps))

    def flush() -> None:
        if len(run) >= 3:
            gaps = [b.x0 - a.x1 for a, b in zip(run, run[1:])]
            letter_gap = sorted(gaps)[len(gaps) // 2] if len(gaps) >= 3 else min(gaps)
            word = [run[0]]
            for gap, w in zip(gaps, run[1:]):
                if gap > letter_gap + S.tracked_word_space_em * w.size:
                    out.append(joined(word))
                    word = []
                word.append(w)
            out.append(joined(word))
        else:
            out.extend(run)
        run.clear()

    for w in words:
        if len(w.text) == 1 and run and abs(w.top - run[-1].top) < 0.3 * w.size \
                and 0 <= w.x0 - run[-1].x1 < S.tracked_letter_gap_em * w.size and w.font == run[-1].font:
            run.append(w)
            continue
        flush()
        if len(w.text) == 1:
            run.append(w)
        else:
            out.append(w)
    flush()
    return out


def _rotated_runs(chars: list[dict]) -> list[tuple[bool, list[dict]]]:
    """Characters of one text column split into runs at vertical gaps (one run per label line)."""
    up = chars[0]["matrix"][1] > 0          # counter-clockwise: text reads bottom to top
    chars = sorted(chars, key=lambda c: -c["top"] if up else c["top"])
    runs, current = [], [chars[0]]
    for prev, c in zip(chars, chars[1:]):
        height = prev["x1"] - prev["x0"]
        gap = (prev["top"] - c["bottom"]) if up else (c["top"] - prev["bottom"])
        if gap > height:  # more than a word space: the next label down the same column
            runs.append(current)
            current = []
        current.append(c)
    runs.append(current)
    return [(up, run) for run in runs]


def _rotated_labels(chars: list[dict]) -> list[RotatedLabel]:
    """Join characters drawn at 90 degrees into labels: one text column per line, wrapped lines joined."""
    columns: list[list[dict]] = []  # one per text column; a writer placing each letter on its own may waver
    for c in sorted(chars, key=lambda c: c["x0"]):  # by a fraction of a point
        if columns and c["x0"] - columns[-1][0]["x0"] <= 1.0:
            columns[-1].append(c)
        else:
            columns.append([c])
    lines = [run for cs in columns for run in _rotated_runs(cs)]
    labels: list[RotatedLabel] = []
    for up, cs in lines:
        text = "".join(c["text"] for c in cs)
        x0 = min(c["x0"] for c in cs)
        x1 = max(c["x1"] for c in cs)
        top = min(c["top"] for c in cs)
        bottom = max(c["bottom"] for c in cs)
        bold = all("bold" in c["fontname"].lower() for c in cs if c["text"].strip())
        prev = next((lab for lab in reversed(labels)
                     if 0 <= x0 - lab.x1 < (x1 - x0) * 1.2 and top < lab.bottom and bottom > lab.top), None)
        if prev is not None:
            joined = (prev.text.rstrip() + " " + text.strip()) if up else (text.strip() + " " + prev.text.rstrip())
            labels[labels.index(prev)] = RotatedLabel(joined, prev.x0, min(prev.top, top), x1,
                                                      max(prev.bottom, bottom), prev.bold and bold)
        else:
            labels.append(RotatedLabel(text.strip(), x0, top, x1, bottom, bold))
    return [lab for lab in labels if lab.text]


def _flipped_labels(chars: list[dict]) -> list[RotatedLabel]:
    """Upside-down text read the right way round: each line right to left, the lines bottom to top, lines
    stacked within a line and a half of each other one label."""
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: -c["top"]):
        line = next((ln for ln in lines if abs(ln[0]["top"] - c["top"]) < 0.5 * c["size"]), None)
        if line is None:
            lines.append([c])
        else:
            line.append(c)
    labels: list[RotatedLabel] = []
    for line in lines:
        line.sort(key=lambda c: -c["x1"])
        text = line[0]["text"]
        for prev, c in zip(line, line[1:]):
            text += (" " if prev["x0"] - c["x1"] > 0.2 * c["size"] else "") + c["text"]
        x0, x1 = min(c["x0"] for c in line), max(c["x1"] for c in line)
        top, bottom = min(c["top"] for c in line), max(c["bottom"] for c in line)
        bold = all("bold" in c["fontname"].lower() for c in line if c["text"].strip())
        prev = labels[-1] if labels else None
        if prev is not None and 0 <= prev.top - bottom < 1.5 * (bottom - top) and x0 < prev.x1 and prev.x0 < x1:
            labels[-1] = RotatedLabel(f"{prev.text} {text.strip()}", min(prev.x0, x0), top, max(prev.x1, x1),
                                      prev.bottom, prev.bold and bold)
        elif text.strip():
            labels.append(RotatedLabel(text.strip(), x0, top, x1, bottom, bold))
    return [RotatedLabel(" ".join(lab.text.split()), lab.x0, lab.top, lab.x1, lab.bottom, lab.bold) for lab in labels]


def _graphics(page) -> tuple[list[Box], list[Box], list[Box], list[Box]]:
    fills, hrules, vrules, shapes = [], [], [], []
    for r in page.rects + page.curves:
        box = Box(r["x0"], r["top"], r["x1"], r["bottom"], _colour(r))
        w, h = box.width, box.height
        filled = r.get("fill") and not is_white(box.color)
        painted = filled or (r.get("stroke") and not is_white(_colour(r, "stroking_color")))
        if w <= 2.0 and h > 4:
            vrules.append(box)
        elif h <= 2.0 and w > 4:
            hrules.append(box)
        elif painted and 1 < w <= 8 and 1 < h <= 8:
            shapes.append(box)  # a disc, square or diamond, filled or outlined
        elif filled:
            fills.append(box)
        if r.get("stroke") and w > 2 and h > 2 and r["object_type"] == "rect":
            # a stroked rectangle draws four rules
            hrules += [Box(box.x0, box.top, box.x1, box.top), Box(box.x0, box.bottom, box.x1, box.bottom)]
            vrules += [Box(box.x0, box.top, box.x0, box.bottom), Box(box.x1, box.top, box.x1, box.bottom)]
    for ln in page.lines:
        box = Box(ln["x0"], ln["top"], ln["x1"], ln["bottom"], _colour(ln))
        if box.height <= 2.0 and box.width > 2:
            hrules.append(box)
        elif box.width <= 2.0 and box.height > 2:
            vrules.append(box)
    # the side edges of shaded cells separate columns just as rules do
    for f in fills:
        vrules += [Box(f.x0, f.top, f.x0, f.bottom), Box(f.x1, f.top, f.x1, f.bottom)]
    return fills, hrules, vrules, shapes


def read_page(page, number: int) -> Page:
    rotated_chars = [c for c in page.chars if not c.get("upright", True)]
    flipped_chars = [c for c in page.chars if c.get("upright", True) and _flipped(c)]
    fills, hrules, vrules, shapes = _graphics(page)
    rotated = _rotated_labels(rotated_chars) if rotated_chars else []
    return Page(number=number, width=float(page.width), height=float(page.height),
                words=_upright_words(page), rotated=rotated + _flipped_labels(flipped_chars),
                fills=fills, hrules=hrules, vrules=vrules, shapes=shapes)


def open_pdf(path):
    return pdfplumber.open(path)
