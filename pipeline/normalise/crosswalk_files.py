"""Locating and reading the normalise stage's data files (pipeline/data/*.yaml) with clear errors."""

from __future__ import annotations

from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DataFileError(ValueError):
    """A data file (crosswalk, vocabulary, corrections) that cannot be used; the message names file and reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def data_path(name: str) -> Path:
    return DATA_DIR / name


def load_yaml(path: Path | str) -> dict:
    """Read a YAML mapping; a missing file, bad YAML or a non-mapping top level raises DataFileError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"invalid YAML: {exc}") from None
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
