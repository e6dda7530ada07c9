"""Demo inspections and supervisions serving the congresses, and the remedies they require."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from models import Inspection, Remedy
from models.enums import InspectionForm, InspectionKind, InspectionTarget, RemedyStatus
from tasks.demo.units import Level, Unit, finish_after, stage_level
from tasks.demo.writer import BulkWriter

CLEAN = (
    "Tổ chức đảng thực hiện đúng nguyên tắc tập trung dân chủ, quy chế làm việc; "
    "không phát hiện vi phạm."
)
CONCLUSIONS = (
    "Cơ bản thực hiện tốt công tác lãnh đạo, chỉ đạo; còn thiếu sót trong việc lưu trữ hồ sơ, "
    "biên bản sinh hoạt chi bộ.",
    "Chưa thực hiện đầy đủ chế độ sinh hoạt chuyên đề theo quy định; việc ghi biên bản còn sơ sài.",
    "Việc quản lý, thu nộp đảng phí chưa đúng quy định tại một số tháng.",
    "Công tác chuẩn bị nhân sự cấp ủy khóa mới chưa bảo đảm đúng quy trình ở bước 2.",
    "Chưa kịp thời cập nhật hồ sơ đảng viên chuyển sinh hoạt đảng.",
)
REMEDIES = (
    "Bổ sung, hoàn thiện hồ sơ đảng viên theo quy định.",
    "Kiểm điểm rút kinh nghiệm đối với tập thể chi ủy về những thiếu sót đã được chỉ ra.",
    "Hoàn thiện sổ sách, biên bản sinh hoạt chi bộ năm 2024.",
    "Xây dựng kế hoạch khắc phục hạn chế, khuyết điểm sau kiểm tra và báo cáo kết quả.",
    "Thu nộp đảng phí đúng quy định và bổ sung phần còn thiếu.",
    "Rà soát, hoàn thiện quy trình giới thiệu nhân sự cấp ủy khóa mới.",
    "Tổ chức sinh hoạt chuyên đề theo đúng hướng dẫn của Đảng ủy.",
)


class InspectionMaker:
    """Writes inspections of most units; their conclusions and remedies follow the unit's level."""

    def __init__(self, writer: BulkWriter, rng: random.Random, as_of: date) -> None:
        self.writer = writer
        self.rng = rng
        self.as_of = as_of
        self._numbers: Counter[tuple[int, str]] = Counter()

    def run(self, units: Iterable[Unit]) -> None:
        """One or two inspections per inspected unit (the root's are sent by its superior)."""
        for unit in units:
            if not unit.active:
                continue
            level = stage_level(self.rng, unit.profile or "normal", unit.due("inspections"))
            if level == "zero" and self.rng.random() < 0.5:
                continue  # not inspected at all yet
            self._unit(unit, level)

    def _day(self, offset: int) -> date:
        return self.as_of + timedelta(days=offset)

    def _code(self, unit: Unit, kind: InspectionKind, start: int) -> str:
        sender = unit.parent.id if unit.parent else 0
        prefix = "KT" if kind is InspectionKind.KIEM_TRA else "GS"
        year = self._day(start).year
        self._numbers[(sender, prefix)] += 1
        return f"{prefix}-{year}-{self._numbers[(sender, prefix)]:03d}"

    def _unit(self, unit: Unit, level: Level) -> None:
        rng = self.rng
        due = unit.due("inspections")
        # Part-way units have one inspection concluded and another still open on as_of.
        count = 2 if level == "partial" or rng.random() < 0.3 else 1
        for n in range(count):
            kind = (
                InspectionKind.KIEM_TRA if n == 0 or rng.random() < 0.5 else InspectionKind.GIAM_SAT
            )
            end: int | None
            if level == "zero":
                # Starts on a later day, or started and not yet concluded: no progress on as_of.
                start = rng.randint(2, 30) if rng.random() < 0.5 else -rng.randint(2, 20)
                end = max(start, 0) + rng.randint(10, 40) if rng.random() < 0.7 else None
            else:
                start = min(0, due) - rng.randint(25, 110)
                if level == "done" or n == 0:
                    end = min(-1, start + rng.randint(10, 40))
                elif rng.random() < 0.8:
                    end = finish_after(rng, unit.profile or "normal", due)
                else:
                    end = None
            # Nothing of the unit happens after its congress: concluded by the day before it.
            last = unit.congress_offset
            if start > last:
                continue
            if end is not None and end > last:
                end = max(start, last - 1)
            violation = rng.random() < 0.45
            remedies = rng.randint(1, 3) if violation else (1 if rng.random() < 0.2 else 0)
            form = (
                InspectionForm.DAU_HIEU
                if rng.random() < 0.05
                else rng.choice((InspectionForm.THUONG_XUYEN, InspectionForm.CHUYEN_DE))
            )
            inspection_id = self.writer.add(
                Inspection,
                {
                    "org_id": unit.id,
                    "sender_org_id": unit.parent.id if unit.parent else None,
                    "code": self._code(unit, kind, start),
                    "kind": kind,
                    "form": form,
                    "target": InspectionTarget.DANG_VIEN
                    if rng.random() < 0.15
                    else InspectionTarget.TO_CHUC,
                    "started_on": self._day(start),
                    "concluded_on": None if end is None else self._day(end),
                    "has_violation": None if end is None else violation,
                    "conclusion": None
                    if end is None
                    else (rng.choice(CONCLUSIONS) if violation else CLEAN),
                },
            )
            if end is not None:
                self._remedies(unit, inspection_id, level, end, remedies)

    def _remedies(self, unit: Unit, inspection_id: int, level: Level, end: int, count: int) -> None:
        rng = self.rng
        for seq, requirement in enumerate(rng.sample(REMEDIES, count), start=1):
            due_on = end + rng.randint(20, 60)
            if level == "done":
                status, completed = RemedyStatus.XAC_NHAN, min(-1, end + rng.randint(5, 30))
            elif end > 0:
                status, completed = RemedyStatus.CHUA, None
            else:
                status = rng.choice(
                    (
                        RemedyStatus.CHUA,
                        RemedyStatus.DANG,
                        RemedyStatus.HOAN_THANH,
                        RemedyStatus.XAC_NHAN,
                    )
                )
                completed = None
                if status is RemedyStatus.HOAN_THANH:
                    completed = rng.randint(end, 0)
                elif status is RemedyStatus.XAC_NHAN:
                    # Verified on a later day: counts only when replaying from that day on.
                    completed = rng.randint(end, 0) if rng.random() < 0.4 else rng.randint(1, 30)
            if completed is not None:
                completed = max(end, min(completed, unit.congress_offset))
            self.writer.add(
                Remedy,
                {
                    "inspection_id": inspection_id,
                    "seq": seq,
                    "requirement": requirement,
                    "due_on": self._day(due_on),
                    "status": status,
                    "completed_on": None if completed is None else self._day(completed),
                    "version": 1,
                },
            )
