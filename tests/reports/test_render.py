"""The compiled renderer on its own: escaping, the sandbox, split tags, big tables, templates
that rebuild byte for byte, and a file LibreOffice opens."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from models.enums import Gender, PoliticalTheory, Post, Reelection
from models.settings import Issuer
from tasks.core.plans import packaged_plans
from tasks.reports.docx.render import TemplateRenderError, compile_template
from tasks.reports.kinds.personnel import CandidateRow, UnitFacts, build_personnel_context
from tasks.reports.kinds.reminders import build_reminder_context
from tasks.reports.layouts import build as build_templates
from tasks.reports.party_format import DocumentHead, doc_context

AS_OF = date(2025, 3, 5)
MARGINS = (20.0, 20.0, 30.0, 15.0)


def _doc(doc_type: str = "CV") -> dict[str, object]:
    head = DocumentHead(doc_type, "", "V/v đôn đốc", ["Như trên"], addressee="Chi bộ A")
    return doc_context(head, issuer=Issuer(), as_of=AS_OF, number=None, term="2025-2030")


def _packaged(name: str) -> bytes:
    return (build_templates.template_dir() / f"{name}_tpl.docx").read_bytes()


def _docx_with(*paragraphs: list[str]) -> bytes:
    """A tiny template: each paragraph given as its runs."""
    d = docx.Document()
    for runs in paragraphs:
        p = d.add_paragraph()
        for i, text in enumerate(runs):
            p.add_run(text).bold = i % 2 == 1  # alternate formatting splits the runs
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _unit(name: str) -> dict[str, object]:
    entry = {
        "state": "overdue",
        "progress": 0.4,
        "due": "2025-03-01",
        "done_on": None,
        "warnings": ["thieu-so-luong-cap-uy"],
        "passed": 2,
        "required": 4,
    }
    quiet = {
        "state": "done",
        "progress": 1.0,
        "due": "2025-03-01",
        "done_on": "2025-02-01",
        "warnings": [],
    }
    return {
        "code": "CB-A",
        "name": name,
        "congress_date": "2025-04-20",
        "stages": {"personnel": entry, "inspections": quiet, "feedback": quiet, "training": quiet},
    }


def test_text_is_escaped_line_breaks_kept_and_control_characters_dropped() -> None:
    template = compile_template(_packaged("reminders"), name="r", margins_mm=MARGINS)
    name = "Chi bộ <A> & \"B\" 'C'\x0b\nDòng hai"
    ctx = build_reminder_context(doc=_doc(), unit=_unit(name), as_of=AS_OF)
    data = template.render(ctx, as_of=AS_OF, title="t")
    d = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Chi bộ <A> & \"B\" 'C'\nDòng hai chưa hoàn thành" in text
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "&lt;A&gt; &amp; &#34;B&#34;" in xml and "\x0b" not in xml


def test_the_sandbox_refuses_reaching_python_internals() -> None:
    data = _docx_with(["{{ ''.__class__.__mro__ }}"])
    template = compile_template(data, name="x_tpl.docx")
    with pytest.raises(TemplateRenderError, match="không được phép"):
        template.render({}, as_of=AS_OF, title="t")


def test_a_missing_variable_fails_the_render() -> None:
    template = compile_template(_docx_with(["{{ doc.nothing }}"]), name="x_tpl.docx")
    with pytest.raises(TemplateRenderError, match="biến không có"):
        template.render({"doc": {}}, as_of=AS_OF, title="t")


def test_tags_split_across_runs_by_word_are_merged() -> None:
    data = _docx_with(
        ["Kính gửi: {{ doc.", "addressee", " }}."], ["{%p if show %}"], ["có"], ["{%p endif %}"]
    )
    template = compile_template(data, name="x_tpl.docx")
    out = docx.Document(
        io.BytesIO(
            template.render(
                {"doc": {"addressee": "Chi bộ A"}, "show": False}, as_of=AS_OF, title="t"
            )
        )
    )
    assert [p.text for p in out.paragraphs] == ["Kính gửi: Chi bộ A."]
    assert template.variables == {"doc", "show"}


def test_margins_come_from_the_settings() -> None:
    template = compile_template(_packaged("reminders"), name="r", margins_mm=(25, 25, 35, 20))
    ctx = build_reminder_context(doc=_doc(), unit=_unit("A"), as_of=AS_OF)
    section = docx.Document(io.BytesIO(template.render(ctx, as_of=AS_OF, title="t"))).sections[0]
    assert [
        round(m.mm)
        for m in (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [25, 25, 35, 20]


def _person(i: int) -> CandidateRow:
    return CandidateRow(
        full_name=f"Nguyễn Văn Người{i:04d}",
        birth_date=date(1970 + i % 30, 1 + i % 12, 1),
        gender=Gender.NU if i % 3 == 0 else Gender.NAM,
        ethnicity="Kinh",
        religion=None,
        hometown="Huế",
        joined_on=date(2000, 1, 1),
        official_date=date(2001, 1, 1),
        education="Cử nhân",
        academic_title=None,
        political_theory=PoliticalTheory.CAO_CAP,
        current_position="Giáo viên",
        reelection=Reelection.TAI_CU,
        proposed_post=Post.CAP_UY_VIEN,
        note=None,
        step=i % 6,
        step_vote_pct=Decimal("90.5") if i % 6 == 5 else None,
    )


def test_a_two_thousand_row_personnel_table_renders() -> None:
    template = compile_template(_packaged("personnel"), name="p", margins_mm=MARGINS)
    unit = UnitFacts("Chi bộ A", "co-so", date(2025, 6, 1), 1800, 4)
    ctx = build_personnel_context(
        doc=_doc("BC"),
        unit=unit,
        plan=packaged_plans()["ct45-2025"],
        candidates=[_person(i) for i in range(2000)],
        as_of=AS_OF,
    )
    start = time.perf_counter()
    data = template.render(ctx, as_of=AS_OF, title="t")
    elapsed = time.perf_counter() - start
    print(f"2,000-row personnel list: {elapsed:.2f} s, {len(data) / 1e6:.1f} MB")
    table = docx.Document(io.BytesIO(data)).tables[2]
    assert len(table.rows) == 2001
    assert table.rows[2000].cells[0].text == "2000"


@pytest.mark.parametrize("name", sorted(build_templates.LAYOUTS))
def test_packaged_templates_are_what_the_build_script_writes(name: str) -> None:
    assert build_templates.build(name) == _packaged(name)


@pytest.mark.slow
def test_a_rendered_letter_converts_to_pdf_in_libreoffice(tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    template = compile_template(_packaged("reminders"), name="r", margins_mm=MARGINS)
    ctx = build_reminder_context(doc=_doc(), unit=_unit("Chi bộ A"), as_of=AS_OF)
    src = tmp_path / "letter.docx"
    src.write_bytes(template.render(ctx, as_of=AS_OF, title="t"))
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "letter.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000
