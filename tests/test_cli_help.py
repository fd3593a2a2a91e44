"""The command line: help texts, usage errors, the installed console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import __version__
from pipeline.cli import app

runner = CliRunner()
COMMANDS = ("extract", "normalise", "compare", "publish", "show", "run")


def test_top_level_help_lists_every_stage_and_the_exit_statuses():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"  {command} " in result.stdout
    assert "Exit status: 0 all documents ok; 1 some document failed" in " ".join(result.stdout.split())


@pytest.mark.parametrize("command, options", [
    ("extract", ["--raw-docs", "--out", "--jobs", "--no-cache", "--timeout", "--memory-mb", "--max-pages"]),
    ("run", ["--raw-docs", "--out", "--jobs", "--no-cache", "--progress"]),
    ("normalise", ["--raw-docs", "--out", "OUT/normalised"]),
    ("compare", ["--out", "OUT/compare"]),
    ("publish", ["--raw-docs", "--out", "previous release"]),
    ("show", ["--out", "--raw-docs", "--png", "PNG"]),
])
def test_command_help_explains_its_options(command, options):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for option in options:
        assert option in text


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"threshold-pipeline {__version__}"


@pytest.mark.parametrize("args, message", [
    (["extract", "--no-such-option"], "No such option"),
    (["extract", "--jobs", "-1"], "--jobs"),
    (["frobnicate"], "No such command"),
    (["extract", "--raw-docs", "does-not-exist"], f"input folder {Path.cwd() / 'does-not-exist'} not found"),
    (["run", "--raw-docs", "does-not-exist"], f"input folder {Path.cwd() / 'does-not-exist'} not found"),
])
def test_usage_errors_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_untrustworthy_manifest_is_a_usage_error_naming_it(tmp_path):
    (tmp_path / "manifest.yaml").write_text("documents:\n  - file: ../../etc/passwd.pdf\n    framework: x\n")
    result = runner.invoke(app, ["extract", "--raw-docs", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "manifest.yaml" in result.stderr and "plain file name" in result.stderr
    assert not (tmp_path / "out" / "interim").exists()


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("threshold")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "extract" in result.stdout
