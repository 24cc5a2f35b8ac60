"""Project habits: the console entry point, the subcommand modules, the test command."""
from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from generator import cli
from generator.commands import COMMANDS, DEFAULT

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_console_entry_point_is_the_cli():
    target = _pyproject()["project"]["scripts"]["performans"]
    module, _, name = target.partition(":")
    assert getattr(importlib.import_module(module), name) is cli.main


def test_every_subcommand_module_has_the_interface():
    names = [c.NAME for c in COMMANDS]
    assert len(names) == len(set(names)) and DEFAULT in COMMANDS
    for command in COMMANDS:
        assert command.HELP.endswith(".") and callable(command.run)
        parser = argparse.ArgumentParser()
        command.add_arguments(parser)  # must not raise (no clashing options)


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    printed = capsys.readouterr().out
    for command in COMMANDS:
        assert command.NAME in printed and command.HELP in printed


def test_build_py_still_runs_the_cli():
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "rules"], capture_output=True, text=True,
                          cwd=ROOT, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "TOP-02" in done.stdout and "Doğrulama kuralları" in done.stdout


def test_runtime_and_test_dependencies_are_apart():
    project = _pyproject()["project"]
    runtime = " ".join(project["dependencies"]).lower()
    assert "pytest" not in runtime and "ruff" not in runtime and "mypy" not in runtime
    assert {"pytest", "ruff", "mypy"} <= {d.split(">")[0].split("=")[0].strip().lower()
                                           for d in project["optional-dependencies"]["test"]}


def test_test_command_runs_lint_and_type_checks_before_pytest():
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert script.index("ruff check") < script.index("mypy") < script.index("pytest")
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
