"""Compare stage: theme x framework levels, cross-framework matches and level disagreements, coverage of the
Working Together 2023 early-help groups, shared templates, and per-document consistency findings.

`run_compare(out)` reads OUT/normalised/indicators.csv (+ levels.csv) and writes OUT/compare/*.csv and *.json.
(Imported lazily, so `pipeline.compare.matching`'s signatures load without pandas and scikit-learn.)
"""

__all__ = ["run_compare"]


def __getattr__(name: str):
    if name == "run_compare":
        from .stage import run_compare

        return run_compare
    raise AttributeError(name)
