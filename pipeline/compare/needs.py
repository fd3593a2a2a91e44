"""Needs across councils: the bullets of different frameworks that state one need, grouped, one group per need.

The same-need pairs (`matching.same_need_edges`) are joined best first; two groups join only when no bullet of one
conflicts with a bullet of the other (a strength never joins a concern, a milder grade never a stronger one,
the child's need never a parent's), so a chain of near pairs cannot carry two different needs into one group. A
group is published when it spans two frameworks or more: one row per bullet, with the need's wording (the bullet
most alike the others), how many frameworks state it and at which canonical levels. Its size grows with the
bullets, not with pairs of frameworks, so the table stays readable for a national collection.
"""

from __future__ import annotations

import hashlib

from .matching import Edges, conflicts

NEED_COLUMNS = (
    "need_id", "need_text", "n_frameworks", "canonical_levels", "level_spread", "framework", "document",
    "indicator_id", "page", "level_label", "canonical_level", "text",
)


def group_needs(edges: Edges) -> tuple[list[dict], dict[int, str]]:
    """(rows of the needs table, row number of each grouped bullet -> its need id)."""
    members: dict[int, list[int]] = {}
    owner: dict[int, int] = {}

    def root(i: int) -> int:
        return owner.get(i, i)

    order = sorted(zip(edges.score.tolist(), edges.a.tolist(), edges.b.tolist()), key=lambda t: (-t[0], t[1], t[2]))
    for _, a, b in order:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        group_a, group_b = members.get(ra, [ra]), members.get(rb, [rb])
        if any(conflicts(edges.signatures[x], edges.signatures[y]) for x in group_a for y in group_b):
            continue
        keep, gone = min(ra, rb), max(ra, rb)
        members[keep] = sorted(group_a + group_b)
        members.pop(gone, None)
        for i in members[keep]:
            owner[i] = keep
    alike = _likeness(edges)
    rows: list[dict] = []
    need_of: dict[int, str] = {}
    for group in members.values():
        records = [edges.records[i] for i in group]
        frameworks = sorted({r["framework"] for r in records})
        if len(frameworks) < 2:
            continue
        need_id = "need-" + hashlib.sha1("|".join(sorted(r["indicator_id"] for r in records)).encode()).hexdigest()[:10]
        centre = max(group, key=lambda i: (alike.get(i, 0.0), -i))
        levels = sorted({int(r["canonical_level"]) for r in records if r["canonical_level"] is not None})
        shared = {"need_id": need_id, "need_text": edges.records[centre]["text"], "n_frameworks": len(frameworks),
                  "canonical_levels": tuple(map(str, levels)),
                  "level_spread": (levels[-1] - levels[0]) if levels else None}
        for i in group:
            need_of[i] = need_id
            r = edges.records[i]
            rows.append({**shared, **{k: r[k] for k in ("framework", "document", "indicator_id", "page",
                                                           "level_label", "canonical_level", "text")}})
    rows.sort(key=lambda r: (-r["n_frameworks"], r["need_id"], r["framework"], r["indicator_id"]))
    return rows, need_of


def _likeness(edges: Edges) -> dict[int, float]:
    """Per bullet, the sum of its same-need scores: the group's most central wording has the most."""
    out: dict[int, float] = {}
    for a, b, score in zip(edges.a.tolist(), edges.b.tolist(), edges.score.tolist()):
        out[a] = out.get(a, 0.0) + score
        out[b] = out.get(b, 0.0) + score
    return out
