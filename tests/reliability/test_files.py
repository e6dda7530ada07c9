"""RELIABILITY.md A: files coming in. Every refusal names the file or the limit; nothing is
written (data tables unchanged, no file added to the folder)."""

from __future__ import annotations

import os
import tracemalloc
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import Engine, select

from models.db import read_session
from models.enums import IntakeState
from models.records import IntakeRecord
from models.settings import get_settings
from tasks.intake.pipeline.limits import FileRefused
from tasks.intake.pipeline.workbook import open_workbook
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.workbooks import counts, nhan_su_book, person, seed_tree

CB_A = ImportOptions(sender_code="CB-A")


def _refused(engine: Engine, path: Path, opts: ImportOptions = CB_A) -> str:
    """Import a file expected to be refused; check nothing was written; return the message."""
    before = counts()
    listing = sorted(os.listdir(path.parent))
    outcome = import_file(path, opts)
    assert outcome.state is IntakeState.REJECTED
    assert counts() == before
    assert sorted(os.listdir(path.parent)) == listing
    assert outcome.message is not None
    return outcome.message


def _limit(monkeypatch: pytest.MonkeyPatch, name: str, value: int) -> None:
    monkeypatch.setenv(f"DAIHOI_LIMITS__{name.upper()}", str(value))
    get_settings.cache_clear()


def _valid(tmp_path: Path, name: str = "ns.xlsx") -> Path:
    return nhan_su_book(tmp_path / name, [person()])


# A1
def test_truncated_file_is_not_a_valid_workbook(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    data = _valid(tmp_path, "full.xlsx").read_bytes()
    (tmp_path / "full.xlsx").unlink()
    broken = tmp_path / "cat-ngang.xlsx"
    broken.write_bytes(data[: len(data) // 2])
    assert _refused(engine, broken) == "Tệp 'cat-ngang.xlsx' không phải tệp Excel hợp lệ"


def test_word_document_renamed_xlsx_is_not_a_valid_workbook(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    document = docx.Document()
    document.add_paragraph("Báo cáo")
    path = tmp_path / "bao-cao.xlsx"
    document.save(str(path))
    assert _refused(engine, path) == "Tệp 'bao-cao.xlsx' không phải tệp Excel hợp lệ"


def test_empty_file_is_not_a_valid_workbook(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")
    assert _refused(engine, path) == "Tệp 'rong.xlsx' không phải tệp Excel hợp lệ"


def test_refused_file_still_gets_a_rejected_intake_record(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")
    import_file(path, CB_A)
    with read_session() as s:
        states = list(s.scalars(select(IntakeRecord.state)))
    assert states == [IntakeState.REJECTED]


# A2
def _bomb(path: Path) -> Path:
    """A valid workbook whose sheet declares a billion-laughs entity and uses it in a cell."""
    seed = _valid(path.parent, "seed.xlsx")
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    prolog = f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>'.encode()
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if data.startswith(b"<?xml"):
                    data = data.split(b"?>", 1)[1]
                data = prolog + data.replace(b"<t>Nguy", b"<t>&l9;Nguy", 1)
            dst.writestr(info, data)
    seed.unlink()
    return path


def test_xml_entity_bomb_is_refused_with_low_memory(engine: Engine, tmp_path: Path) -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "openpyxl must see defusedxml installed"
    seed_tree()
    path = _bomb(tmp_path / "bom.xlsx")
    tracemalloc.start()
    try:
        message = _refused(engine, path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message == "Tệp 'bom.xlsx' không phải tệp Excel hợp lệ"
    assert peak < 60 * 1024 * 1024
    # It is defusedxml that refuses the entities, not some other parse failure.
    with pytest.raises(FileRefused) as refused:
        open_workbook(path, get_settings().limits)
    causes = []
    err: BaseException | None = refused.value
    while err is not None:
        causes.append(type(err).__name__)
        err = err.__cause__ or err.__context__
    assert "EntitiesForbidden" in causes


# A3
def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def test_zip_expanding_past_the_uncompressed_limit_is_refused_before_parsing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_tree()
    _limit(monkeypatch, "uncompressed_mb", 5)
    _limit(monkeypatch, "compression_ratio", 100_000)
    path = _zip(
        tmp_path / "phinh.xlsx",
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (12 * 1024 * 1024)},
    )
    assert path.stat().st_size < 500 * 1024
    message = _refused(engine, path)
    assert "vượt giới hạn 5 MB" in message and "giải nén" in message


def test_zip_with_extreme_compression_ratio_is_refused(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = _zip(
        tmp_path / "ty-le.xlsx",
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (8 * 1024 * 1024)},
    )
    message = _refused(engine, path)
    assert "tỷ lệ nén" in message and "vượt giới hạn 100:1" in message


def test_zip_with_too_many_entries_is_refused(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    entries = {f"xl/media/x{i}.bin": b"x" for i in range(1001)}
    message = _refused(engine, _zip(tmp_path / "nhieu.xlsx", entries))
    assert "1001 thành phần nén, vượt giới hạn 1000" in message


# A4
def test_file_over_the_size_limit_is_refused_stating_the_limit(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_tree()
    _limit(monkeypatch, "file_mb", 1)
    path = tmp_path / "lon.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/media/anh.bin", os.urandom(1_300_000))
    message = _refused(engine, path)
    assert "vượt giới hạn 1 MB" in message


def test_sheet_over_the_row_limit_is_refused_stating_the_limit(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_tree()
    _limit(monkeypatch, "rows_per_sheet", 50)
    path = nhan_su_book(
        tmp_path / "dai.xlsx", [person(**{"Họ và tên": f"Người {i}"}) for i in range(60)]
    )
    message = _refused(engine, path)
    assert message == "Sheet 'Nhân sự' có 61 dòng, vượt giới hạn 50 dòng một sheet"


# A5
def test_rows_beyond_a_lying_declared_dimension_are_still_read(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    names = ["Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba"]
    source = nhan_su_book(tmp_path / "src.xlsx", [person(**{"Họ và tên": n}) for n in names])
    path = tmp_path / "kich-thuoc.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                start = data.index(b"<dimension ref=")
                end = data.index(b"/>", start) + 2
                data = data[:start] + b'<dimension ref="A1:C2"/>' + data[end:]
            dst.writestr(info, data)
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    assert outcome.rows == 3


# A6
def test_formula_never_calculated_is_an_error_naming_the_cell(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "cong-thuc.xlsx", [person(**{"Bước quy trình": "=1+1"})])
    before = counts()
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.REJECTED
    assert [i.text() for i in outcome.errors] == [
        "Sheet 'Nhân sự', dòng 2, cột 'Bước quy trình': ô Q2 là công thức chưa được tính (không có "
        "giá trị lưu sẵn): hãy mở tệp bằng Excel, tính lại và lưu"
    ]
    assert counts() == before


def test_formula_with_a_cached_value_uses_that_value(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    source = nhan_su_book(tmp_path / "src.xlsx", [person(**{"Bước quy trình": "=1+1"})])
    path = tmp_path / "da-tinh.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
            dst.writestr(info, data)
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]


# A7
@pytest.mark.parametrize("name", ["nhan-su.csv", "nhan-su.xls", "nhan-su.ods"])
def test_csv_xls_and_ods_are_refused_asking_for_xlsx(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    seed_tree()
    path = tmp_path / name
    path.write_bytes(b"Ho va ten;Ngay sinh\nNguyen Van A;01/01/1970\n")
    assert _refused(engine, path) == f"Tệp '{name}': Hãy lưu tệp dưới dạng Excel Workbook (.xlsx)"


def test_old_excel_file_renamed_xlsx_is_refused_asking_for_xlsx(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    path = tmp_path / "cu.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "Hãy lưu tệp dưới dạng Excel Workbook (.xlsx)" in _refused(engine, path)


@pytest.mark.parametrize("typed", ["NguyÔn V¨n An", "Nguyeãn Vaên An"])
def test_text_typed_in_legacy_fonts_asks_to_convert_to_unicode(
    engine: Engine, tmp_path: Path, typed: str
) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "tcvn3.xlsx", [person(**{"Họ và tên": typed})])
    before = counts()
    outcome = import_file(path, CB_A)
    assert outcome.state is IntakeState.REJECTED
    (issue,) = outcome.errors
    assert issue.column == "Họ và tên" and issue.row == 2
    assert "Unicode" in issue.message and "Unikey" in issue.message
    assert counts() == before


# A8
def test_same_file_twice_is_a_reported_no_op(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = _valid(tmp_path)
    first = import_file(path, CB_A)
    after_first = counts()
    second = import_file(path, CB_A)
    assert first.state is IntakeState.ACCEPTED
    assert second.state is IntakeState.DUPLICATE
    assert second.message == "Tệp 'ns.xlsx' đã được nhập trước đây: không có thay đổi"
    assert counts() == after_first


# A9
def test_form_of_an_older_version_names_the_expected_version(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    path = nhan_su_book(
        tmp_path / "cu.xlsx",
        [person()],
        meta={"form": "nhan-su", "version": "0", "org_code": "CB-A"},
    )
    message = _refused(engine, path)
    assert message.startswith(
        "Biểu mẫu 'nhan-su' phiên bản '0' không còn dùng được: phiên bản hiện hành là 1"
    )
    assert "daihoi forms nhan-su --org CB-A" in message


def test_unknown_form_in_meta_is_refused_listing_the_forms(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "la.xlsx", [person()], meta={"form": "bau-cu", "version": "1"})
    message = _refused(engine, path)
    assert message.startswith("Biểu mẫu 'bau-cu' không được hỗ trợ") and "nhan-su" in message


def test_workbook_without_meta_or_known_sheet_is_refused(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    path = tmp_path / "trang.xlsx"
    book.save(path)
    assert "không phải biểu mẫu nào đã biết" in _refused(engine, path)
