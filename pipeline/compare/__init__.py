"""Compare stage: theme x framework levels, cross-framework matches and level disagreements, coverage of the
Working Together 2023 early-help groups, shared templates, and per-document consistency findings.

`run_compare(out)` reads OUT/normalised/indicators.csv (+ levels.csv) and writes OUT/compare/*.csv and *.json.
"""

from .stage import run_compare

__all__ = ["run_compare"]
