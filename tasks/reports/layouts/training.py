"""The training report's layout: the courses held and the units still lacking."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import CENTER, LEFT, body, heading, loop_table, tag
from tasks.reports.layouts.party import party_header, report_title, sign_off


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    body(
        doc,
        "Ban Thường vụ Đảng ủy báo cáo kết quả tập huấn nghiệp vụ phục vụ đại hội đối với "
        "{{ scope.units|number }} tổ chức đảng thuộc {{ scope.name }}, tính đến ngày "
        "{{ doc.as_of|vn_date }}: {{ summary.done|number }}/{{ summary.applicable|number }} đơn vị "
        "đã cử đủ thành phần tham dự; {{ summary.overdue|number }} đơn vị quá hạn; tiến độ bình "
        "quân {{ summary.progress|percent }}.",
    )
    heading(doc, "I. CÁC LỚP TẬP HUẤN")
    tag(doc, "{%p if courses %}")
    loop_table(
        doc,
        headers=[
            "STT",
            "Chuyên đề",
            "Các lớp đã tổ chức",
            "Thành phần bắt buộc",
            "Có mặt",
            "Đi trễ",
            "Vắng có phép",
            "Vắng không phép",
        ],
        cells=[
            "{{ c.stt }}",
            "{{ c.title }}",
            "{{ c.sessions }}",
            "{{ c.roles }}",
            "{{ c.present|number }}",
            "{{ c.late|number }}",
            "{{ c.excused|number }}",
            "{{ c.absent|number }}",
        ],
        widths_mm=[12, 40, 33, 24, 14, 14, 14, 14],
        loop="c in courses",
        align=[CENTER, LEFT, LEFT, LEFT, CENTER, CENTER, CENTER, CENTER],
    )
    tag(doc, "{%p else %}")
    body(doc, "Chưa có lớp tập huấn nào.")
    tag(doc, "{%p endif %}")
    heading(doc, "II. ĐƠN VỊ CHƯA CỬ ĐỦ THÀNH PHẦN")
    tag(doc, "{%p if missing %}")
    loop_table(
        doc,
        headers=["STT", "Đơn vị", "Chưa tham dự"],
        cells=["{{ m.stt }}", "{{ m.name }}", "{{ m.lacking }}"],
        widths_mm=[12, 58, 95],
        loop="m in missing",
        align=[CENTER, LEFT, LEFT],
    )
    tag(doc, "{%p else %}")
    body(doc, "Tất cả các đơn vị đã cử đủ thành phần tham dự.")
    tag(doc, "{%p endif %}")
    sign_off(doc)
