"""The inspections report's layout: the summary, the inspections, the open remedies."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import CENTER, LEFT, body, heading, loop_table, tag
from tasks.reports.layouts.party import party_header, report_title, sign_off


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    body(
        doc,
        "Ban Thường vụ Đảng ủy báo cáo kết quả kiểm tra, giám sát phục vụ đại hội đối với "
        "{{ scope.units|number }} tổ chức đảng thuộc {{ scope.name }}, tính đến ngày "
        "{{ doc.as_of|vn_date }}, như sau:",
    )
    heading(doc, "I. KẾT QUẢ CHUNG")
    body(
        doc,
        "Đã tiến hành {{ summary.inspections|number }} cuộc ({{ summary.kiem_tra|number }} cuộc "
        "kiểm tra, {{ summary.giam_sat|number }} cuộc giám sát) tại {{ summary.inspected|number }}"
        "/{{ summary.units|number }} đơn vị; đã kết luận {{ summary.concluded|number }} cuộc, "
        "trong đó {{ summary.violations|number }} cuộc có vi phạm. Các kết luận yêu cầu "
        "{{ summary.remedies|number }} nội dung khắc phục: đã kiểm tra xác nhận "
        "{{ summary.verified|number }}, đã hoàn thành chờ xác nhận {{ summary.completed|number }}, "
        "đang và chưa thực hiện {{ summary.pending|number }}.",
    )
    body(
        doc,
        "Số đơn vị hoàn thành nội dung kiểm tra, giám sát: {{ summary.done|number }}; quá hạn: "
        "{{ summary.overdue|number }}; tiến độ bình quân {{ summary.progress|percent }}.",
    )
    heading(doc, "II. CÁC CUỘC KIỂM TRA, GIÁM SÁT")
    tag(doc, "{%p if rows %}")
    loop_table(
        doc,
        headers=[
            "STT",
            "Đơn vị",
            "Cuộc",
            "Hình thức",
            "Bắt đầu",
            "Kết luận",
            "Vi phạm",
            "Khắc phục đã xác nhận",
        ],
        cells=[
            "{{ r.stt }}",
            "{{ r.unit }}",
            "{{ r.code }}",
            "{{ r.kind }}",
            "{{ r.started|vn_date }}",
            "{{ r.concluded|vn_date }}",
            "{{ r.violation }}",
            "{{ r.remedies }}",
        ],
        widths_mm=[12, 38, 17, 26, 22, 22, 13, 15],
        loop="r in rows",
        align=[CENTER, LEFT, CENTER, LEFT, CENTER, CENTER, CENTER, CENTER],
    )
    tag(doc, "{%p else %}")
    body(doc, "Chưa có cuộc kiểm tra, giám sát nào.")
    tag(doc, "{%p endif %}")
    heading(doc, "III. NỘI DUNG KHẮC PHỤC CHƯA ĐƯỢC XÁC NHẬN")
    tag(doc, "{%p if pending %}")
    loop_table(
        doc,
        headers=["STT", "Đơn vị", "Cuộc", "Yêu cầu khắc phục", "Hạn", "Tình trạng"],
        cells=[
            "{{ r.stt }}",
            "{{ r.unit }}",
            "{{ r.code }}",
            "{{ r.requirement }}",
            "{{ r.due|vn_date }}",
            "{{ r.status }}",
        ],
        widths_mm=[12, 38, 17, 50, 22, 26],
        loop="r in pending",
        align=[CENTER, LEFT, CENTER, LEFT, CENTER, CENTER],
    )
    tag(doc, "{%p else %}")
    body(doc, "Không còn nội dung khắc phục nào chưa được kiểm tra xác nhận.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if not_inspected %}")
    heading(doc, "IV. ĐƠN VỊ CHƯA ĐƯỢC KIỂM TRA, GIÁM SÁT")
    body(doc, "{{ not_inspected|join('; ') }}.")
    tag(doc, "{%p endif %}")
    sign_off(doc)
