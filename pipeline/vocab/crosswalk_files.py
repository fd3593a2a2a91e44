"""Locating and reading the normalise stage's data files (pipeline/data/*.yaml) with clear errors."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputFileError
from pipeline.yaml_files import YamlFileError
from pipeline.yaml_files import load_yaml as _load_bounded

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DataFileError(InputFileError):
    """A data file (crosswalk, vocabulary, corrections) that cannot be used; the message names file and reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def data_path(name: str) -> Path:
    return DATA_DIR / name


def load_yaml(path: Path | str, inside: Path | None = None) -> dict:
    """Read a YAML mapping with the project's bounded loader (pipeline/yaml_files.py; `inside`: the folder it
    must not link out of); a missing file, bad YAML or a non-mapping top level raises DataFileError."""
    path = Path(path)
    try:
        data = _load_bounded(path, inside=inside)
    except YamlFileError as exc:
        raise DataFileError(path, exc.reason) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataFileError(path, "top level must be a mapping")
    return data


def string_list(value: object, path: Path | str, where: str) -> list[str]:
    """A YAML list of strings (a single string is accepted as a one-item list)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise DataFileError(path, f"{where}: expected a list of strings")
    if any(isinstance(v, bool) for v in value):  # YAML reads bare no/yes/on/off as booleans
        raise DataFileError(path, f"{where}: quote words such as \"no\", \"yes\", \"on\", \"off\"")
    return [str(v) for v in value]
