"""Import rate of a 10,000-row `nhan-su` workbook against openpyxl alone reading the same file.

Builds a registry of 100 units (through the don-vi importer) in a temporary SQLite database,
writes one nhan-su workbook of N candidates spread over them (text dates and date cells mixed),
then prints, for the same file:
  - openpyxl read_only: load + every cell value (the floor for reading a workbook);
  - openpyxl normal mode: load + every cell (what the importer used before calamine);
  - calamine: load + every value (what the importer reads with: the floor);
  - daihoi parse: limits, XML scans, header, data area, typed cells (no database);
  - daihoi import: the whole pipeline, one transaction (intake record, candidates, steps, audit);
  - daihoi re-import of the same rows with one field changed everywhere (updates + audit).
Prints figures; asserts nothing. Usage: python benchmarks/intake.py [--rows N] [--units U]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = [
    "STT", "Mã đơn vị", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Quê quán",
    "Ngày vào Đảng", "Ngày chính thức", "Trình độ chuyên môn", "Học hàm, học vị",
    "Lý luận chính trị", "Chức vụ hiện nay", "Tái cử", "Dự kiến chức danh", "Bước quy trình",
    "Ngày qua bước", "Tỷ lệ phiếu (%)", "Ghi chú",
]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Thủy", "Yến"]


def registry(path: Path, units: int) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Đơn vị"
    ws.append(
        [
            "Mã đơn vị",
            "Tên tổ chức đảng",
            "Loại hình",
            "Mã đơn vị cấp trên",
            "Số đảng viên chính thức",
            "Ngày đại hội dự kiến",
        ]
    )
    ws.append(["DU", "Đảng ủy", "Đảng bộ cấp trên cơ sở", None, 10, "30/06/2025"])
    for u in range(units):
        ws.append([f"U{u:03d}", f"Chi bộ {u}", "Chi bộ cơ sở", "DU", 20, "20/04/2025"])
    book.save(path)
    return path


def candidates(path: Path, rows: int, units: int, note: str = "", unit: str | None = None) -> Path:
    """N candidates spread over U000…, or all of one `unit` (a unit's own upload)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Nhân sự"
    ws.append(HEADER)
    for i in range(rows):
        born = date(1960, 1, 1) + timedelta(days=(i * 37) % 14000)
        joined = born + timedelta(days=8000 + i % 900)
        step = i % 6
        name = f"{FAMILY[i % 8]} {MIDDLE[(i // 8) % 6]} {GIVEN[(i // 48) % 11]} {i // 528}"
        ws.append([
            i + 1, unit or f"U{i % units:03d}", name,
            born.strftime("%d/%m/%Y") if i % 2 else datetime(born.year, born.month, born.day),
            "Nữ" if i % 3 == 0 else "Nam", "Kinh", "Không", "TP. Hồ Chí Minh",
            joined.strftime("%d/%m/%Y"), None, "Thạc sĩ Quản lý giáo dục", "ThS", "Cao cấp",
            "Hiệu trưởng", "Tái cử" if i % 2 else "Lần đầu", "Cấp ủy viên", step,
            f"{1 + step:02d}/02/2025" if step else None, 80 + i % 20 if step else None, note or None,
        ])  # fmt: skip
    book.save(path)
    return path


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def read_only(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for row in book.worksheets[0].iter_rows(values_only=True) for _v in row)
    book.close()
    return n


def calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)
    book.close()
    return sum(len(r) for r in rows)


def normal(path: Path) -> int:
    book = openpyxl.load_workbook(path, data_only=True)
    return sum(
        1 for row in book.worksheets[0].iter_rows() for c in row if c.value is not None or True
    )


def import_vs_read_only(rows: int = 10_000, units: int = 100) -> dict[str, float]:
    """In a fresh temporary home: best openpyxl read_only and calamine (before and after) and
    one import."""
    home = Path(tempfile.mkdtemp(prefix="daihoi-bench-"))
    os.environ["DAIHOI_HOME"] = str(home)
    os.environ["DAIHOI_DATABASE_URL"] = f"sqlite:///{home / 'daihoi.sqlite'}"
    from models.db import get_engine
    from models.migrate import upgrade
    from tasks.intake.receive import ImportOptions, import_file

    upgrade(get_engine())
    assert import_file(registry(home / "don-vi.xlsx", units)).accepted
    path = candidates(home / "nhan-su.xlsx", rows, units)
    t_ro1, _ = timed(lambda: read_only(path))
    t_ca1, _ = timed(lambda: calamine(path))
    t_imp, outcome = timed(lambda: import_file(path, ImportOptions("DU")))
    assert outcome.accepted, [i.text() for i in outcome.issues[:5]]
    t_ca2, _ = timed(lambda: calamine(path))
    t_ro2, _ = timed(lambda: read_only(path))
    return {"read_only": min(t_ro1, t_ro2), "calamine": min(t_ca1, t_ca2), "import": t_imp}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=100)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="daihoi-bench-"))
    os.environ["DAIHOI_HOME"] = str(home)
    os.environ["DAIHOI_DATABASE_URL"] = f"sqlite:///{home / 'daihoi.sqlite'}"

    from models.db import get_engine
    from models.migrate import upgrade
    from models.settings import get_settings
    from tasks.intake.pipeline.spec import load_form
    from tasks.intake.pipeline.validate import parse_form
    from tasks.intake.pipeline.workbook import open_workbook
    from tasks.intake.receive import ImportOptions, import_file

    upgrade(get_engine())
    assert import_file(registry(home / "don-vi.xlsx", args.units)).accepted
    path = candidates(home / "nhan-su.xlsx", args.rows, args.units)
    size = path.stat().st_size / 1024 / 1024
    print(
        f"nhan-su workbook: {args.rows} rows × {len(HEADER)} columns, {size:.1f} MB, {args.units} units"
    )

    t_ro, cells = timed(lambda: read_only(path))
    t_nm, _ = timed(lambda: normal(path))
    t_ca, _ = timed(lambda: calamine(path))
    t_parse, parsed = timed(
        lambda: parse_form(open_workbook(path, get_settings().limits), load_form("nhan-su"))
    )
    assert not parsed.has_errors, [i.text() for i in parsed.issues[:5]]
    t_imp, outcome = timed(lambda: import_file(path, ImportOptions("DU")))
    assert outcome.accepted, [i.text() for i in outcome.issues[:5]]
    changed = candidates(home / "nhan-su-2.xlsx", args.rows, args.units, note="đã cập nhật")
    t_re, again = timed(lambda: import_file(changed, ImportOptions("DU", force=True)))
    assert again.accepted and again.counts["updated"] == args.rows, again.counts

    def line(label: str, seconds: float) -> None:
        print(
            f"  {label:<44} {seconds:7.2f} s  {args.rows / seconds:9,.0f} rows/s"
            f"  {seconds / t_ro:5.2f}× openpyxl read_only"
        )

    print(f"  ({cells:,} cells)")
    line("openpyxl read_only (load + all values)", t_ro)
    line("openpyxl normal mode (load + all cells)", t_nm)
    line("calamine (load + all values: the floor)", t_ca)
    line("daihoi parse (no database)", t_parse)
    line("daihoi import (new candidates, one transaction)", t_imp)
    line("daihoi re-import (every candidate updated)", t_re)
    print(f"  created {outcome.counts}, re-import {again.counts}")


if __name__ == "__main__":
    main()
