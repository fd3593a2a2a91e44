"""The documentation keeps up with the command line: every `threshold` command is in the README's table and every
option of every command is explained in the README or docs/ (as sqlite-utils checks its own)."""

from __future__ import annotations

from pathlib import Path

import typer.main

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _documentation() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def test_every_command_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = typer.main.get_command(app).commands
    assert len(commands) >= 9
    missing = [name for name in commands if f"| `threshold {name}" not in readme]
    assert missing == []


def test_every_option_of_every_command_is_documented():
    text = _documentation()
    missing = []
    for name, command in typer.main.get_command(app).commands.items():
        for param in command.params:
            for flag in param.opts + param.secondary_opts:
                if flag.startswith("--") and flag not in text:
                    missing.append(f"{name} {flag}")
    assert missing == []


def test_the_readme_stays_an_overview():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    for doc in ("extraction", "data", "lookup-and-sqlite", "reliability", "testing"):
        assert f"(docs/{doc}.md)" in readme
