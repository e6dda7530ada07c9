"""Generated reports, opened with python-docx: the Party format, numbers, subtree isolation."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import Engine, func, select

from models.db import write_session
from models.records import DocumentCounter, ReportArchive
from tasks.core.errors import UsageError, UserError
from tasks.reports.api import RenderedReport, render_report
from tasks.reports.plan import KINDS
from tasks.status.delegates import Figures
from tests.helpers.reports_tree import AS_OF, LEAF, OTHER_UNITS, build_tree

pytestmark = pytest.mark.db

DATE_LINE = "TP. Hồ Chí Minh, ngày 20 tháng 05 năm 2025"
# The figures of the kind `delegates` (T, E, b); other kinds ignore them.
FIGURES = Figures(total=12, ex_officio=3, base=1)
# The type name of a document that is not a báo cáo (nor a letter).
TYPE_NAMES = {"delegates": "BẢNG PHÂN BỔ SỐ LƯỢNG ĐẠI BIỂU"}


@pytest.fixture
def tree(engine: Engine) -> dict[str, int]:
    with write_session(engine) as session:
        return build_tree(session)


def text_of(path: Path) -> str:
    """All text of a document's body, line breaks kept."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    xml = re.sub(r"<w:br/>", "\n", xml)
    xml = re.sub(r"</w:p>", "\n", xml)
    return html.unescape(re.sub(r"<[^>]+>", "", xml))


def render_all(out: Path, scope: str | None = None, issue: bool = False) -> list[RenderedReport]:
    files: list[RenderedReport] = []
    for kind in KINDS:
        if kind == "delegates" and scope == LEAF[0]:
            continue  # a leaf has no direct children to allocate delegates to
        files += render_report(
            kind=kind, scope=scope, as_of=AS_OF, out_dir=out, issue=issue, delegates=FIGURES
        )
    files += render_report(kind="personnel", scope=scope, as_of=AS_OF, out_dir=out, subtree=True)
    return files


def run_fonts(
    paragraph: docx.text.paragraph.Paragraph,
) -> set[tuple[str | None, float | None, bool | None]]:
    return {
        (r.font.name, r.font.size.pt if r.font.size else None, r.bold)
        for r in paragraph.runs
        if r.text.strip()
    }


def check_party_format(
    path: Path, *, letter: bool, number: str, type_name: str = "BÁO CÁO"
) -> None:
    d = docx.Document(str(path))
    section = d.sections[0]
    assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    normal = d.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size is not None
    assert normal.size.pt == 14
    # Page numbers from page 2: a different (blank) first page header, PAGE on the others.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert not section.first_page_header.paragraphs[0].text.strip()

    head = d.tables[0]
    assert len(head.columns) == 2
    assert 'w:val="nil"' in head._tbl.tblPr.xml  # borderless
    left, right = head.rows[0].cells
    lp = [p for p in left.paragraphs if p.text.strip()]
    assert lp[0].text == "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH"
    assert run_fonts(lp[0]) == {("Times New Roman", 14.0, None)}
    assert lp[1].text == "ĐẢNG ỦY SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert run_fonts(lp[1]) == {("Times New Roman", 14.0, True)}
    assert lp[2].text == "*"
    assert lp[3].text == number
    rp = [p for p in right.paragraphs if p.text.strip()]
    assert rp[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert run_fonts(rp[0]) == {("Times New Roman", 15.0, True)}
    rule = right.paragraphs[1]
    assert "<w:bottom" in rule._p.xml and not rule.text.strip()
    assert rp[1].text == DATE_LINE and all(r.italic for r in rp[1].runs)

    body = [p for p in d.paragraphs if p.text.strip()]
    if letter:
        assert len(lp) == 5 and lp[4].runs[0].italic and lp[4].runs[0].font.size.pt == 12
        assert body[0].text.startswith("Kính gửi: ")
        assert not any(p.text == "BÁO CÁO" for p in body)
    else:
        assert body[0].text == type_name
        assert run_fonts(body[0]) == {("Times New Roman", 16.0, True)}
        assert run_fonts(body[1]) == {("Times New Roman", 14.0, True)}

    sign = d.tables[-1]
    recipients, signature = sign.rows[0].cells
    lines = [p.text for p in recipients.paragraphs if p.text.strip()]
    assert lines[0] == "Nơi nhận:"
    assert all(line.startswith("- ") and line.endswith(";") for line in lines[1:-1])
    assert lines[-1] == "- Lưu VPĐU."
    if letter:
        assert lines[1] == "- Như trên;"
    sig = [p.text for p in signature.paragraphs if p.text.strip()]
    assert sig == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Hiếu"]


def test_every_kind_opens_in_the_party_format(tree: dict[str, int], tmp_path: Path) -> None:
    files = render_all(tmp_path)
    kinds = {f.kind for f in files}
    assert kinds == {*KINDS, "personnel-subtree"}
    for f in files:
        letter = f.kind == "reminders"
        check_party_format(
            f.path,
            letter=letter,
            number="Số      -CV/ĐU" if letter else "Số      -BC/ĐU",
            type_name=TYPE_NAMES.get(f.kind, "BÁO CÁO"),
        )
        assert f.number is None and f.path.name == f"{f.kind}_{f.subject}_{AS_OF}.docx"


def test_issued_numbers_count_per_type_and_appear_in_file_name(
    tree: dict[str, int], tmp_path: Path
) -> None:
    progress = render_report(kind="progress", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True)
    reminders = render_report(
        kind="reminders", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True
    )
    targets = render_report(kind="targets", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True)
    assert [r.number for r in progress + targets] == [1, 2]
    assert [r.number for r in reminders] == [1, 2, 3, 4]
    check_party_format(progress[0].path, letter=False, number="Số 1-BC/ĐU")
    check_party_format(reminders[2].path, letter=True, number="Số 3-CV/ĐU")
    assert reminders[2].path.name == f"reminders_{reminders[2].subject}_{AS_OF}_3.docx"


def test_unchanged_report_is_returned_from_the_archive_with_the_same_number_and_bytes(
    tree: dict[str, int], tmp_path: Path
) -> None:
    first = render_report(kind="progress", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True)[0]
    again = render_report(kind="progress", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True)[0]
    assert again.reused and again.number == first.number and again.path == first.path
    data = first.path.read_bytes()
    first.path.unlink()  # lost on disk: written again under its number, byte for byte
    restored = render_report(
        kind="progress", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True
    )[0]
    assert restored.number == first.number and restored.path.read_bytes() == data
    draft1 = render_report(kind="training", scope=None, as_of=AS_OF, out_dir=tmp_path / "a")[0]
    draft2 = render_report(kind="training", scope=None, as_of=AS_OF, out_dir=tmp_path / "b")[0]
    assert draft2.reused and draft2.sha256 == draft1.sha256


def test_the_same_data_renders_byte_identical_files(tree: dict[str, int], tmp_path: Path) -> None:
    a = render_report(kind="reminders", scope=None, as_of=AS_OF, out_dir=tmp_path / "a")
    with write_session() as session:  # forget the archive: a genuinely new render
        session.execute(ReportArchive.__table__.delete())
    b = render_report(kind="reminders", scope=None, as_of=AS_OF, out_dir=tmp_path / "b")
    assert not any(r.reused for r in b)
    assert [r.path.read_bytes() for r in a] == [r.path.read_bytes() for r in b]
    info = zipfile.ZipFile(a[0].path).infolist()
    assert {i.date_time for i in info} == {(1980, 1, 1, 0, 0, 0)}
    core = zipfile.ZipFile(a[0].path).read("docProps/core.xml").decode()
    assert "2025-05-20T00:00:00+07:00" in core and "<cp:revision>1</cp:revision>" in core


def test_a_failed_render_leaves_no_file_no_row_and_no_number_used(
    tree: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks.reports.docx import render

    tmp_path = tmp_path / "out"

    first = render_report(kind="progress", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise render.TemplateRenderError("hỏng")

    with monkeypatch.context() as m:
        m.setattr(render.CompiledTemplate, "render", broken)
        with pytest.raises(render.TemplateRenderError):
            render_report(kind="inspections", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True)
    after = render_report(kind="training", scope=None, as_of=AS_OF, out_dir=tmp_path, issue=True)
    numbers = [r.number for r in first + after]
    assert numbers == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(r.path.name for r in first + after)
    with write_session() as session:
        assert session.scalar(select(func.count()).select_from(ReportArchive)) == 2
        assert session.scalar(select(DocumentCounter.last_number)) == 2
        numbers_db = session.scalars(select(ReportArchive.number)).all()
    assert len(set(numbers_db)) == len(numbers_db)


def test_a_leaf_units_reports_hold_no_other_units_code_or_name(
    tree: dict[str, int], tmp_path: Path
) -> None:
    files = render_all(tmp_path, scope=LEAF[0])
    assert files
    for f in files:
        text = text_of(f.path)
        for code, name in OTHER_UNITS.items():
            assert code not in text, (f.kind, code)
            assert name not in text, (f.kind, name)
    personnel = next(f for f in files if f.kind == "personnel")
    text = text_of(personnel.path)
    assert "Trần Thị Ánh" in text and "Phạm Minh Đức" not in text


def test_feedback_text_is_escaped_and_kept_literally(tree: dict[str, int], tmp_path: Path) -> None:
    f = render_report(kind="feedback", scope=None, as_of=AS_OF, out_dir=tmp_path)[0]
    d = docx.Document(str(f.path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert 'Đề nghị bổ sung "chuyển đổi số" <ưu tiên> & đo lường\nkết quả cụ thể' in text
    assert (
        "Có 02 đơn vị (Chi bộ Khoa Toán học; Chi bộ Trường THPT Lê Quý Đôn) đề nghị bổ sung:"
        in text
    )
    assert "Tiếp thu: Đã bổ sung vào mục II.2" in text
    assert text.index("I. Đánh giá nhiệm kỳ") < text.index("II. Phương hướng nhiệm kỳ mới")


def test_personnel_list_orders_people_by_post_then_name(
    tree: dict[str, int], tmp_path: Path
) -> None:
    f = render_report(kind="personnel", scope=LEAF[0], as_of=AS_OF, out_dir=tmp_path)[0]
    table = docx.Document(str(f.path)).tables[2]
    names = [row.cells[1].text for row in table.rows[1:]]
    assert names == ["Trần Thị Ánh", "Nguyễn Văn Bình", "Lê Văn An"]


def test_register_set_aligns_numbers_and_refuses_going_back(
    tree: dict[str, int], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    runner = CliRunner()
    set_41 = runner.invoke(app, ["so-van-ban", "set", "bc", "41"])
    assert set_41.exit_code == 0, set_41.output
    assert "41" in set_41.output and "42" in set_41.output
    out = runner.invoke(
        app, ["report", "progress", "--as-of", "20/05/2025", "--out", str(tmp_path), "--issue"]
    )
    assert out.exit_code == 0, out.output
    assert (tmp_path / f"progress_ROOT_{AS_OF}_42.docx").is_file()
    # The CLI's main() turns these into one line and exit codes 1 and 2.
    back = runner.invoke(app, ["so-van-ban", "set", "BC", "10"])
    assert isinstance(back.exception, UserError) and back.exception.exit_code == 1
    assert "không được dùng lại" in back.exception.message
    unknown = runner.invoke(app, ["report", "nothing"])
    assert isinstance(unknown.exception, UsageError) and unknown.exception.exit_code == 2
