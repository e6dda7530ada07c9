"""Usage errors are one Vietnamese line and exit 2, the framework's own included; errors a user
causes in `run`, `demo` and `serve` print one line and never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from flows.cli import app
from models.db import write_session
from models.enums import OrgKind
from tasks.core.errors import UserError
from tests.helpers.factories import add_org

ENGLISH = re.compile(r"Missing|Invalid|No such|Usage|Error|Try |option\b|argument\b|Aborted")


def _run(*args: str) -> tuple[int, str]:
    """`daihoi ARGS` in-process, as main() ends it: (exit code, what stderr shows)."""
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, UserError):
        return result.exception.exit_code, f"Lỗi: {result.exception.message}\n"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def _daihoi(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`daihoi ARGS` in a process of its own (what a user sees, Prefect's logging included)."""
    code = "from flows.cli import main; main()"
    full = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "80", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=full, capture_output=True, text=True, timeout=300
    )


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Lỗi: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["forms", "nhan-su"], "Lỗi: Thiếu tùy chọn bắt buộc '--org'. Xem: daihoi forms --help"),
        (["frobnicate"], "Lỗi: Không có lệnh 'frobnicate'. Xem: daihoi --help"),
        (
            ["so-van-ban", "set", "BC", "abc"],
            "Lỗi: Giá trị không hợp lệ cho 'NUMBER': 'abc' không phải số nguyên. "
            "Xem: daihoi so-van-ban set --help",
        ),
        (["-3"], "Lỗi: Không có tùy chọn '-3'. Xem: daihoi --help"),
        (
            ["status", "--jsn"],
            "Lỗi: Không có tùy chọn '--jsn'. Có phải ý bạn là --json? Xem: daihoi status --help",
        ),
        (["stats"], "Lỗi: Không có lệnh 'stats'. Có phải ý bạn là 'status'? Xem: daihoi --help"),
        (
            ["demo", "--scale", "huge"],
            "Lỗi: Giá trị không hợp lệ cho '--scale': 'huge' không có trong danh sách: "
            "committee, city, national. Xem: daihoi demo --help",
        ),
        (["run"], "Lỗi: Thiếu đối số bắt buộc 'FLOW'. Xem: daihoi run --help"),
        (["status", "a", "b"], "Lỗi: Thừa đối số: a b. Xem: daihoi status --help"),
        (["backup", "--out"], "Lỗi: Tùy chọn '--out' cần một giá trị."),
        (
            ["status", "--limit", "1,5"],
            "Lỗi: Giá trị không hợp lệ cho '--limit': '1,5' không phải số nguyên. "
            "Xem: daihoi status --help",
        ),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_a_framework_usage_error_is_one_vietnamese_line_and_exit_2(
    args: list[str], line: str
) -> None:
    code, stderr = _run(*args)
    assert code == 2
    assert _one_line(stderr) == line
    assert not ENGLISH.search(line)


def test_a_usage_error_stays_one_line_in_a_narrow_terminal(home: Path) -> None:
    result = _daihoi(["so-van-ban", "set", "BC", "abc"], {"COLUMNS": "40"})
    assert result.returncode == 2
    assert "'abc' không phải số nguyên" in _one_line(result.stderr)


ORG_COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["report", "progress"],
    ["forms", "nhan-su"],
    ["export", "status", "--out", "x.xlsx"],
    ["export", "tiep-thu", "--out", "x.xlsx"],
    ["override", "training", "--state", "done", "--from", "2025-03-01", "--reason", "x"],
    ["audit"],
    ["run", "prepare"],
    ["run", "reminders"],
]


@pytest.mark.db
@pytest.mark.parametrize("args", ORG_COMMANDS, ids=lambda a: " ".join(a))
def test_an_unknown_org_is_a_usage_error_in_every_command(engine: Engine, args: list[str]) -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        add_org(s, "CB-A", parent=root, congress=date(2025, 4, 1))
    code, stderr = _run(*args, "--org", "KHONG-CO")
    assert code == 2
    assert _one_line(stderr) == "Lỗi: --org: không có đơn vị mã 'KHONG-CO'."


def _units(engine: Engine) -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        add_org(s, "CB-A", parent=root, congress=date(2025, 4, 1))


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (["run", "prepare", "--org", "KHONG-CO"], 2, "Lỗi: --org: không có đơn vị mã 'KHONG-CO'."),
        (
            ["run", "prepare", "--plan", "khong-co"],
            1,
            "Lỗi: Không có kế hoạch 'khong-co'. Các kế hoạch hiện có: ct35-2024, ct45-2025.",
        ),
        (["run", "intake", "--org", "KHONG-CO"], 2, "Lỗi: --org: không có đơn vị mã 'KHONG-CO'."),
        (["run", "intake", "--plan", "ct45-2025"], 2, "Lỗi: Luồng 'intake' không nhận --plan."),
        (["run", "frob"], 2, None),
        (["run", "prepare", "--as-of", "31/02/2025"], 2, None),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_a_user_error_in_run_is_one_line_never_a_traceback(
    engine: Engine, args: list[str], code: int, line: str | None
) -> None:
    _units(engine)
    result = _daihoi(args)
    assert result.returncode == code
    shown = _one_line(result.stderr)
    assert line is None or shown == line


def test_run_on_a_registry_with_no_units_is_one_line(engine: Engine) -> None:
    result = _daihoi(["run", "prepare"])
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        "Lỗi: Chưa có đơn vị nào: hãy nhập danh sách tổ chức đảng (biểu mẫu don-vi) hoặc chạy "
        "'daihoi demo'."
    )


def test_demo_on_real_data_is_one_line_never_a_traceback(engine: Engine) -> None:
    _units(engine)
    result = _daihoi(["demo"])
    assert result.returncode == 1
    assert "dữ liệu thật" in _one_line(result.stderr)


def test_demo_with_a_bad_date_is_a_usage_error(home: Path) -> None:
    result = _daihoi(["demo", "--as-of", "2025-13-01"])
    assert result.returncode == 2
    assert "--as-of" in _one_line(result.stderr)


def test_serve_with_a_bad_port_is_a_usage_error(home: Path) -> None:
    result = _daihoi(["serve", "--port", "70000"])
    assert result.returncode == 2
    assert _one_line(result.stderr) == "Lỗi: --port: 70000 không phải cổng hợp lệ (1–65535)."


def test_a_user_error_raised_inside_a_flow_run_prints_no_prefect_traceback(
    engine: Engine,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    harness: None,
) -> None:
    """The safety net: what a flow raises for the user is not logged by Prefect with its
    traceback; the CLI prints it as one line once the flow call re-raises it."""
    from prefect import flow

    from flows.cli import run as run_cli

    @flow(name="refuses")
    def refuses() -> None:
        raise UserError("Không có kế hoạch 'x'.")

    monkeypatch.setattr(run_cli, "load_flow", lambda name: refuses)
    with pytest.raises(UserError):
        run_cli.run_flow("prepare", {})
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert "UserError" not in captured.err + captured.out


def test_an_unusable_setting_in_run_is_one_line_naming_it(home: Path) -> None:
    result = _daihoi(["run", "prepare"], {"DAIHOI_TASK_RUNNER": "foo"})
    assert result.returncode == 1
    assert _one_line(result.stderr) == (
        "Lỗi: Cấu hình không hợp lệ: DAIHOI_TASK_RUNNER (hoặc 'task_runner' trong daihoi.toml) "
        "= 'foo': chỉ nhận 'thread', 'process' hoặc 'dask'."
    )


def test_a_malformed_configuration_file_is_one_line(home: Path) -> None:
    (home / "daihoi.toml").write_text("issuer = [\n", encoding="utf-8")
    result = _daihoi(["serve"])
    assert result.returncode == 1
    assert "không đúng cú pháp TOML" in _one_line(result.stderr)


def test_an_os_error_is_translated_into_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _daihoi(["init"], {"DAIHOI_HOME": str(blocker / "home")})
    assert result.returncode == 1
    assert _one_line(result.stderr) == f"Lỗi: '{blocker / 'home'}' không phải là thư mục."


def test_a_folder_given_as_the_draft_says_it_is_a_folder(engine: Engine, tmp_path: Path) -> None:
    _units(engine)
    code, stderr = _run("draft", "import", str(tmp_path))
    assert (code, stderr.strip()) == (
        1,
        f"Lỗi: Không nhập được dự thảo: '{tmp_path}' là một thư mục.",
    )


def test_serve_on_an_unreachable_server_is_one_line_and_fast(engine: Engine) -> None:
    started = time.monotonic()
    result = _daihoi(["serve"], {"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert result.returncode == 1
    assert _one_line(result.stderr).startswith(
        "Lỗi: Không kết nối được máy chủ Prefect tại http://127.0.0.1:9/api"
    )
    assert time.monotonic() - started < 60  # not serve's two-minute health wait
