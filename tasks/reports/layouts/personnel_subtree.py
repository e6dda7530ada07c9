"""The personnel summary's layout: one row of counts per unit of the subtree."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import CENTER, LEFT, body, loop_table, tag
from tasks.reports.layouts.party import party_header, report_title, sign_off


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    body(
        doc,
        "Ban Thường vụ Đảng ủy báo cáo tổng hợp nhân sự dự kiến cấp ủy khóa mới nhiệm kỳ "
        "{{ doc.term }} của {{ scope.units|number }} tổ chức đảng thuộc {{ scope.name }}, số "
        "liệu đến ngày {{ doc.as_of|vn_date }}, như sau:",
    )
    loop_table(
        doc,
        headers=[
            "STT",
            "Đơn vị",
            "Số lượng cấp ủy",
            "Cần giới thiệu",
            "Đã qua bước 5",
            "Nữ",
            "Dưới 40 tuổi",
            "Dân tộc thiểu số",
            "Lần đầu",
            "Trên đại học",
            "Tình trạng",
        ],
        cells=[
            "{{ r.stt }}",
            "{{ r.name }}",
            "{{ r.size }}",
            "{{ r.required }}",
            "{{ r.passed|number }}",
            "{{ r.nu|number }}",
            "{{ r.duoi_40|number }}",
            "{{ r.dan_toc|number }}",
            "{{ r.lan_dau|number }}",
            "{{ r.tren_dh|number }}",
            "{{ r.state }}",
        ],
        widths_mm=[11, 41, 13, 13, 13, 10, 12, 13, 11, 11, 17],
        loop="r in rows",
        size=11,
        align=[CENTER, LEFT] + [CENTER] * 9,
    )
    body(
        doc,
        "Tổng cộng: {{ totals.passed|number }} đồng chí đã qua bước 5, trong đó nữ "
        "{{ totals.nu|number }} ({{ totals.nu_share|percent }}), dưới 40 tuổi "
        "{{ totals.duoi_40|number }} ({{ totals.duoi_40_share|percent }}), dân tộc thiểu số "
        "{{ totals.dan_toc|number }}, lần đầu tham gia cấp ủy {{ totals.lan_dau|number }}, trình "
        "độ trên đại học {{ totals.tren_dh|number }}.",
        before=6,
    )
    tag(doc, "{%p if short %}")
    body(doc, "Các đơn vị còn thiếu nhân sự:", before=6)
    tag(doc, "{%p for u in short %}")
    body(doc, "- {{ u.name }}: {{ u.words }}.", before=0, after=0)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    sign_off(doc)
