"""The feedback synthesis's layout: per section, the agreements and the grouped comments."""

from __future__ import annotations

from docx.document import Document as DocumentObject

from tasks.reports.layouts.blocks import body, heading, tag
from tasks.reports.layouts.party import party_header, report_title, sign_off


def layout(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    tag(doc, "{%p if draft %}")
    body(
        doc,
        "Thực hiện việc lấy ý kiến góp ý vào {{ draft.title }}, tính đến ngày "
        "{{ doc.as_of|vn_date }} đã có {{ summary.submitted|number }}/{{ summary.units|number }} "
        "đơn vị gửi ý kiến ({{ summary.late|number }} đơn vị gửi sau hạn "
        "{{ draft.deadline|vn_date }}; {{ summary.no_comments|number }} đơn vị thống nhất, không "
        "có ý kiến bổ sung) với {{ summary.comments|number }} ý kiến, trong đó "
        "{{ summary.agreements|number }} ý kiến thống nhất. Ban Thường vụ Đảng ủy tổng hợp, tiếp "
        "thu, giải trình như sau:",
    )
    tag(doc, "{%p if retired %}")
    body(
        doc,
        "Ngoài ra còn {{ summary.retired_comments|number }} ý kiến của đơn vị nay không còn hoạt "
        "động, không tính vào số liệu trên: {{ retired|join('; ') }}.",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for s in sections %}")
    heading(doc, "{{ s.heading }}")
    tag(doc, "{%p if s.agreements %}")
    body(doc, "{{ s.agreements|number }} đơn vị thống nhất với nội dung phần này.", italic=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for g in s.groups %}")
    body(doc, "{{ g.lead }} {{ g.text }}", after=2)
    tag(doc, "{%p for d in g.dispositions %}")
    body(doc, "{{ d.action }}: {{ d.text }}", italic=True, after=2)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    heading(doc, "TÌNH HÌNH TIẾP THU, GIẢI TRÌNH")
    body(
        doc,
        "Đã tiếp thu, giải trình {{ summary.answered|number }}/{{ summary.needing|number }} ý "
        "kiến cần trả lời ({{ summary.answered_share|percent }}).",
    )
    tag(doc, "{%p if not_submitted %}")
    body(doc, "Các đơn vị chưa gửi ý kiến: {{ not_submitted|join('; ') }}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    body(doc, "Chưa có dự thảo văn kiện nào được đưa ra lấy ý kiến trong phạm vi {{ scope.name }}.")
    tag(doc, "{%p endif %}")
    sign_off(doc)
