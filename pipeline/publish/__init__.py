"""Publish stage: validated, atomic release of the datasets, the report and Data Docs at the top of OUT."""

from __future__ import annotations

from pathlib import Path


def run_publish(raw_docs: Path, out: Path) -> dict:
    """See pipeline.publish.stage.run_publish (imported lazily: great-expectations is slow to import)."""
    from pipeline.publish.stage import run_publish as _run

    return _run(raw_docs, out)


def render_indicator(out: Path, indicator_id: str, png_path: Path, **kwargs) -> dict:
    """See pipeline.publish.show.render_indicator."""
    from pipeline.publish.show import render_indicator as _render

    return _render(out, indicator_id, png_path, **kwargs)


__all__ = ["run_publish", "render_indicator"]
