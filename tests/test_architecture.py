"""The shape of the package: data flows raw_docs -> extract -> normalise -> compare -> publish, and no module
imports a later stage (the vocabularies, file and runner helpers below every stage; look-up, loader, diff and the
command line above them all). Read from the source (ast), so a stray import anywhere in a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
LAYERS = {"vocab": 0, "extract": 1, "normalise": 2, "compare": 3, "publish": 4}
TOP = {"lookup", "understand", "loader", "diff", "cli", "datasette_lookup", "__main__"}  # read the published data


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # pipeline/__init__: the version and a lazy `load`
    if parts[1] in LAYERS:
        return LAYERS[parts[1]]
    return 5 if parts[1] in TOP else 0  # errors, yaml_files, csvfile, manifest, runner*: helpers under every stage


def _imports(path: Path) -> set[str]:
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "pipeline"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] == "pipeline":
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    return {_module(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_imports_a_later_stage():
    graph = _graph()
    # the root package's `pipeline.load` is a facade over the loader, imported when called: it sits above all
    assert graph.pop("pipeline") == {"pipeline.loader"}
    wrong = sorted(f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
                   for module, targets in graph.items() for target in targets if _layer(target) > _layer(module))
    assert wrong == []


def test_no_import_cycle_between_modules():
    graph = _graph()
    known = set(graph)

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        return name or None

    edges = {m: {t for t in (resolve(x) for x in targets) if t and t != m and not m.startswith(t + ".")
                 and not t == "pipeline"} for m, targets in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []
