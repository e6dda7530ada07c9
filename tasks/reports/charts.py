"""Charts for scope-level reports: matplotlib (Agg), PNG without timestamps or version tags.

A per-unit progress report draws its subtree's stages chart (a unit without descendants has
none); a stages chart's frame is drawn once per x range and its bars filled in as pixels, and
charts are cached by their counts, so a batch over many units stays cheap. matplotlib is
imported on first use, never by the CLI at start.
"""

from __future__ import annotations

import io
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


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    # No "Software" text chunk: the bytes must not change with the matplotlib version string.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _chunk(tag: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _encode(image: Any) -> bytes:
    """RGBA pixels (opaque: the figure's face is white) as an RGB PNG at DPI: rows unfiltered,
    deflated at zlib level 1. A chart is large flat areas, which that compresses about as well
    as PIL's adaptive filters at its default level (~90 KB) in a third of the time (~7 ms,
    not ~25: at national scale encoding cost more than drawing)."""
    import struct
    import zlib

    import numpy as np

    height, width = image.shape[:2]
    raw = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # filter byte 0 (none) per row
    raw[:, 1:].reshape(height, width, 3)[...] = image[:, :, :3]
    per_metre = round(DPI / 0.0254)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)),
            _chunk(b"IEND", b""),
        )
    )


def stages_chart(stages: Mapping[str, Mapping[str, Any]]) -> bytes:
    """Stacked horizontal bars: for each stage, units by milestone state. The picture depends
    on these counts only, so equal counts (frequent among small subtrees) are drawn once."""
    counts = tuple(tuple(float(stages[s][key]) for key, _, _ in STATE_COLOURS) for s in STAGES)
    return _stages_png(counts)


@lru_cache(maxsize=2048)
def _stages_png(counts: tuple[tuple[float, ...], ...]) -> bytes:
    """The chart as PNG: its frame for the x range the counts need (axes, stage labels,
    legend, x ticks: drawn by matplotlib once per range, see _stages_frame), with the bars
    filled in as pixel rectangles. A per-unit batch draws thousands of charts over a few
    dozen ranges; matplotlib laying out and drawing the same text for each cost ~85 ms a
    chart, filling rectangles costs well under 1 ms."""
    rows = counts[::-1]  # the first stage at the top, where matplotlib's y is highest
    frame = _stages_frame(_x_range(rows))
    image = frame.pixels.copy()
    for y, row in enumerate(rows):
        left = 0.0
        for k, value in enumerate(row):
            if value > 0:
                x0, y0 = frame.to_pixel(left, y + BAR_HEIGHT / 2)
                x1, y1 = frame.to_pixel(left + value, y - BAR_HEIGHT / 2)
                # Under the left spine, as matplotlib draws patches below the axis lines.
                image[y0:y1, max(x0, frame.spine_right) : x1] = _RGBA[k]
            left += value
    return _encode(image)


BAR_HEIGHT = 0.6
_RGBA = [(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)), 255) for _, _, colour in STATE_COLOURS]


class _Frame:
    """A stages chart without its bars, as RGBA pixels, and where data points fall on them."""

    def __init__(self, pixels: Any, transform: Any, spine_right: int) -> None:
        self.pixels = pixels
        self._transform = transform
        self.spine_right = spine_right  # the first pixel column right of the left spine

    def to_pixel(self, x: float, y: float) -> tuple[int, int]:
        """(column, row) of a data point, rows from the top, rounded to the pixel grid."""
        px, py = self._transform.transform((x, y))
        return round(px), self.pixels.shape[0] - round(py)


def _x_range(rows: tuple[tuple[float, ...], ...]) -> tuple[float, float]:
    """The x range matplotlib's autoscaling gives these stacked bars: 5% past the longest,
    unless a bar's segment starts exactly at its end (an empty last state: a zero-width bar
    whose sticky edge stops the margin), and ±0.055 around 0 when every count is 0."""
    top = max((sum(r) for r in rows), default=0.0)
    if top <= 0:
        return (-0.055, 0.055)
    sticky = any(sum(r[:k]) == top for r in rows for k in range(len(r)))
    return (0.0, top if sticky else top * 1.05)


@lru_cache(maxsize=128)
def _stages_frame(x_range: tuple[float, float]) -> _Frame:
    """Everything of a stages chart but its bars, for an x range: integer ticks, the four
    stage labels, the legend below, laid out by tight_layout, as matplotlib draws the chart
    with its bars (their legend entries are patches of the same colours)."""
    import numpy as np
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    fig, ax = _figure()
    labels = [STAGE_LABELS[s] for s in STAGES][::-1]
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(-BAR_HEIGHT / 2 - 0.18, len(labels) - 1 + BAR_HEIGHT / 2 + 0.18)
    ax.set_xlim(*x_range)
    ax.set_xlabel("Số đơn vị")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    handles = [Patch(facecolor=colour, label=label) for _, label, colour in STATE_COLOURS]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncol=3,
        fontsize=7,
        frameon=False,
    )
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas: Any = FigureCanvasAgg(fig)  # Any: matplotlib's Agg canvas is not annotated
    fig.tight_layout()
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba()).copy()
    pixels.setflags(write=False)
    spine_x = ax.transData.transform((0, 0))[0]
    half = ax.spines["left"].get_linewidth() * DPI / 72 / 2
    return _Frame(pixels, ax.transData.frozen(), int(np.ceil(spine_x + half)))


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


TREND_COLOURS = {
    "personnel": "#1565C0",
    "inspections": "#2E7D32",
    "feedback": "#EF6C00",
    "training": "#6A1B9A",
}


def _shares(points: Sequence[Mapping[str, Any]], stage: str) -> list[float]:
    return [
        (100 * s["done"] / s["applicable"]) if s["applicable"] else float("nan")
        for s in (p["stages"][stage] for p in points)
    ]


def _draw_trend(ax: Any, days: Sequence[Any], lines: Mapping[str, Sequence[float]]) -> list[Any]:
    """The trend chart's axes as matplotlib draws them, its lines plotted with `lines`."""
    xs = range(len(days))
    drawn = [
        ax.plot(
            xs,
            lines[stage],
            marker="o",
            markersize=3,
            linewidth=1.4,
            color=TREND_COLOURS[stage],
            label=STAGE_LABELS[stage],
        )[0]
        for stage in STAGES
    ]
    ax.set_xticks(list(xs), [f"{d:%d/%m}" for d in days])
    ax.set_ylim(0, 105)
    ax.set_ylabel("Đơn vị hoàn thành (%)")
    ax.tick_params(axis="x", labelsize=7, rotation=45)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=4, fontsize=7, frameon=False)
    return drawn


def trend_chart(points: Sequence[Mapping[str, Any]]) -> bytes:
    """One line per stage over the trend's weeks: the share of applicable units done (%); a
    week where no unit of the stage applies has no point.

    The axes, ticks, labels and legend depend on the days and on which weeks have a point
    (matplotlib's autoscaling spans those), so they are drawn by matplotlib once per such
    frame, and each chart restores that picture and draws only its lines and the two axis
    lines over them (matplotlib's blitting: ~12 ms a chart, ~400 drawn whole; a batch draws one
    per unit with units)."""
    from datetime import date

    days = tuple(date.fromisoformat(str(p["as_of"])) for p in points)
    # (done, applicable) per stage and week: what the picture depends on (equal among
    # small subtrees, like their stages charts), so an equal chart is encoded once.
    figures = tuple(
        tuple((int(p["stages"][s]["done"]), int(p["stages"][s]["applicable"])) for p in points)
        for s in STAGES
    )
    return _trend_png(days, figures)


@lru_cache(maxsize=256)  # ~100 KB each
def _trend_png(days: tuple[Any, ...], figures: tuple[tuple[tuple[int, int], ...], ...]) -> bytes:
    lines = [[100 * d / a if a else float("nan") for d, a in stage] for stage in figures]
    finite = [x for x in range(len(days)) if any(line[x] == line[x] for line in lines)]
    extent = (finite[0], finite[-1]) if finite else None
    frame = _trend_frame(days, extent)
    with frame.lock:
        canvas = frame.canvas
        canvas.restore_region(frame.background)
        for artist, values in zip(frame.lines, lines, strict=True):
            artist.set_ydata(values)
            frame.ax.draw_artist(artist)
        for spine in frame.spines:
            frame.ax.draw_artist(spine)
        import numpy as np

        image = np.asarray(canvas.buffer_rgba()).copy()
    return _encode(image)


class _TrendFrame:
    """A trend chart's figure without its lines drawn (the background matplotlib restores),
    and the artists each chart draws over it; one chart at a time (the lock)."""

    def __init__(self, canvas: Any, ax: Any, lines: list[Any], spines: list[Any]) -> None:
        import threading

        self.canvas = canvas
        self.ax = ax
        self.lines = lines
        self.spines = spines
        self.background = canvas.copy_from_bbox(canvas.figure.bbox)
        self.lock = threading.Lock()


@lru_cache(maxsize=64)
def _trend_frame(days: tuple[Any, ...], extent: tuple[int, int] | None) -> _TrendFrame:
    """The frame of the trend charts of these days whose points span the weeks `extent`
    (first, last; None: no point at all): laid out as matplotlib lays out the whole chart
    (stand-in lines with points at the extent's ends give it the same autoscaling), drawn
    without the lines and the axis lines, which go over the lines."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, ax = _figure()
    canvas: Any = FigureCanvasAgg(fig)  # Any: matplotlib's Agg canvas is not annotated
    stand_in = [float("nan")] * len(days)
    if extent is not None:
        stand_in[extent[0]] = stand_in[extent[1]] = 50.0
    lines = _draw_trend(ax, days, dict.fromkeys(STAGES, stand_in))
    fig.tight_layout()
    spines = [ax.spines["left"], ax.spines["bottom"]]
    for artist in (*lines, *spines):
        artist.set_visible(False)
    canvas.draw()
    frame = _TrendFrame(canvas, ax, lines, spines)
    for artist in (*lines, *spines):
        artist.set_visible(True)
    return frame
