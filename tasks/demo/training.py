"""Demo training: courses, their sessions and required roles, and who of each unit attended."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from models import Attendance, Course, SessionRole, TrainingSession
from models.enums import PartyRole, Presence
from tasks.demo.people import People, Person
from tasks.demo.units import Level, Unit, cached_key, finish_after, stage_level
from tasks.demo.writer import BulkWriter
from tasks.intake.forms.tap_huan import person_key

BT, PBT, CUV = PartyRole.BI_THU, PartyRole.PHO_BI_THU, PartyRole.CAP_UY_VIEN
UNIT_ROLES = (BT, PBT, CUV)  # in the order a committee's size gives them

# (code, title, sessions as (offset from as_of, roles the session requires))
COURSES: tuple[tuple[str, str, tuple[tuple[int, tuple[PartyRole, ...]], ...]], ...] = (
    (
        "QT-CT35",
        "Quán triệt Chỉ thị 35-CT/TW ngày 14/6/2024 của Bộ Chính trị về đại hội đảng bộ các cấp "
        "tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
        ((-150, (BT, PBT)), (-143, (BT, PBT))),
    ),
    (
        "NV-DAIHOI",
        "Nghiệp vụ tổ chức đại hội chi bộ, đảng bộ cơ sở nhiệm kỳ 2025–2030",
        (
            (-75, (BT, PBT, CUV)),
            (-60, (BT, PBT, CUV)),
            (-40, (BT, PBT)),
            (-20, (BT, PBT, CUV)),
            (-6, (CUV,)),
            (12, (BT, PBT, CUV)),
            (30, (BT, PBT, CUV)),
        ),
    ),
    (
        "NS-CAPUY",
        "Công tác nhân sự cấp ủy nhiệm kỳ 2025–2030 theo Quy chế bầu cử trong Đảng "
        "(Quyết định 190-QĐ/TW)",
        ((-35, (BT,)), (-15, (BT, PBT)), (5, (BT,)), (25, (BT,))),
    ),
)
PLACES = (
    "Hội trường Sở Giáo dục và Đào tạo, 66–68 Lê Thánh Tôn, Quận 1",
    "Trường Cán bộ quản lý giáo dục Thành phố Hồ Chí Minh",
    "Trực tuyến, kết nối đến các điểm cầu đơn vị",
)


@dataclass(slots=True)
class _Session:
    id: int
    offset: int


class TrainingMaker:
    """Writes the courses and sessions, then each unit's attendance according to its level."""

    def __init__(self, writer: BulkWriter, rng: random.Random, people: People, as_of: date) -> None:
        self.writer = writer
        self.rng = rng
        self.people = people
        self.as_of = as_of
        # course code → cluster → sessions of that course for the cluster's units
        self.sessions: dict[str, list[list[_Session]]] = {}
        self.required: dict[str, set[PartyRole]] = {}

    def run(self, units: Sequence[Unit], clusters: int) -> None:
        """Courses with `clusters` copies of each session (one per group of units)."""
        for code, title, sessions in COURSES:
            course_id = self.writer.add(Course, {"code": code, "title": title})
            self.required[code] = {role for _, roles in sessions for role in roles}
            per_cluster: list[list[_Session]] = []
            for cluster in range(clusters):
                made = []
                for n, (offset, roles) in enumerate(sessions, start=1):
                    suffix = f"{n:02d}" if clusters == 1 else f"{cluster + 1:03d}-{n:02d}"
                    session_id = self.writer.add(
                        TrainingSession,
                        {
                            "code": f"{code}-{suffix}",
                            "course_id": course_id,
                            "held_on": self.as_of + timedelta(days=offset),
                            "place": PLACES[(n + cluster) % len(PLACES)],
                        },
                    )
                    for role in roles:
                        self.writer.add(SessionRole, {"session_id": session_id, "role": role})
                    made.append(_Session(session_id, offset))
                per_cluster.append(made)
            self.sessions[code] = per_cluster
        active = [u for u in units if u.active]
        for i, unit in enumerate(active):
            self._unit(unit, i * clusters // max(1, len(active)))

    def _unit(self, unit: Unit, cluster: int) -> None:
        rng = self.rng
        roles = UNIT_ROLES[: unit.roles]
        if not roles:
            return
        due = unit.due("training")
        level: Level = stage_level(rng, unit.profile or "normal", due)
        pairs = [
            (code, i)
            for code, _, _ in COURSES
            for i, r in enumerate(roles)
            if r in self.required[code]
        ]
        rng.shuffle(pairs)
        if level == "done":
            satisfied = len(pairs)
        elif level == "partial":
            satisfied = rng.randint(1, len(pairs) - 1)
        else:
            satisfied = 0
        for n, (code, i) in enumerate(pairs):
            sessions = self._before_congress(self.sessions[code][cluster], unit)
            person = unit.leaders[i]
            if n < satisfied:
                past = [s for s in sessions if s.offset <= min(0, due)] or [
                    s for s in sessions if s.offset <= 0
                ]
                if past:
                    self._attend(unit, rng.choice(past), person, roles[i], present=True)
                continue
            future = [s for s in sessions if s.offset > 0]
            r = rng.random()
            past = [s for s in sessions if s.offset <= 0]
            if r < 0.35 and past:
                self._attend(unit, rng.choice(past), person, roles[i], present=False)
            if future and unit.profile != "stalled" and r < 0.8:
                when = finish_after(rng, unit.profile or "normal", due)
                session = min(future, key=lambda s: abs(s.offset - when))
                self._attend(unit, session, person, roles[i], present=True)
            # otherwise the role has sent nobody to this course at all
        if rng.random() < 0.2:
            member = self.people.person(female_share=0.6, age=(25, 55))
            if any(member.name.full == p.name.full for p in unit.leaders):
                return  # a namesake of a leader: keys could clash at one session
            sessions = self._before_congress(self.sessions["NV-DAIHOI"][cluster], unit)
            if sessions:
                self._attend(unit, rng.choice(sessions), member, PartyRole.DANG_VIEN, present=True)

    @staticmethod
    def _before_congress(sessions: list[_Session], unit: Unit) -> list[_Session]:
        """The sessions a unit can attend: none after its congress."""
        return [s for s in sessions if s.offset <= unit.congress_offset]

    def _attend(
        self, unit: Unit, session: _Session, person: Person, role: PartyRole, *, present: bool
    ) -> None:
        rng = self.rng
        if present:
            presence = Presence.DI_TRE if rng.random() < 0.15 else Presence.CO_MAT
        else:
            presence = Presence.VANG_KHONG_PHEP if rng.random() < 0.3 else Presence.VANG_CO_PHEP
        birth = person.birth if rng.random() < 0.5 else None
        self.writer.add(
            Attendance,
            {
                "session_id": session.id,
                "org_id": unit.id,
                "full_name": person.name.full,
                "person_key": person_key(person.name.full, birth, key_of=cached_key),
                "birth_date": birth,
                "role": role,
                "presence": presence,
            },
        )
