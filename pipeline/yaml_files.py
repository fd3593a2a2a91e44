"""The one way the project reads YAML: raw_docs/manifest.yaml and corrections.yaml, and the data files under
pipeline/data and pipeline/compare/data all go through `load_yaml`, a bounded and strict loader.

Bounded: the file's size (MAX_BYTES), the nesting depth (MAX_DEPTH), and the number of nodes and the characters
of text once aliases are expanded (MAX_NODES, MAX_TEXT), so a "billion laughs" file, one long text aliased
thousands of times or a 100,000-deep nesting is refused at once instead of exhausting memory or the stack. Strict: a key given twice in one mapping is refused (YAML would keep the last
silently). A date that is no real date (`2022-13-45`) stays text, for the reader to judge. A file that is a link
out of its folder (`inside`) or not a regular file is refused. Errors name the file and the line, never quote it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputFileError

MAX_BYTES = 1 << 20  # 1 MiB: a manifest of thousands of documents; the data files are a few kB
MAX_DEPTH = 50
MAX_NODES = 200_000
MAX_TEXT = 4 << 20  # characters of text once aliases are expanded: a label aliased 20,000 times is refused at once


class YamlFileError(InputFileError):
    """A YAML file that cannot be read within the bounds; the message names the file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


class _Refused(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts nesting and expanded nodes while composing, and refuses duplicate keys."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(node) -> nodes under it, aliases expanded
        self._texts: dict[int, int] = {}  # id(node) -> characters of text under it, aliases expanded

    def compose_node(self, parent, index):
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:  # the alias is inside the value it names
                raise _Refused(problem="an alias refers to the value that contains it", problem_mark=mark)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        children = _children(node)
        self._sizes[id(node)] = 1 + sum(self._sizes[id(child)] for child in children)
        self._texts[id(node)] = (len(node.value) if isinstance(node, yaml.ScalarNode)
                                 else sum(self._texts[id(child)] for child in children))
        if self._sizes[id(node)] > MAX_NODES:
            raise _Refused(problem=f"more than {MAX_NODES} values once aliases are expanded", problem_mark=mark)
        if self._texts[id(node)] > MAX_TEXT:
            raise _Refused(problem=f"more than {MAX_TEXT} characters of text once aliases are expanded",
                           problem_mark=mark)
        return node

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the constructor below refuses it
                continue
            if duplicate:
                raise _Refused(problem=f"key {key!r} is given twice in one mapping",
                               problem_mark=key_node.start_mark)
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2022-13-45 looks like a date but is none: the reader judges the text
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _where(exc: yaml.YAMLError) -> str:
    """The error's reason and position, without the snippet of the file PyYAML would quote."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    mark = exc.problem_mark or exc.context_mark
    text = "; ".join(part for part in (exc.context, exc.problem) if part) or "malformed"
    return f"{text} (line {mark.line + 1}, column {mark.column + 1})" if mark else text


def read_text(path: Path, inside: Path | None = None, max_bytes: int = MAX_BYTES) -> str:
    """The file's UTF-8 text: a regular file, at most max_bytes, inside `inside` when given."""
    path = Path(path)
    if inside is not None and not path.resolve().is_relative_to(Path(inside).resolve()):
        raise YamlFileError(path, "a link to a file outside the input folder; refused")
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise YamlFileError(path, "not a regular file")
        if info.st_size > max_bytes:
            raise YamlFileError(path, f"{info.st_size / 1024 / 1024:.1f} MB, the limit is "
                                      f"{max_bytes / 1024 / 1024:g} MB")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise YamlFileError(path, "file not found") from None
    except OSError as exc:
        raise YamlFileError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise YamlFileError(path, f"larger than the limit of {max_bytes / 1024 / 1024:g} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlFileError(path, f"not UTF-8 text (byte {exc.start})") from None


def load_yaml(path: Path | str, *, inside: Path | None = None) -> Any:
    """The YAML document in `path`, read within the bounds above; YamlFileError names the file and why not."""
    text = read_text(Path(path), inside)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise YamlFileError(path, f"not valid YAML: {_where(exc)}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value the constructors refuse
        raise YamlFileError(path, f"not valid YAML: {type(exc).__name__}: {str(exc)[:200]}") from None
