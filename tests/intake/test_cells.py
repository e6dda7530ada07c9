"""Cell rules 4–8 one at a time: dates, numbers, percentages, codes, choices, text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tasks.intake.pipeline.cells import Cell, is_total_label, looks_like_legacy_font, parse_cell
from tasks.intake.pipeline.spec import ColumnSpec
from tasks.intake.pipeline.workbook import header_label

DATE = ColumnSpec("Ngày sinh", "d", "date")
INT = ColumnSpec("Số đảng viên", "n", "integer", min=0)
STEP = ColumnSpec("Bước quy trình", "s", "integer", min=0, max=5)
PCT = ColumnSpec("Tỷ lệ", "p", "percent")
CODE = ColumnSpec("Mã đơn vị", "c", "code")
CHOICE = ColumnSpec("Giới tính", "g", "choice", choices=("Nam", "Nữ"))
ROLES = ColumnSpec(
    "Bắt buộc đối với", "r", "multichoice", choices=("Bí thư", "Phó Bí thư", "Cấp ủy viên")
)
STATUS = ColumnSpec("Trạng thái", "t", "status")
TEXT = ColumnSpec("Ghi chú", "x", "text")


def ok(col: ColumnSpec, value: Any, fmt: str = "General") -> Any:
    parsed, problem = parse_cell(col, Cell(value, fmt))
    assert problem is None, problem
    return parsed


def refused(col: ColumnSpec, value: Any, fmt: str = "General") -> str:
    parsed, problem = parse_cell(col, Cell(value, fmt))
    assert parsed is None and problem is not None
    return problem


@pytest.mark.parametrize(
    "value",
    [
        "20/12/2020",
        "20-12-2020",
        "20.12.2020",
        " 20/12/2020 ",
        datetime(2020, 12, 20),
        date(2020, 12, 20),
    ],
)
def test_dates_are_read_day_first_from_text_or_date_cells(value: Any) -> None:
    assert ok(DATE, value, "DD/MM/YYYY") == date(2020, 12, 20)


def test_short_day_and_month_are_accepted() -> None:
    assert ok(DATE, "1/2/2001") == date(2001, 2, 1)


@pytest.mark.parametrize(
    "value", ["01/13/1970", "31/02/1970", "2020-12-20", "20/12/20", "hôm qua", "0/1/2000"]
)
def test_anything_else_is_not_a_date(value: str) -> None:
    assert refused(DATE, value) == "không phải ngày hợp lệ (dd/mm/yyyy)"


def test_bare_number_in_a_general_cell_is_not_a_date_serial() -> None:
    assert refused(DATE, 44185) == "là một số, không phải ngày (hãy nhập dd/mm/yyyy)"


@pytest.mark.parametrize(("value", "expected"), [(12, 12), (12.0, 12), ("12", 12), (" 007 ", 7)])
def test_integers_from_numbers_or_text_digits(value: Any, expected: int) -> None:
    assert ok(INT, value) == expected


@pytest.mark.parametrize("value", ["1.000", "1,000", "12 500"])
def test_thousands_separators_are_refused_in_integer_columns(value: str) -> None:
    assert refused(INT, value) == "không phải số nguyên (không dùng dấu phân cách hàng nghìn)"


def test_integer_bounds_are_stated() -> None:
    assert refused(STEP, 6) == "phải từ 0 đến 5"
    assert refused(INT, -1) == "phải lớn hơn hoặc bằng 0"
    assert refused(INT, 2.5) == "không phải số nguyên"


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (95, "General", Decimal(95)),
        (0.95, "0%", Decimal(95)),
        (0.955, "0.0%", Decimal("95.5")),
        ("95%", "General", Decimal(95)),
        ("87,5 %", "General", Decimal("87.5")),
        ("87.25", "@", Decimal("87.25")),
    ],
)
def test_percentages_every_way(value: Any, fmt: str, expected: Decimal) -> None:
    assert ok(PCT, value, fmt) == expected


def test_percentage_out_of_range_is_refused() -> None:
    assert refused(PCT, 101) == "phải từ 0 đến 100 (%)"
    assert refused(PCT, 1.2, "0%") == "phải từ 0 đến 100 (%)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("cb-lqd", "CB-LQD"), (" DU.01 ", "DU.01"), (101, "101"), (101.0, "101")],
)
def test_codes_are_upper_cased_and_integer_cells_give_their_digits(
    value: Any, expected: str
) -> None:
    assert ok(CODE, value) == expected


@pytest.mark.parametrize("value", ["CB A", "CB_A", "CB/A", 1.5])
def test_codes_hold_only_letters_digits_dot_and_dash(value: Any) -> None:
    assert refused(CODE, value) == "không phải mã hợp lệ (chỉ gồm chữ, số, '.', '-')"


@pytest.mark.parametrize("value", ["nữ", " NỮ ", "Nữ", "nữ."])
def test_choices_match_normalised_and_return_the_printed_choice(value: str) -> None:
    assert ok(CHOICE, value) == "Nữ"


def test_tone_placement_does_not_matter_in_choices() -> None:
    col = ColumnSpec("Chức danh", "p", "choice", choices=("Ủy viên Ban Thường vụ",))
    assert ok(col, "uỷ viên ban thường vụ") == "Ủy viên Ban Thường vụ"


def test_a_value_outside_the_choices_lists_them() -> None:
    assert refused(CHOICE, "Khác") == "không thuộc các giá trị cho phép: Nam, Nữ"


def test_multichoice_splits_on_semicolons() -> None:
    assert ok(ROLES, "bí thư; Cấp uỷ viên;;Bí thư") == ("Bí thư", "Cấp ủy viên")
    assert "cách nhau bởi ';'" in refused(ROLES, "Bí thư, Phó Bí thư")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hoạt động", ("Hoạt động", None)),
        ("Giải thể", ("Giải thể", None)),
        ("sáp nhập vào cb-a", ("Sáp nhập vào", "CB-A")),
    ],
)
def test_unit_status(value: str, expected: tuple[str, str | None]) -> None:
    assert ok(STATUS, value) == expected


def test_text_is_nfc_trimmed_and_keeps_line_breaks() -> None:
    assert ok(TEXT, "  Nguye\u0302\u0303n\n\tA  ") == "Nguyễn\n\tA"
    assert ok(TEXT, 12.0) == "12"


@pytest.mark.parametrize(
    "text", ["NguyÔn V¨n A", "Nguyeãn Vaên A", "Tr\xadêng", "§¶ng", "Tröôøng", "NGUYEÃN"]
)
def test_legacy_font_mojibake_is_recognised(text: str) -> None:
    assert looks_like_legacy_font(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nguyễn Văn A",
        "Trần Thị Hoà",
        "Quân",
        "khoẻ",
        "Quê Huế",
        "«trích dẫn»",
        "Điều 5 §2",
        "Thuý",
        "iPhone",
        "50°C",
    ],
)
def test_ordinary_vietnamese_is_not_taken_for_mojibake(text: str) -> None:
    assert not looks_like_legacy_font(text)


def test_uncalculated_formula_is_refused() -> None:
    _value, problem = parse_cell(TEXT, Cell(None, "General", uncalculated=True))
    assert problem is not None and "công thức chưa được tính" in problem


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("Họ và tên (*)", "Họ và tên"),
        ("Ngày sinh\n(dd/mm/yyyy)", "Ngày sinh"),
        ("  Ghi chú  ", "Ghi chú"),
        (None, None),
    ],
)
def test_header_label_is_text_before_the_line_break_without_required_mark(
    value: Any, label: str | None
) -> None:
    assert header_label(value) == label


def test_total_rows_are_recognised() -> None:
    assert all(is_total_label(v) for v in ("Tổng", "TỔNG CỘNG", "Cộng:", " cộng "))
    assert not any(is_total_label(v) for v in ("Tổng số đảng viên", "Cộng sự", 0, None))
