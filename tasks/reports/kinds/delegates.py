"""The delegate allocation (Bảng phân bổ số lượng đại biểu): each direct child of the scope,
its members and its delegates, the totals and the method in one sentence, from the figures
the request carries (T, E, b) and the registry's member counts."""

from __future__ import annotations

from typing import Any

from tasks.core.errors import UsageError
from tasks.reports import party_format as pf
from tasks.reports.labels import term_label
from tasks.reports.planning import Kind, PlannedDocument, Request
from tasks.status.delegates import Allocation, delegate_allocation, method_sentence

TYPE_NAME = "Bảng phân bổ số lượng đại biểu"


def congress_of(name: str) -> str:
    """The organisation whose congress it is: a committee (Đảng ủy …) holds the congress of
    its party organisation (Đảng bộ …)."""
    for committee in ("Đảng ủy ", "Đảng uỷ "):
        if name.startswith(committee):
            return "Đảng bộ " + name[len(committee) :]
    return name


def build_delegates_context(
    *, doc: dict[str, Any], allocation: Allocation, scope_name: str
) -> dict[str, Any]:
    """The table of direct children, its totals and the method."""
    a = allocation
    rows = [
        {
            "stt": i,
            "code": u.code,
            "name": u.name,
            "members": u.members,
            "base": u.base,
            "share": u.share,
            "delegates": u.delegates,
        }
        for i, u in enumerate(a.units, start=1)
    ]
    return {
        "doc": doc,
        "scope": {"name": scope_name, "units": len(a.units)},
        "units": rows,
        "totals": {
            "members": a.members,
            "base": sum(u.base for u in a.units),
            "share": a.remaining,
            "elected": a.elected,
            "ex_officio": a.ex_officio,
            "total": a.total,
        },
        "method": method_sentence(a),
    }


def plan(req: Request) -> list[PlannedDocument]:
    """The scope's allocation table, for the figures the request carries."""
    if req.delegates is None:
        raise UsageError(
            "Báo cáo delegates cần tổng số đại biểu của đại hội: --total T "
            "(và --ex-officio E, --base b nếu có)."
        )
    allocation = delegate_allocation(req.s, scope=req.scope, figures=req.delegates)
    subject = (
        f"dự Đại hội đại biểu {congress_of(req.scope.name)}, "
        f"nhiệm kỳ {term_label(req.settings.term)}"
    )
    head = pf.DocumentHead(pf.REPORT, TYPE_NAME, subject, list(req.settings.issuer.recipients))
    ctx = build_delegates_context(
        doc=req.doc(head), allocation=allocation, scope_name=req.scope.name
    )
    return [
        PlannedDocument(
            kind="delegates",
            template="delegates",
            subject_id=req.scope.id,
            subject_code=req.scope.code,
            doc_type=pf.REPORT,
            context=ctx,
            title=f"{TYPE_NAME} {subject}",
        )
    ]


KIND = Kind("delegates", plan)
