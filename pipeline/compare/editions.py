"""What changed between two editions of a framework.

Editions are a framework's documents with different `published` dates (from the manifest), in date order; each
consecutive pair is diffed. Bullets are aligned by their text and their place in the level scheme, never by page
position, so a document re-issued in another layout with the same bullets gives no change:

1. the same text (case, quotes, dashes and spacing folded) pairs first, at the same level when it can: these are
   unchanged, or `moved` when the level differs;
2. what is left pairs by likeness of wording, best pair first: `reworded` at the same level, `moved` (reason
   "moved and reworded") at another;
3. bullets still unpaired are `removed` (earlier edition) or `added` (later edition);
4. an area or domain label whose paired bullets now mostly sit under one label the earlier edition did not have
   is `regrouped`: one row for the label, not one per bullet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable, Iterable, Mapping

import pandas as pd

from .text import fold, words

EDITION_CHANGE_COLUMNS = (
    "framework", "document_before", "document_after", "published_before", "published_after", "change",
    "text_before", "text_after", "level_before", "level_after", "level_rank_before", "level_rank_after",
    "group_before", "group_after",
    "page_before", "page_after", "reason",
)
CHANGE_ORDER = {"added": 0, "removed": 1, "moved": 2, "reworded": 3, "regrouped": 4}

# Two bullets are the same bullet with edited words when their wording is this alike (difflib ratio of the folded
# texts) or when the shorter one's words nearly all recur in the longer one and the ratio is not far off.
REWORD_RATIO = 0.8
REWORD_CONTAINMENT = 0.85
REWORD_CONTAINMENT_RATIO = 0.5
REWORD_MIN_WORDS = 2
REWORD_SHORT_ADDED = 3  # a one-word bullet may gain this many words ("Radicalisation (including online)")
# A label is renamed when at least this share (and at least REGROUP_MIN bullets) of its paired bullets carry one
# new label.
REGROUP_SHARE = 0.6
REGROUP_MIN = 2


@dataclass(frozen=True)
class Bullet:
    """One indicator of one edition, as the diff sees it."""

    text: str
    folded: str
    skeleton: str  # letters and digits only: a PDF's line breaks add or drop spaces and hyphens ("confiden ce",
    # "ante-\nnatal" read as "antenatal"), so texts equal in their skeleton are the same bullet
    level_label: str
    level_rank: int | None
    canonical_level: int | None
    labels: tuple[str, ...]  # its area and domain labels as printed (empty ones left out)
    page: int | None

    @property
    def group(self) -> str:
        """The innermost grouping label: the domain when there is one, else the area."""
        return self.labels[-1] if self.labels else ""


def editions(documents: pd.DataFrame) -> dict[str, list[str]]:
    """Framework -> its documents in publication order, for frameworks with two or more dated editions.

    Documents without a date, or sharing a date with another of the framework's documents, are not editions (the
    later-listed of two same-date documents is a part or a copy, not a revision)."""
    found: dict[str, list[str]] = {}
    for framework, group in documents.groupby("framework", sort=True):
        dated = group[group["published"].astype(str).str.strip() != ""]
        by_date = dated.sort_values(["published", "document"], kind="stable").drop_duplicates("published")
        if len(by_date) >= 2:
            found[str(framework)] = [str(d) for d in by_date["document"]]
    return found


def bullet(row: Mapping) -> Bullet:
    """An indicator row (normalised or interim: text, level_label, level_rank, area, domain, page and, when known,
    canonical_level) as a Bullet."""
    text = str(row["text"])
    labels = tuple(str(row.get(k) or "").strip() for k in ("area", "domain") if str(row.get(k) or "").strip())
    rank, canonical, page = (row.get(k) for k in ("level_rank", "canonical_level", "page"))
    return Bullet(text, fold(text), skeleton(text), str(row.get("level_label") or ""),
                  int(rank) if _known(rank) else None, int(canonical) if _known(canonical) else None, labels,
                  int(page) if _known(page) else None)


def bullets_of(indicators: pd.DataFrame, document: str) -> list[Bullet]:
    """The document's indicators in reading order as Bullets."""
    return [bullet(row) for row in indicators[indicators["document"] == document].to_dict("records")]


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and str(value).strip() != ""


def skeleton(text: str) -> str:
    """Letters and digits of the folded text: what stays when a layout changes spacing and hyphenation."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


SameLevel = Callable[[Bullet, Bullet], bool]


def _levels(bullets: list[Bullet]) -> dict:
    """Level rank -> one of its bullets (for its label and canonical level)."""
    return {b.level_rank: b for b in bullets}


def _unique_labels(levels: dict) -> dict[str, int]:
    """Level label (skeleton) -> rank, for labels printed at one level only."""
    ranks = defaultdict(set)
    for rank, bullet in levels.items():
        ranks[skeleton(bullet.level_label)].add(rank)
    return {label: next(iter(found)) for label, found in ranks.items() if len(found) == 1}


def level_correspondence(before: list[Bullet], after: list[Bullet]) -> SameLevel:
    """Which levels of the two editions are the same level.

    A level keeps its place when its label is printed again at one level (spacing and case aside); the others
    correspond by rank when both editions have as many levels, else by canonical level. The canonical level alone
    is not trusted: it can rest on a level's description, which a re-issue may shorten or drop."""
    old, new = _levels(before), _levels(after)
    old_by_label, new_by_label = _unique_labels(old), _unique_labels(new)
    pairs = {(rank, new_by_label[label]) for label, rank in old_by_label.items() if label in new_by_label}
    left_old = sorted(r for r in old if r not in {a for a, _ in pairs})
    left_new = sorted(r for r in new if r not in {b for _, b in pairs})
    if len(old) == len(new):
        pairs |= set(zip(left_old, left_new))
    else:
        pairs |= {(a, b) for a in left_old for b in left_new
                  if old[a].canonical_level is not None and old[a].canonical_level == new[b].canonical_level}
    return lambda a, b: (a.level_rank, b.level_rank) in pairs


def pair_same_text(before: list[Bullet], after: list[Bullet], same_level: SameLevel) -> list[tuple[int, int]]:
    """Pairs of indices with the same words (spacing and punctuation ignored), same-level pairs first, then in reading order."""
    waiting: dict[str, list[int]] = defaultdict(list)
    for j, bullet in enumerate(after):
        waiting[bullet.skeleton].append(j)
    pairs, unpaired = [], []
    for i, bullet in enumerate(before):  # same text, same level
        candidates = waiting.get(bullet.skeleton, [])
        j = next((j for j in candidates if same_level(bullet, after[j])), None)
        if j is None:
            unpaired.append(i)
        else:
            candidates.remove(j)
            pairs.append((i, j))
    for i in unpaired:  # same text, another level
        candidates = waiting.get(before[i].skeleton, [])
        if candidates:
            pairs.append((i, candidates.pop(0)))
    return pairs


def likeness(a: str, b: str) -> float:
    """How alike two folded texts are as edits of one bullet (0 when they are not)."""
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if ratio >= REWORD_RATIO:
        return ratio
    words_a, words_b = set(words(a)), set(words(b))
    shorter, longer = sorted((words_a, words_b), key=len)
    if ratio < REWORD_CONTAINMENT_RATIO or not shorter:
        return 0.0
    if len(shorter) < REWORD_MIN_WORDS and len(longer) - len(shorter) > REWORD_SHORT_ADDED:
        return 0.0  # one word found in a long bullet is a topic shared, not an edit
    containment = len(words_a & words_b) / len(shorter)
    return ratio if containment >= REWORD_CONTAINMENT else 0.0


def pair_edited(before: list[Bullet], after: list[Bullet], left_before: Iterable[int], left_after: Iterable[int],
                same_level: SameLevel) -> list[tuple[int, int, float]]:
    """Best-first pairs of still-unpaired bullets whose wording is alike (same level breaks ties)."""
    left_after = list(left_after)
    scored = []
    for i in left_before:
        for j in left_after:
            score = likeness(before[i].folded, after[j].folded)
            if score:
                scored.append((-score, not same_level(before[i], after[j]), i, j))
    scored.sort()
    used_i, used_j, pairs = set(), set(), []
    for neg_score, _, i, j in scored:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j, -neg_score))
    return pairs


def renamed_labels(before: list[Bullet], after: list[Bullet], pairs: Iterable[tuple[int, int]]) -> list[tuple]:
    """(old label, new label, moved, total) for labels whose paired bullets mostly moved to one new label.

    Labels compare by their letters and digits; area and domain labels alike (a layout may print either)."""
    old_labels = {skeleton(label) for b in before for label in b.labels}
    carried: dict[str, Counter] = defaultdict(Counter)
    printed: dict[str, str] = {}
    for i, j in pairs:
        a, b = before[i], after[j]
        same_shape = len(a.labels) == len(b.labels)
        for old, new in (zip(a.labels, b.labels) if same_shape else [(a.group, b.group)]):
            printed.setdefault(skeleton(old), old)
            carried[skeleton(old)][new] += 1
    renamed = []
    for key in sorted(carried):
        new_label, moved = max(carried[key].items(), key=lambda kv: (kv[1], kv[0]))
        total = sum(carried[key].values())
        if (new_label and skeleton(new_label) not in old_labels and moved >= REGROUP_MIN
                and moved >= REGROUP_SHARE * total):
            renamed.append((printed[key], new_label, moved, total))
    return renamed


def diff(framework: str, doc_before: str, doc_after: str, before: list[Bullet], after: list[Bullet],
         published: tuple[str, str] = ("", "")) -> list[dict]:
    """The change rows between two editions' bullets."""
    base = {"framework": framework, "document_before": doc_before, "document_after": doc_after,
            "published_before": published[0], "published_after": published[1]}
    same_level = level_correspondence(before, after)
    exact = pair_same_text(before, after, same_level)
    paired_i, paired_j = {i for i, _ in exact}, {j for _, j in exact}
    edited = pair_edited(before, after, [i for i in range(len(before)) if i not in paired_i],
                         [j for j in range(len(after)) if j not in paired_j], same_level)
    rows = []
    for i, j in exact:
        if not same_level(before[i], after[j]):
            rows.append(_row(base, "moved", before[i], after[j], _moved_reason(before[i], after[j])))
    for i, j, score in edited:
        if same_level(before[i], after[j]):
            rows.append(_row(base, "reworded", before[i], after[j], f"wording edited (likeness {score:.2f})"))
        else:
            rows.append(_row(base, "moved", before[i], after[j],
                             f"{_moved_reason(before[i], after[j])}; wording edited (likeness {score:.2f})"))
        paired_i.add(i)
        paired_j.add(j)
    rows += [_row(base, "removed", b, None, "no like bullet in the later edition")
             for i, b in enumerate(before) if i not in paired_i]
    rows += [_row(base, "added", None, a, "no like bullet in the earlier edition")
             for j, a in enumerate(after) if j not in paired_j]
    for old, new, moved, total in renamed_labels(before, after, exact + [(i, j) for i, j, _ in edited]):
        rows.append(_row(base, "regrouped", None, None, f"{moved} of {total} bullets under '{old}' are now under "
                                                        f"'{new}'") | {"group_before": old, "group_after": new})
    return sorted(rows, key=_sort_key)


def _moved_reason(a: Bullet, b: Bullet) -> str:
    return f"level '{a.level_label}' -> '{b.level_label}'"


def _row(base: dict, change: str, a: Bullet | None, b: Bullet | None, reason: str) -> dict:
    return base | {
        "change": change,
        "text_before": a.text if a else "", "text_after": b.text if b else "",
        "level_before": a.level_label if a else "", "level_after": b.level_label if b else "",
        "group_before": a.group if a else "", "group_after": b.group if b else "",
        "page_before": a.page if a else None, "page_after": b.page if b else None, "reason": reason,
        "level_rank_before": a.level_rank if a else None, "level_rank_after": b.level_rank if b else None,
    }


def _sort_key(row: dict) -> tuple:
    rank = row["level_rank_before"] or row["level_rank_after"] or 0
    return (row["framework"], row["published_before"], row["document_before"], CHANGE_ORDER[row["change"]],
            rank, row["text_before"], row["text_after"], row["group_before"], row["group_after"])


def edition_changes(indicators: pd.DataFrame, documents: pd.DataFrame) -> list[dict]:
    """Every change between consecutive editions of every framework that has editions."""
    published = dict(zip(documents["document"], documents["published"].astype(str)))
    rows = []
    for framework, docs in editions(documents).items():
        for old, new in zip(docs, docs[1:]):
            rows += diff(framework, old, new, bullets_of(indicators, old), bullets_of(indicators, new),
                         (published[old], published[new]))
    return rows


def change_counts(rows: list[dict]) -> dict[str, int]:
    """Rows per kind of change, in the order added, removed, moved, reworded, regrouped (zeros left out)."""
    counts = Counter(r["change"] for r in rows)
    return {kind: counts[kind] for kind in CHANGE_ORDER if counts[kind]}


def by_level(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Changes grouped by the level they concern (the later edition's for added and moved bullets, else the
    earlier's), levels in rank order; label renames come last under "Areas and domains"."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if row["change"] == "regrouped":
            groups[(1, 0, "Areas and domains")].append(row)
        elif row["level_after"]:
            groups[(0, int(row.get("level_rank_after") or 0), row["level_after"])].append(row)
        else:
            groups[(0, int(row.get("level_rank_before") or 0), row["level_before"])].append(row)
    return [(key[2], groups[key]) for key in sorted(groups)]
