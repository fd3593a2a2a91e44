"""Normalise stage: local levels, areas, domains and wording -> one common schema (see stage.py)."""

from .stage import COLUMNS, run_normalise

__all__ = ["COLUMNS", "run_normalise"]
