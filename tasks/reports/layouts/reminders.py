"""The reminder letter's layout (công văn): the overdue stages with a progress bar each."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import CENTER, LEFT, body, loop_table, tag
from tasks.reports.layouts.party import letter_addressee, party_header, sign_off


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=True)
    letter_addressee(doc)
    body(
        doc,
        "Căn cứ kế hoạch chuẩn bị đại hội đảng bộ các cấp nhiệm kỳ {{ doc.term }}, qua theo dõi "
        "tiến độ đến ngày {{ doc.as_of|vn_date }}, Ban Thường vụ Đảng ủy nhận thấy "
        "{{ unit.name }} chưa hoàn thành đúng thời hạn các nội dung sau:",
    )
    loop_table(
        doc,
        headers=[],
        header_spans=[
            ("STT", 1),
            ("Nội dung", 1),
            ("Hạn hoàn thành", 1),
            ("Quá hạn", 1),
            ("Tiến độ", 10),
            ("Tỷ lệ", 1),
        ],
        cells=["{{ i.stt }}", "{{ i.label }}", "{{ i.due|vn_date }}", "{{ i.days_late }} ngày"]
        + [f"{{% cellbg i.bar[{n}] %}}" for n in range(10)]
        + ["{{ i.progress|percent }}{{ i.why }}"],
        widths_mm=[12, 58, 24, 20] + [3.5] * 10 + [16],
        loop="i in items",
        align=[CENTER, LEFT, CENTER, CENTER] + [CENTER] * 10 + [CENTER],
    )
    tag(doc, "{%p for i in items %}")
    body(doc, "- {{ i.label }}: {{ i.detail }}", before=3, after=0)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if unit.shortfall %}")
    body(
        doc,
        "- Về nhân sự cấp ủy khóa mới: đơn vị {{ unit.shortfall }} để bảo đảm số lượng và cơ cấu.",
        before=3,
        after=0,
    )
    tag(doc, "{%p endif %}")
    body(
        doc,
        "{{ unit.congress_line }} Ban Thường vụ Đảng ủy đề nghị {{ unit.name }} khẩn trương hoàn thành các nội dung trên, báo cáo kết "
        "quả về Đảng ủy (qua Văn phòng Đảng ủy) trong thời gian sớm nhất.",
        before=6,
    )
    body(doc, "Nhận được công văn này, đề nghị đơn vị nghiêm túc thực hiện./.")
    sign_off(doc)
