"""Charts for scope-level reports: matplotlib (Agg), PNG without timestamps or version tags.

Per-unit documents never draw charts (their progress is table cells), so a report per unit
stays cheap at national scale. matplotlib is imported on first use, never by the CLI at start.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from tasks.reports.labels import STAGE_LABELS, STAGES

# Same size as the picture slot in the templates (160 × 80 mm).
SIZE_IN = (160 / 25.4, 80 / 25.4)
DPI = 150
STATE_COLOURS = (
    ("done", "Hoàn thành", "#2E7D32"),
    ("on_track", "Đúng tiến độ", "#81C784"),
    ("at_risk", "Nguy cơ chậm", "#F9A825"),
    ("overdue", "Quá hạn", "#C62828"),
    ("not_started", "Chưa triển khai", "#BDBDBD"),
)


# Targets as the letter numbers them (974-CV/ĐU, II).
TARGET_SHORT = {
    "tong-hop": "(1)",
    "dang-ky-ctrhd": "(2)",
    "kiem-diem-ctrhd": "(3)",
    "xep-loai-to-chuc": "(4) tổ chức",
    "xep-loai-dang-vien": "(4) đảng viên",
    "qd-1793": "(5)",
    "so-hoa": "(6)",
}


def _figure() -> tuple[Any, Any]:
    # A bare Figure renders through Agg without pyplot's global state or backend switching.
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE_IN, dpi=DPI)
    ax = fig.add_subplot()
    return fig, ax


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    # No "Software" text chunk: the bytes must not change with the matplotlib version string.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def stages_chart(stages: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Stacked horizontal bars: for each stage, units by milestone state."""
    fig, ax = _figure()
    labels = [STAGE_LABELS[s] for s in STAGES][::-1]
    left = [0.0] * len(STAGES)
    for key, label, colour in STATE_COLOURS:
        values = [float(stages[s][key]) for s in STAGES][::-1]
        ax.barh(labels, values, left=left, color=colour, label=label, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("Số đơn vị")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=7, frameon=False)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def targets_chart(targets: Sequence[Mapping[str, Any]]) -> bytes:
    """Bars of each target's actual share against its threshold."""
    fig, ax = _figure()
    order = list(TARGET_SHORT)
    rows = sorted(
        (t for t in targets if t.get("actual") is not None),
        key=lambda t: order.index(t["code"]) if t["code"] in order else len(order),
    )
    names = [TARGET_SHORT.get(str(t["code"]), str(t["code"])) for t in rows]
    actual = [float(t["actual"]) * 100 for t in rows]
    colours = ["#2E7D32" if t["met"] else "#C62828" for t in rows]
    ax.bar(names, actual, color=colours, width=0.6)
    for i, t in enumerate(rows):
        ax.hlines(float(t["threshold"]) * 100, i - 0.35, i + 0.35, colors="#212121", linewidth=1.2)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Tỷ lệ (%)")
    ax.tick_params(axis="x", labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)
