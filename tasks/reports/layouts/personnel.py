"""The personnel list's layout (landscape): the size and structure, then the list itself."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import CENTER, LEFT, body, heading, loop_table, para, tag
from tasks.reports.layouts.party import party_header, report_title, sign_off


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    body(
        doc,
        "Căn cứ kế hoạch chuẩn bị đại hội nhiệm kỳ {{ doc.term }}, Ban Thường vụ Đảng ủy báo "
        "cáo danh sách trích ngang nhân sự dự kiến tham gia cấp ủy khóa mới của {{ unit.name }} "
        "({{ unit.congress_phrase }}), số liệu đến ngày "
        "{{ doc.as_of|vn_date }}, như sau:",
    )
    heading(doc, "I. SỐ LƯỢNG, CƠ CẤU")
    body(doc, "{{ unit.size_line }}")
    tag(doc, "{%p if unit.shortfall %}")
    body(doc, "Để bảo đảm số lượng và cơ cấu, đơn vị {{ unit.shortfall }}.")
    tag(doc, "{%p endif %}")
    loop_table(
        doc,
        headers=["Cơ cấu", "Số người", "Tỷ lệ", "Yêu cầu", "Đánh giá"],
        cells=[
            "{{ c.label }}",
            "{{ c.count|number }}",
            "{{ c.share|percent }}",
            "{{ c.target }}",
            "{{ c.met }}",
        ],
        widths_mm=[90, 35, 35, 45, 47],
        loop="c in structure",
        align=[LEFT, CENTER, CENTER, CENTER, CENTER],
    )
    tag(doc, "{%p for w in warnings %}")
    body(doc, "- {{ w }}", italic=True, before=3, after=0)
    tag(doc, "{%p endfor %}")
    heading(doc, "II. DANH SÁCH TRÍCH NGANG")
    loop_table(
        doc,
        headers=[
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Dân tộc",
            "Tôn giáo",
            "Quê quán",
            "Ngày vào Đảng / chính thức",
            "Chuyên môn, nghiệp vụ",
            "Học hàm, học vị",
            "Lý luận chính trị",
            "Chức vụ hiện nay",
            "Tái cử / lần đầu",
            "Dự kiến chức danh",
            "Quy trình",
            "Ghi chú",
        ],
        cells=[
            "{{ p.stt }}",
            "{{ p.name }}",
            "{{ p.birth_date|vn_date }}",
            "{{ p.gender }}",
            "{{ p.ethnicity }}",
            "{{ p.religion }}",
            "{{ p.hometown }}",
            "{{ p.joined }}",
            "{{ p.education }}",
            "{{ p.academic }}",
            "{{ p.theory }}",
            "{{ p.position }}",
            "{{ p.reelection }}",
            "{{ p.post }}",
            "{{ p.step }}",
            "{{ p.note }}",
        ],
        widths_mm=[9, 28, 19, 11, 12, 12, 15, 19, 20, 14, 13, 22, 12, 15, 13, 18],
        loop="p in people",
        size=10,
        align=[
            CENTER,
            LEFT,
            CENTER,
            CENTER,
            CENTER,
            CENTER,
            LEFT,
            CENTER,
            LEFT,
            LEFT,
            CENTER,
            LEFT,
            CENTER,
            LEFT,
            CENTER,
            LEFT,
        ],
    )
    para(
        doc,
        "Danh sách gồm {{ totals.listed|number }} đồng chí; {{ totals.passed|number }} "
        "đồng chí đã hoàn thành bước 5 của quy trình.",
        before=6,
        after=6,
        italic=True,
    )
    sign_off(doc)
