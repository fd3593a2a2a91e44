"""Threshold documents ("levels of need" PDFs) to structured, comparable data.

`pipeline.load(folder)` reads a published release as typed pandas DataFrames (see pipeline/loader.py).
"""

__version__ = "0.1.0"


def load(folder=None):
    """The published release in `folder` (default $PIPELINE_DATA, else extracted/) as typed DataFrames:
    `ds = load("extracted"); ds.indicators`. See pipeline.loader."""
    from pipeline.loader import load as _load  # pandas is imported only when data are loaded

    return _load(folder)
