"""Documents per second: the compiled renderer vs docxtpl, same template and same contexts.

Renders the reminder letter (công văn đôn đốc) for a committee's worth of overdue units
(default 120), each letter from its own context, and prints documents per second for
  - daihoi: the template compiled once, each letter rendered to .docx bytes;
  - docxtpl: DocxTemplate(template).render(context) + save, per letter, in the same sandboxed
    environment (same filters, autoescape), which is how docxtpl is used.
Prints figures; asserts nothing. Usage: python benchmarks/reports.py [--letters N] [--rounds R]
"""

from __future__ import annotations

import argparse
import io
import time
from datetime import date, timedelta
from typing import Any

from models.settings import Issuer
from tasks.reports.docx.environment import make_environment
from tasks.reports.docx.render import compile_template, template_dir
from tasks.reports.kinds.reminders import build_reminder_context
from tasks.reports.party_format import DocumentHead, doc_context

AS_OF = date(2025, 5, 20)
STAGES = ("personnel", "inspections", "feedback", "training")


def contexts(n: int) -> list[dict[str, Any]]:
    """One reminder context per unit; each unit overdue on one to four stages."""
    out = []
    for i in range(n):
        stages = {}
        for k, stage in enumerate(STAGES):
            late = k <= i % 4
            stages[stage] = {
                "state": "overdue" if late else "done",
                "progress": round((i * 7 + k * 13) % 100 / 100, 2),
                "due": (AS_OF - timedelta(days=5 + (i + k) % 40)).isoformat(),
                "done_on": None,
                "warnings": ["thieu-so-luong-cap-uy"] if late and k == 0 and i % 9 == 0 else [],
                "passed": i % 5,
                "required": 6,
                "inspections": 1 + i % 3,
                "concluded": i % 2,
                "remedies": 2,
                "verified": 1,
                "satisfied": 1,
                "pairs": 3,
            }
        unit = {
            "code": f"CB-{i:03d}",
            "name": f"Chi bộ Trường THPT số {i + 1} <&>",
            "congress_date": "2025-06-20",
            "stages": stages,
        }
        head = DocumentHead(
            "CV",
            "",
            "V/v đôn đốc hoàn thành các nội dung chuẩn bị đại hội",
            ["Như trên"],
            addressee=unit["name"],
        )
        doc = doc_context(head, issuer=Issuer(), as_of=AS_OF, number=100 + i, term="2025-2030")
        out.append(build_reminder_context(doc=doc, unit=unit, as_of=AS_OF))
    return out


def bench_daihoi(
    data: bytes,
    ctxs: list[dict[str, Any]],
    name: str = "reminders_tpl.docx",
    title: str = "Công văn đôn đốc",
) -> tuple[float, float]:
    start = time.perf_counter()
    template = compile_template(data, name=name, margins_mm=(20, 20, 30, 15))
    compiled = time.perf_counter()
    for ctx in ctxs:
        template.render(ctx, as_of=AS_OF, title=title)
    done = time.perf_counter()
    return compiled - start, done - compiled


def bench_docxtpl(data: bytes, ctxs: list[dict[str, Any]]) -> float:
    from docxtpl import DocxTemplate

    env = make_environment()
    start = time.perf_counter()
    for ctx in ctxs:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.render(ctx, jinja_env=env, autoescape=True)
        tpl.save(io.BytesIO())
    return time.perf_counter() - start


def compare(
    data: bytes, ctxs: list[dict[str, Any]], rounds: int, **names: str
) -> tuple[float, float, float]:
    """Best of `rounds` interleaved: (ours incl. compile, docxtpl, compile) in seconds."""
    ours: list[float] = []
    theirs: list[float] = []
    compile_s = 0.0
    for _ in range(rounds):
        compile_s, render_s = bench_daihoi(data, ctxs, **names)
        ours.append(render_s + compile_s)
        theirs.append(bench_docxtpl(data, ctxs))
    return min(ours), min(theirs), compile_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = (template_dir() / "reminders_tpl.docx").read_bytes()
    ctxs = contexts(args.letters)
    best_ours, best_theirs, compile_s = compare(data, ctxs, args.rounds)
    n = len(ctxs)
    print(f"reminder letters: {n} per round, best of {args.rounds} rounds")
    print(
        f"  daihoi  : {n / best_ours:8.1f} docs/s  ({best_ours:.3f} s incl. compile "
        f"{compile_s * 1000:.0f} ms)"
    )
    print(f"  docxtpl : {n / best_theirs:8.1f} docs/s  ({best_theirs:.3f} s)")
    print(f"  ratio   : {best_theirs / best_ours:8.1f}×")


if __name__ == "__main__":
    main()
