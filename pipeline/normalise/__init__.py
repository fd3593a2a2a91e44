"""Normalise stage: local levels, areas, domains and wording -> one common schema (see stage.py).

The stage is imported on first use, so other stages can use the vocabulary modules (levels, keys) without
loading spaCy.
"""

__all__ = ["COLUMNS", "run_normalise"]


def __getattr__(name: str):
    if name in __all__:
        from . import stage

        return getattr(stage, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
