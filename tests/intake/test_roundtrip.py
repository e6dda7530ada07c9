"""Forms out and back: generated workbooks (dropdowns, formats, _meta), the Hypothesis round
trip forms → import → forms, and the error workbook a unit fixes and sends back."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from models.db import read_session
from models.enums import IntakeState
from models.queries import find_org
from models.settings import get_settings
from tasks.intake.exports.forms import HEADER_ROW, default_form_path, write_form
from tasks.intake.pipeline.error_workbook import ERRORS_SHEET
from tasks.intake.pipeline.spec import all_forms, load_form
from tasks.intake.pipeline.validate import parse_form
from tasks.intake.pipeline.workbook import open_workbook
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.workbooks import fill_form, person, seed_tree

pytestmark = pytest.mark.db


def _form(tmp: Path, form: str, code: str, name: str | None = None) -> Path:
    with read_session() as s:
        return write_form(
            s, form=form, org=find_org(s, code=code), out=tmp / (name or f"{form}.xlsx")
        ).path


@pytest.mark.parametrize("form", sorted(all_forms()))
def test_generated_form_has_title_header_dropdowns_formats_and_hidden_meta(
    engine: Engine, tmp_path: Path, form: str
) -> None:
    seed_tree()
    path = _form(tmp_path, form, "CB-A")
    spec = load_form(form)
    book = openpyxl.load_workbook(path)
    # Reference sheets feed dropdowns (gop-y's lists a draft's sections: none here).
    lookups = {"tap-huan": ["Danh mục lớp", "Danh mục đơn vị"]}.get(form, [])
    assert book.sheetnames == [s.name for s in spec.sheets] + lookups + ["_meta"]
    meta = book["_meta"]
    assert meta.sheet_state == "hidden"
    assert {r[0]: r[1] for r in meta.iter_rows(values_only=True)} == {
        "form": form,
        "version": str(spec.version),
        "org_code": "CB-A",
        "base_version": "0",
    }
    for sheet in spec.sheets:
        ws = book[sheet.name]
        assert ws["A1"].value == spec.title and ws["A2"].value == "Đơn vị: Chi bộ CB-A (CB-A)"
        validations = {
            str(dv.sqref).split(":")[0][:-1].rstrip("0123456789"): dv
            for dv in ws.data_validations.dataValidation
        }
        for c, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(HEADER_ROW, c)
            letter = cell.column_letter
            assert cell.value.split("\n")[0] == (f"{col.label} (*)" if col.required else col.label)
            assert ws.column_dimensions[letter].width >= min(len(col.label), 30) * 0.9
            if col.type == "choice":
                assert validations[letter].formula1 == '"' + ",".join(col.choices) + '"'
            if col.type == "date":
                assert ws.column_dimensions[letter].number_format == "DD/MM/YYYY"
    assert default_form_path(form, "CB-A") == Path(f"{form}_CB-A.xlsx")


def test_generated_form_sent_back_unchanged_imports_for_every_intake_a_form(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    for form, prefilled in (("don-vi", 1), ("nhan-su", 0), ("kiem-tra", 0), ("danh-gia", 0)):
        outcome = import_file(_form(tmp_path, form, "DB-C"), ImportOptions("DB-C"))
        assert outcome.state is IntakeState.ACCEPTED, (form, [i.text() for i in outcome.issues])
        assert outcome.rows == prefilled


def _table(path: Path, form: str) -> list[dict[str, Any]]:
    """The rows of a workbook as the importer reads them (typed)."""
    parsed = parse_form(open_workbook(path, get_settings().limits), load_form(form))
    assert not parsed.has_errors, [i.text() for i in parsed.issues]
    return [row.values for sheet in parsed.sheets.values() for row in sheet.rows]


SYLLABLES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Thị",
    "Văn",
    "Hữu",
    "Thủy",
    "Hoà",
    "Quốc",
    "Ánh",
    "Đức",
    "Ngọc",
    "Bảo",
    "Yến",
]
names = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).map(" ".join)
days = st.dates(min_value=date(1960, 1, 1), max_value=date(1999, 12, 31))


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1–6 valid nhan-su rows with distinct (name, birth date) keys."""
    rows: list[dict[str, Any]] = []
    keys: set[tuple[str, date]] = set()
    for _ in range(draw(st.integers(1, 6))):
        name, born = draw(names), draw(days)
        if (name.casefold(), born) in keys:
            continue
        keys.add((name.casefold(), born))
        joined = born + timedelta(days=draw(st.integers(18 * 366, 40 * 365)))
        step = draw(st.integers(0, 5))
        pct = draw(st.none() | st.decimals(0, 100, places=2).map(lambda d: d.normalize()))
        rows.append(
            person(
                **{
                    "Họ và tên": name,
                    "Ngày sinh": born.strftime("%d/%m/%Y"),
                    "Giới tính": draw(st.sampled_from(["Nam", "Nữ"])),
                    "Dân tộc": draw(st.sampled_from(["Kinh", "Hoa", "Khmer", "Tày"])),
                    "Tôn giáo": draw(st.none() | st.just("Phật giáo")),
                    "Quê quán": draw(st.none() | st.sampled_from(["Huế", "Cần Thơ"])),
                    "Ngày vào Đảng": joined.strftime("%d/%m/%Y"),
                    "Ngày chính thức": draw(
                        st.none() | st.just((joined + timedelta(days=365)).strftime("%d/%m/%Y"))
                    ),
                    "Học hàm, học vị": draw(st.none() | st.sampled_from(["ThS", "TS", "PGS.TS"])),
                    "Lý luận chính trị": draw(
                        st.sampled_from(["Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân"])
                    ),
                    "Chức vụ hiện nay": draw(
                        st.sampled_from(["Hiệu trưởng", "Giáo viên", "Tổ trưởng =A1"])
                    ),
                    "Tái cử": draw(st.sampled_from(["Tái cử", "Lần đầu"])),
                    "Dự kiến chức danh": draw(
                        st.sampled_from(
                            ["Cấp ủy viên", "Ủy viên Ban Thường vụ", "Phó Bí thư", "Bí thư"]
                        )
                    ),
                    "Bước quy trình": step,
                    "Ngày qua bước": (date(2025, 1, 1) + timedelta(days=step)).strftime("%d/%m/%Y")
                    if step
                    else None,
                    "Tỷ lệ phiếu (%)": None if pct is None else float(pct),
                    "Ghi chú": draw(
                        st.none()
                        | st.sampled_from(["=cần xác minh", "+ bổ sung", "dòng 1\ndòng 2"])
                    ),
                }
            )
        )
    return rows


def _key(values: dict[str, Any]) -> tuple[Any, ...]:
    return (values["full_name"], values["birth_date"])


@settings(max_examples=10, deadline=None)
@given(rows=people())
def test_any_valid_nhan_su_rows_round_trip_forms_import_forms(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]]
) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    with read_session() as s:
        if not find_org_exists(s, "CB-A"):
            seed_tree()
    filled = fill_form(_form(tmp, "nhan-su", "CB-A", "in.xlsx"), "Nhân sự", rows)
    # Each example replaces the last one's list: confirmed (the guard is tested elsewhere).
    outcome = import_file(filled, ImportOptions("CB-A", confirm=True))
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    again = _form(tmp, "nhan-su", "CB-A", "out.xlsx")
    stated = sorted(_table(filled, "nhan-su"), key=_key)
    assert sorted(_table(again, "nhan-su"), key=_key) == stated
    # The pre-filled workbook sent straight back changes nothing.
    assert import_file(again, ImportOptions("CB-A")).counts == {
        "created": 0,
        "updated": 0,
        "removed": 0,
    }


def find_org_exists(session: Any, code: str) -> bool:
    from models.queries import UnknownOrganisation

    try:
        find_org(session, code=code)
    except UnknownOrganisation:
        return False
    return True


figures = st.fixed_dictionaries(
    {
        "total": st.integers(0, 500),
        "year": st.integers(2020, 2026),
        "pct": st.decimals(0, 100, places=2),
        "rating": st.sampled_from(
            [
                "Hoàn thành xuất sắc nhiệm vụ",
                "Hoàn thành tốt nhiệm vụ",
                "Hoàn thành nhiệm vụ",
                "Không hoàn thành nhiệm vụ",
            ]
        ),
        "flags": st.tuples(st.booleans(), st.booleans()),
    }
)


@settings(max_examples=10, deadline=None)
@given(
    rows=st.lists(figures, min_size=1, max_size=5, unique_by=lambda f: f["year"]),
    unit=st.sampled_from(["CB-A", "CB-C1"]),
)
def test_any_valid_danh_gia_rows_round_trip(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]], unit: str
) -> None:
    tmp = tmp_path_factory.mktemp("dg")
    with read_session() as s:
        if not find_org_exists(s, "DB-C"):
            seed_tree()
    typed = [
        {
            "Mã đơn vị": unit,
            "Năm": f["year"],
            "Tổng số đảng viên": f["total"],
            "Số đảng viên đăng ký chương trình hành động": f["total"] // 2,
            "Đã kiểm điểm chương trình hành động cuối năm": "Có" if f["flags"][0] else "Không",
            "Xếp loại tổ chức": f["rating"],
            "Số đảng viên hoàn thành xuất sắc nhiệm vụ": f["total"] // 4,
            "Số đảng viên hoàn thành tốt nhiệm vụ": f["total"] // 4,
            "Số đảng viên hoàn thành nhiệm vụ": f["total"] // 4,
            "Số đảng viên không hoàn thành nhiệm vụ": 0,
            "Thực hiện Quy định 1793": "Có" if f["flags"][1] else "Không",
            "Tỷ lệ số hóa văn bản (%)": float(f["pct"]),
        }
        for f in rows
    ]
    sender = "DU"
    filled = fill_form(_form(tmp, "danh-gia", sender, "in.xlsx"), "Chỉ tiêu", typed)
    outcome = import_file(filled, ImportOptions(sender, force=True))
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    again = _table(_form(tmp, "danh-gia", sender, "out.xlsx"), "danh-gia")
    mine = [r for r in again if r["org_code"] == unit and r["year"] in {f["year"] for f in rows}]
    key = lambda r: r["year"]  # noqa: E731
    assert sorted(mine, key=key) == sorted(_table(filled, "danh-gia"), key=key)
    assert all(isinstance(r["digitised_pct"], Decimal) for r in mine)


def test_error_workbook_reopens_and_once_corrected_imports(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    rows = [
        person(),
        person(**{"Họ và tên": "Lê Thị Bé", "Ngày sinh": "30/02/1980", "Giới tính": "Nư"}),
    ]
    path = fill_form(_form(tmp_path, "nhan-su", "CB-A", "gui.xlsx"), "Nhân sự", rows)
    outcome = import_file(path, ImportOptions("CB-A"))
    assert outcome.state is IntakeState.REJECTED and outcome.error_workbook is not None
    book = openpyxl.load_workbook(outcome.error_workbook)
    assert book.sheetnames[0] == ERRORS_SHEET and "_meta" in book.sheetnames
    listed = [(r[2], r[3], r[4]) for r in book[ERRORS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert listed == [("Nhân sự", 6, "Ngày sinh"), ("Nhân sự", 6, "Giới tính")]
    ws = book["Nhân sự"]
    marked = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert marked == {
        "D6": "không phải ngày hợp lệ (dd/mm/yyyy)",
        "E6": "không thuộc các giá trị cho phép: Nam, Nữ",
    }
    ws["D6"], ws["E6"] = "28/02/1980", "Nữ"
    book.save(outcome.error_workbook)
    fixed = import_file(outcome.error_workbook, ImportOptions("CB-A"))
    assert fixed.state is IntakeState.ACCEPTED, [i.text() for i in fixed.issues]
    assert fixed.rows == 2
