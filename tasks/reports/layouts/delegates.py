"""The delegate allocation's layout: the method, one row per direct child, the totals."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import CENTER, LEFT, body, loop_table
from tasks.reports.layouts.party import party_header, report_title, sign_off

HEADERS = [
    "STT",
    "Tổ chức đảng trực thuộc",
    "Số đảng viên",
    "Đại biểu cơ bản",
    "Phân bổ theo số đảng viên",
    "Số đại biểu",
]
WIDTHS_MM = [12, 67, 22, 20, 22, 22]
# The totals under the units: what they elect, the ex officio delegates, all delegates.
FOOTER = [
    ["", "Cộng", "{{ totals.members|number }}", "{{ totals.base|number }}",
     "{{ totals.share|number }}", "{{ totals.elected|number }}"],
    ["", "Đại biểu đương nhiên", "", "", "", "{{ totals.ex_officio|number }}"],
    ["", "Tổng số đại biểu", "", "", "", "{{ totals.total|number }}"],
]  # fmt: skip


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    body(
        doc,
        "Căn cứ số đảng viên của {{ scope.units|number }} tổ chức đảng trực thuộc "
        "{{ scope.name }}, Ban Thường vụ Đảng ủy phân bổ số lượng đại biểu như sau. "
        "{{ method }}",
    )
    loop_table(
        doc,
        headers=HEADERS,
        cells=[
            "{{ u.stt }}",
            "{{ u.name }}",
            "{{ u.members|number }}",
            "{{ u.base|number }}",
            "{{ u.share|number }}",
            "{{ u.delegates|number }}",
        ],
        widths_mm=WIDTHS_MM,
        loop="u in units",
        align=[CENTER, LEFT, CENTER, CENTER, CENTER, CENTER],
        footer=FOOTER,
    )
    body(
        doc,
        "Các tổ chức đảng trực thuộc tổ chức bầu đại biểu đúng số lượng được phân bổ và báo "
        "cáo kết quả về Đảng ủy (qua Văn phòng Đảng ủy)./.",
        before=6,
    )
    sign_off(doc)
