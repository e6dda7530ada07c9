"""The progress report's layout: the stages table, the chart, the laggards and the changes."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import (
    CENTER,
    CHART_MM,
    LEFT,
    body,
    heading,
    loop_table,
    picture,
    placeholder_png,
    tag,
)
from tasks.reports.layouts.party import party_header, report_title, sign_off


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    body(
        doc,
        "Thực hiện kế hoạch chuẩn bị đại hội đảng bộ các cấp nhiệm kỳ {{ doc.term }}, căn cứ kết "
        "quả theo dõi đến ngày {{ doc.as_of|vn_date }}, Ban Thường vụ Đảng ủy báo cáo tiến độ "
        "chuẩn bị đại hội của {{ scope.units|number }} tổ chức đảng thuộc {{ scope.name }} "
        "như sau:",
    )
    heading(doc, "I. TÌNH HÌNH CHUNG")
    loop_table(
        doc,
        headers=[
            "Nội dung",
            "Đơn vị thực hiện",
            "Hoàn thành",
            "Đúng tiến độ",
            "Nguy cơ chậm",
            "Quá hạn",
            "Chưa triển khai",
            "Tiến độ bình quân",
        ],
        cells=[
            "{{ s.label }}",
            "{{ s.applicable|number }}",
            "{{ s.done|number }}",
            "{{ s.on_track|number }}",
            "{{ s.at_risk|number }}",
            "{{ s.overdue|number }}",
            "{{ s.not_started|number }}",
            "{{ s.progress|percent }}",
        ],
        widths_mm=[45, 16, 16, 16, 16, 16, 18, 22],
        loop="s in stages",
        align=[LEFT] + [CENTER] * 7,
    )
    tag(doc, "{%p if has_chart %}")
    picture(doc, placeholder_png(), slot="stages", width_mm=CHART_MM[0], height_mm=CHART_MM[1])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if has_trend %}")
    body(doc, "Tỷ lệ đơn vị hoàn thành từng nội dung qua các tuần:", before=6)
    picture(doc, placeholder_png(), slot="trend", width_mm=CHART_MM[0], height_mm=CHART_MM[1])
    tag(doc, "{%p endif %}")
    body(
        doc,
        "Về góp ý dự thảo Báo cáo chính trị: {{ feedback.done|number }}/"
        "{{ feedback.applicable|number }} đơn vị đã gửi ý kiến ({{ feedback.late|number }} đơn vị "
        "gửi trễ hạn); đã tiếp thu, giải trình {{ feedback.answered|number }}/"
        "{{ feedback.comments|number }} ý kiến cần trả lời.",
        before=6,
    )
    body(doc, "Riêng {{ scope.name }}: {{ own }}.")
    heading(doc, "II. CÁC ĐƠN VỊ CHẬM TIẾN ĐỘ")
    tag(doc, "{%p if laggards %}")
    loop_table(
        doc,
        headers=["STT", "Đơn vị", "Nội dung", "Hạn hoàn thành", "Tình trạng", "Tiến độ"],
        cells=[
            "{{ u.stt }}",
            "{{ u.name }}",
            "{{ u.stage }}",
            "{{ u.due|vn_date }}",
            "{{ u.state }}",
            "{{ u.progress|percent }}{{ u.why }}",
        ],
        widths_mm=[12, 52, 34, 23, 24, 20],
        loop="u in laggards",
        align=[CENTER, LEFT, LEFT, CENTER, CENTER, CENTER],
    )
    tag(doc, "{%p else %}")
    body(doc, "Chưa có đơn vị nào quá hạn hoặc có nguy cơ chậm tiến độ.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for line in held %}")
    body(doc, "- {{ line }}")
    tag(doc, "{%p endfor %}")
    heading(doc, "III. DỰ BÁO KHÔNG KỊP TIẾN ĐỘ")
    tag(doc, "{%p if forecast %}")
    body(
        doc,
        "Theo tốc độ thực hiện 28 ngày qua, các đơn vị sau dự báo không hoàn thành kịp hạn "
        "(hoặc không còn tiến triển):",
    )
    loop_table(
        doc,
        headers=["STT", "Đơn vị", "Nội dung", "Dự báo", "Dự kiến hoàn thành", "Hạn hoàn thành"],
        cells=[
            "{{ f.stt }}",
            "{{ f.name }}",
            "{{ f.stage }}",
            "{{ f.state }}",
            "{{ f.eta|vn_date }}",
            "{{ f.due|vn_date }}",
        ],
        widths_mm=[12, 52, 30, 27, 22, 22],
        loop="f in forecast",
        align=[CENTER, LEFT, LEFT, CENTER, CENTER, CENTER],
    )
    tag(doc, "{%p else %}")
    body(doc, "Theo tốc độ thực hiện 28 ngày qua, các đơn vị đều dự báo hoàn thành kịp hạn.")
    tag(doc, "{%p endif %}")
    heading(doc, "IV. THAY ĐỔI SO VỚI BÁO CÁO TRƯỚC")
    tag(doc, "{%p if changes.previous %}")
    body(doc, "So với báo cáo ngày {{ changes.previous_date|vn_date }}{{ changes.previous_ref }}:")
    tag(doc, "{%p for line in changes.lines %}")
    body(doc, "- {{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    body(doc, "Đây là báo cáo tiến độ đầu tiên của phạm vi này; chưa có số liệu để so sánh.")
    tag(doc, "{%p endif %}")
    heading(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ")
    body(
        doc,
        "Ban Thường vụ Đảng ủy đề nghị các đảng bộ, chi bộ trực thuộc chưa hoàn thành đúng "
        "thời hạn khẩn trương thực hiện các nội dung còn lại, báo cáo kết quả về Đảng ủy (qua "
        "Văn phòng Đảng ủy) để tổng hợp, bảo đảm đại hội được tổ chức đúng kế hoạch./.",
    )
    sign_off(doc)
