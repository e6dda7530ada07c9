"""The command line: help with an example on every command, one-line errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from flows.cli import app


def _commands() -> list[tuple[str, Any]]:
    # typer vendors its own click: look at the command tree by shape, not by class.
    group = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        if hasattr(cmd, "commands"):
            found += [(f"{name} {sub}", c) for sub, c in cmd.commands.items()]
        else:
            found.append((name, cmd))
    return found


@pytest.mark.parametrize(
    ("name", "command"), _commands(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_command_has_help_with_an_example(name: str, command: Any) -> None:
    text = command.help or ""
    assert "Ví dụ: daihoi" in text, f"{name}: help lacks an example"


def _daihoi(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DAIHOI_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    env.pop("DAIHOI_DATABASE_URL", None)
    code = "from flows.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_user_error_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    init = _daihoi(["init"], tmp_path)
    assert init.returncode == 0, init.stderr
    result = _daihoi(["status"], tmp_path)  # no units yet (an unknown --org is exit 2 now)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Lỗi:" in result.stderr


def test_a_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = _daihoi(["status", "--as-of", "13/31/2025"], tmp_path)
    assert result.returncode == 2
    assert "không phải ngày hợp lệ" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_on_an_uninitialised_database_says_to_run_init(tmp_path: Path) -> None:
    result = _daihoi(["status"], tmp_path)
    assert result.returncode == 1
    assert "daihoi init" in result.stderr
