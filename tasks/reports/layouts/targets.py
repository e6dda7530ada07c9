"""The targets report's layout: the targets table and its chart."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import (
    CENTER,
    CHART_MM,
    LEFT,
    body,
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
        "Thực hiện các chỉ tiêu công tác xây dựng Đảng năm {{ year }}, căn cứ báo cáo đánh giá "
        "của các đơn vị thuộc {{ scope.name }}, Ban Thường vụ Đảng ủy báo cáo kết quả như sau "
        "(đạt {{ summary.met }}/{{ summary.total }} chỉ tiêu):",
    )
    loop_table(
        doc,
        headers=["STT", "Chỉ tiêu", "Kết quả", "Tỷ lệ", "Yêu cầu", "Đánh giá", "Đơn vị báo cáo"],
        cells=[
            "{{ t.stt }}",
            "{{ t.text }}",
            "{{ t.result }}",
            "{{ t.actual|percent }}",
            "{{ t.threshold }}",
            "{{ t.met }}",
            "{{ t.reporting }}",
        ],
        widths_mm=[12, 55, 26, 18, 18, 18, 18],
        loop="t in targets",
        align=[CENTER, LEFT, CENTER, CENTER, CENTER, CENTER, CENTER],
    )
    tag(doc, "{%p if has_chart %}")
    picture(doc, placeholder_png(), slot="targets", width_mm=CHART_MM[0], height_mm=CHART_MM[1])
    tag(doc, "{%p endif %}")
    body(
        doc,
        "Ban Thường vụ Đảng ủy đề nghị các đơn vị chưa đạt chỉ tiêu xây dựng kế hoạch khắc phục "
        "và báo cáo kết quả về Đảng ủy (qua Văn phòng Đảng ủy)./.",
        before=6,
    )
    sign_off(doc)
