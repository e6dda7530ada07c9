"""Charts for scope-level reports: matplotlib (Agg), PNG without timestamps or version tags.

A per-unit progress report draws its subtree's stages chart (a unit without descendants has
none); charts are drawn on one reused figure per thread and cached by their counts, so a
batch over many units stays cheap. matplotlib is imported on first use, never by the CLI at start.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
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


_LOCAL = threading.local()


def _reused_axes() -> tuple[Any, Any]:
    """This thread's one figure and axes, emptied of the last chart's bars and legend, its
    subplot parameters back to their defaults: each chart then draws as on a new figure (the
    same bytes), but a per-unit batch draws hundreds, and a new figure would start each one
    without its Agg renderer's cache of text metrics and would build its axes and ticks
    again, most of a chart's cost besides drawing. One per thread: a figure is not shared."""
    fig = getattr(_LOCAL, "figure", None)
    if fig is None:
        from matplotlib.figure import Figure

        fig = _LOCAL.figure = Figure(figsize=SIZE_IN, dpi=DPI)
        _LOCAL.axes = fig.add_subplot()
        return fig, _LOCAL.axes
    ax = _LOCAL.axes
    for container in list(ax.containers):
        container.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.relim()
    fig.subplotpars.reset()
    fig.subplots_adjust(
        **{k: getattr(fig.subplotpars, k) for k in ("left", "right", "bottom", "top")}
    )
    return fig, ax


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    # No "Software" text chunk: the bytes must not change with the matplotlib version string.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def stages_chart(stages: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Stacked horizontal bars: for each stage, units by milestone state. The picture depends
    on these counts only, so equal counts (frequent among small subtrees) are drawn once."""
    counts = tuple(tuple(float(stages[s][key]) for key, _, _ in STATE_COLOURS) for s in STAGES)
    return _stages_png(counts)


@lru_cache(maxsize=2048)
def _stages_png(counts: tuple[tuple[float, ...], ...]) -> bytes:
    fig, ax = _reused_axes()
    try:
        _draw_stages(ax, counts)
        _tight_layout(fig, ax)
        return _png(fig)
    except BaseException:
        _LOCAL.__dict__.pop("figure", None)  # a chart failed half-way: the next starts anew
        raise


def _draw_stages(ax: Any, counts: tuple[tuple[float, ...], ...]) -> None:
    labels = [STAGE_LABELS[s] for s in STAGES][::-1]
    left = [0.0] * len(STAGES)
    for k, (_key, label, colour) in enumerate(STATE_COLOURS):
        values = [row[k] for row in counts][::-1]
        ax.barh(labels, values, left=left, color=colour, label=label, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("Số đơn vị")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=7, frameon=False)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def _tight_layout(fig: Any, ax: Any) -> None:
    """fig.tight_layout(), remembered per thread by what it depends on. Only the x axis varies
    between charts (labels, legend and sizes do not): its ticks follow from its view limits,
    and the bars lie inside the axes, so they add nothing to the tight box. The margins
    tight_layout computed for some limits are set again as they were for the same limits
    (autoscaling the limits now, rather than when drawing, gives the same limits: every bar
    is already there)."""
    layouts: dict[tuple[float, float], dict[str, float]] = _LOCAL.__dict__.setdefault("layouts", {})
    low, high = ax.get_xlim()
    limits = (float(low), float(high))
    margins = layouts.get(limits)
    if margins is None:
        fig.tight_layout()
        sub = fig.subplotpars
        margins = {k: getattr(sub, k) for k in ("left", "right", "bottom", "top")}
        if len(layouts) < 4096:
            layouts[limits] = margins
    else:
        fig.subplots_adjust(**margins)
    # tight_layout leaves a placeholder layout engine, for which savefig would draw the whole
    # figure once more (without output) before drawing it: nothing is left to lay out.
    fig.set_layout_engine(None)


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
