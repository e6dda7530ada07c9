"""Help pages in Vietnamese (click's and typer's own English replaced where they allow it), and
README's command table naming every top-level command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from flows.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"
FRAMEWORK_ENGLISH = (
    "Show this message and exit",
    "[required]",
    "[default:",
    "Usage:",
    "[OPTIONS]",
    "COMMAND [ARGS]",
    "─ Options ",
    "─ Commands ",
    "─ Arguments ",
)


def _command_paths() -> list[list[str]]:
    # typer vendors its own click: the tree by shape, not by class.
    paths: list[list[str]] = [[]]
    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths += [[name, sub] for sub in getattr(cmd, "commands", {})]
    return paths


def _help(path: list[str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", [[], ["status"]], ids=["daihoi", "status"])
def test_root_and_status_help_carry_no_framework_english(path: list[str]) -> None:
    text = _help(path)
    assert "Show this message and exit" not in text
    assert "[required]" not in text
    assert "Xem hướng dẫn này rồi thoát." in text
    assert "Cách dùng: daihoi" in text


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "daihoi")
def test_every_help_page_is_in_vietnamese(path: list[str]) -> None:
    text = _help(path)
    found = [w for w in FRAMEWORK_ENGLISH if w in text]
    assert not found, f"daihoi {' '.join(path)} --help shows {found}"
    assert "Tùy chọn" in text


def test_a_required_option_is_marked_in_vietnamese() -> None:
    assert "[bắt buộc]" in _help(["forms"])


def _readme_rows() -> dict[str, str]:
    """Top-level command → the first cells of README's command-table rows that name it."""
    text = README.read_text(encoding="utf-8")
    table = text.split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    rows: dict[str, str] = {}
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line.split(" | ")[0]
        for name in set(re.findall(r"`daihoi ([a-z-]+)", cell)):
            rows[name] = rows.get(name, "") + cell
        rows[""] = rows.get("", "") + cell
    return rows


def _options(command: Any) -> set[str]:
    """The long options of a command and of its subcommands (the help option aside)."""
    found = {
        opt
        for param in getattr(command, "params", [])
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    }
    for sub in getattr(command, "commands", {}).values():
        found |= _options(sub)
    return found


def test_readme_command_table_names_every_top_level_command() -> None:
    group = typer.main.get_command(app)
    commands = set(group.commands)  # type: ignore[attr-defined]
    named = set(_readme_rows()) - {""}
    assert commands - named == set(), "README's command table lacks these commands"
    assert named - commands == set(), "README's command table names commands that do not exist"


def test_readme_command_table_lists_every_option() -> None:
    group = typer.main.get_command(app)
    rows = _readme_rows()
    missing = {
        f"{name} {opt}"
        for name, command in [("", group), *group.commands.items()]  # type: ignore[attr-defined]
        for opt in (_options(command) if name else {o for p in group.params for o in p.opts})
        if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", rows.get(name, ""))
    }
    assert missing == set(), "README's command table is silent on these options"


def test_a_default_the_help_names_in_words_is_not_repeated() -> None:
    text = _help(["audit"])
    assert "(mặc định 500)" in text
    assert "[mặc định: 500]" not in text
