"""The lemma lookup (spacy-lookups-data's English table, what the normaliser lemmatises with), read without
importing spaCy so that `threshold lookup` starts fast."""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _table() -> dict:
    spec = importlib.util.find_spec("spacy_lookups_data")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "en_lemma_lookup.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Lower-case lookup lemma, followed to a fixed point (cycles resolve to their smallest member)."""
    table = _table()
    current = word.lower()
    seen = [current]
    while True:
        nxt = table.get(current)
        if not isinstance(nxt, str) or nxt == current or not nxt:
            return current
        if nxt in seen:
            return min(seen[seen.index(nxt):])
        seen.append(nxt)
        current = nxt
