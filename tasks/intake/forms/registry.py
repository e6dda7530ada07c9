"""The importer of every form code: one explicit registry (form code → importer)."""

from __future__ import annotations

from tasks.intake.forms import (
    danh_gia,
    don_vi,
    gop_y,
    kiem_tra,
    lop_tap_huan,
    nhan_su,
    tap_huan,
    tiep_thu,
)
from tasks.intake.forms.common import FormImporter

IMPORTERS: dict[str, FormImporter] = {
    "don-vi": don_vi.IMPORTER,
    "nhan-su": nhan_su.IMPORTER,
    "kiem-tra": kiem_tra.IMPORTER,
    "danh-gia": danh_gia.IMPORTER,
    "gop-y": gop_y.IMPORTER,
    "lop-tap-huan": lop_tap_huan.IMPORTER,
    "tap-huan": tap_huan.IMPORTER,
    "tiep-thu": tiep_thu.IMPORTER,
}


def get_importer(form: str) -> FormImporter | None:
    """The importer of a form code, or None for a form nobody imports."""
    return IMPORTERS.get(form)
