"""Build the packaged report templates (templates/<kind>_tpl.docx), deterministically.

Run `python -m tasks.reports.layouts` after changing a layout; the committed files
must be exactly what it writes (a test rebuilds them and compares bytes). Offices edit copies
in $DAIHOI_HOME/templates/, never these.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from datetime import date

from docx.document import Document as DocumentObject

from tasks.reports.docx import package as docx_zip
from tasks.reports.docx.render import template_dir
from tasks.reports.layouts.blocks import (
    CENTER,
    LEFT,
    body,
    heading,
    letter_addressee,
    loop_table,
    new_document,
    para,
    party_header,
    picture,
    report_title,
    sign_off,
    tag,
)

# The date pinned into the packaged templates' properties (the format's reference year).
BUILD_DATE = date(2025, 1, 1)
CHART_MM = (160.0, 80.0)


def placeholder_png(width: int = 32, height: int = 16) -> bytes:
    """A light grey PNG, written by hand so it carries no timestamp or software tag."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xe6\xe6\xe6" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _progress(doc: DocumentObject) -> None:
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
            "{{ u.progress|percent }}",
        ],
        widths_mm=[12, 52, 34, 23, 24, 20],
        loop="u in laggards",
        align=[CENTER, LEFT, LEFT, CENTER, CENTER, CENTER],
    )
    tag(doc, "{%p else %}")
    body(doc, "Chưa có đơn vị nào quá hạn hoặc có nguy cơ chậm tiến độ.")
    tag(doc, "{%p endif %}")
    heading(doc, "III. THAY ĐỔI SO VỚI BÁO CÁO TRƯỚC")
    tag(doc, "{%p if changes.previous %}")
    body(doc, "So với báo cáo ngày {{ changes.previous_date|vn_date }}{{ changes.previous_ref }}:")
    tag(doc, "{%p for line in changes.lines %}")
    body(doc, "- {{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    body(doc, "Đây là báo cáo tiến độ đầu tiên của phạm vi này; chưa có số liệu để so sánh.")
    tag(doc, "{%p endif %}")
    heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    body(
        doc,
        "Ban Thường vụ Đảng ủy đề nghị các đảng bộ, chi bộ trực thuộc chưa hoàn thành đúng "
        "thời hạn khẩn trương thực hiện các nội dung còn lại, báo cáo kết quả về Đảng ủy (qua "
        "Văn phòng Đảng ủy) để tổng hợp, bảo đảm đại hội được tổ chức đúng kế hoạch./.",
    )
    sign_off(doc)


def _personnel(doc: DocumentObject) -> None:
    party_header(doc, letter=False)
    report_title(doc)
    body(
        doc,
        "Căn cứ kế hoạch chuẩn bị đại hội nhiệm kỳ {{ doc.term }}, Ban Thường vụ Đảng ủy báo "
        "cáo danh sách trích ngang nhân sự dự kiến tham gia cấp ủy khóa mới của {{ unit.name }} "
        "(đại hội dự kiến ngày {{ unit.congress_date|vn_date }}), số liệu đến ngày "
        "{{ doc.as_of|vn_date }}, như sau:",
    )
    heading(doc, "I. SỐ LƯỢNG, CƠ CẤU")
    body(doc, "{{ unit.size_line }}")
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


def _personnel_subtree(doc: DocumentObject) -> None:
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
    sign_off(doc)


def _inspections(doc: DocumentObject) -> None:
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


def _feedback(doc: DocumentObject) -> None:
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


def _training(doc: DocumentObject) -> None:
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


def _targets(doc: DocumentObject) -> None:
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
        widths_mm=[12, 61, 20, 18, 18, 18, 18],
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


def _reminders(doc: DocumentObject) -> None:
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
        + ["{{ i.progress|percent }}"],
        widths_mm=[12, 58, 24, 20] + [3.5] * 10 + [16],
        loop="i in items",
        align=[CENTER, LEFT, CENTER, CENTER] + [CENTER] * 10 + [CENTER],
    )
    tag(doc, "{%p for i in items %}")
    body(doc, "- {{ i.label }}: {{ i.detail }}", before=3, after=0)
    tag(doc, "{%p endfor %}")
    body(
        doc,
        "Đại hội của đơn vị dự kiến tổ chức ngày {{ unit.congress_date|vn_date }}. Ban Thường vụ "
        "Đảng ủy đề nghị {{ unit.name }} khẩn trương hoàn thành các nội dung trên, báo cáo kết "
        "quả về Đảng ủy (qua Văn phòng Đảng ủy) trong thời gian sớm nhất.",
        before=6,
    )
    body(doc, "Nhận được công văn này, đề nghị đơn vị nghiêm túc thực hiện./.")
    sign_off(doc)


LAYOUTS: dict[str, tuple[Callable[[DocumentObject], None], bool]] = {
    "progress": (_progress, False),
    "personnel": (_personnel, True),
    "personnel_subtree": (_personnel_subtree, False),
    "inspections": (_inspections, False),
    "feedback": (_feedback, False),
    "training": (_training, False),
    "targets": (_targets, False),
    "reminders": (_reminders, False),
}


def build(name: str) -> bytes:
    """The bytes of one packaged template (deterministic)."""
    layout, landscape = LAYOUTS[name]
    doc = new_document(landscape=landscape)
    # python-docx starts a document with no paragraph; the layout adds everything.
    layout(doc)
    raw = io.BytesIO()
    doc.save(raw)
    archive = zipfile.ZipFile(raw)
    entries = []
    for info in archive.infolist():
        data = archive.read(info.filename)
        if info.filename == docx_zip.CORE_PROPS_PATH:
            data = docx_zip.core_properties(as_of=BUILD_DATE, title="")
        entries.append(docx_zip.deflate(info.filename, data, level=9))
    return docx_zip.write_zip(entries)


def main() -> None:
    """Write every packaged template and say which changed."""
    out = template_dir()
    for name in LAYOUTS:
        data = build(name)
        path = out / f"{name}_tpl.docx"
        old = path.read_bytes() if path.exists() else None
        if old != data:
            path.write_bytes(data)
            sys.stderr.write(f"wrote {path}\n")
