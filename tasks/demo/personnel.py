"""Demo candidates for each unit's new committee, with their dated 5-step histories."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from models import Candidate, CandidateStep
from models.enums import Gender, OrgKind, PoliticalTheory, Post, Reelection
from tasks.demo.people import People, Person
from tasks.demo.units import (
    Level,
    Unit,
    cached_key,
    ceil_share,
    finish_after,
    fit_before,
    stage_level,
)
from tasks.demo.vocab import GRADUATE, HEADS, HOMETOWNS, PARTY_POSTS, POSTGRAD, RELIGIONS, STAFF
from tasks.demo.writer import BulkWriter


def _sector(unit: Unit) -> str:
    return unit.sector if unit.sector in STAFF else "locality"


def _posts(unit: Unit, n: int) -> list[Post]:
    """Proposed posts for the first `n` candidates: one Bí thư, deputies, standing members."""
    size = unit.size or 0
    if unit.kind is OrgKind.TREN_CO_SO:
        deputies, standing = (2, 2) if size < 30 else (3, max(2, size // 6))
    elif unit.kind is OrgKind.DANG_BO_CO_SO and size >= 9:
        deputies, standing = 1, 1
    else:
        deputies, standing = (1 if size >= 2 else 0), 0
    posts = [Post.BI_THU] + [Post.PHO_BI_THU] * deputies + [Post.UY_VIEN_BTV] * standing
    return (posts + [Post.CAP_UY_VIEN] * n)[:n]


def _step_offsets(rng: random.Random, level: Level, unit: Unit) -> list[int]:
    """The dates (offsets) of the unit's personnel meetings, none after its congress."""
    return fit_before(_planned_steps(rng, level, unit), unit.congress_offset)


def _planned_steps(rng: random.Random, level: Level, unit: Unit) -> list[int]:
    """The dates (offsets) of the unit's five personnel meetings; [] when none is planned yet."""
    due = unit.due("personnel")
    gap = rng.randint(5, 12)
    if level == "done":
        last = min(0, due) - rng.randint(1, 10)
        return [last - (4 - k) * gap for k in range(5)]
    if level == "partial":
        held = rng.randint(1, 4)
        current = -rng.randint(1, 10)
        past = [current - (held - 1 - k) * gap for k in range(held)]
        first_next = finish_after(rng, unit.profile or "normal", due) - (4 - held) * gap
        first_next = max(1, first_next)
        return past + [first_next + k * gap for k in range(5 - held)]
    if unit.profile == "stalled" and rng.random() < 0.5:
        return []
    start = rng.randint(3, 20)
    return [start + k * gap for k in range(5)]


@lru_cache(maxsize=4096)
def _share(yes: int, voters: int) -> Decimal:
    return Decimal(yes * 100 / voters).quantize(Decimal("0.01"))


def _vote(rng: random.Random, voters: int) -> Decimal:
    """A vote share that can happen with this many voters (more than half of them)."""
    return _share(rng.randint(voters // 2 + 1, voters), voters)


class CandidateMaker:
    """Writes each unit's candidate pool and step history."""

    def __init__(self, writer: BulkWriter, rng: random.Random, people: People, as_of: date) -> None:
        self.writer = writer
        self.rng = rng
        self.people = people
        self.as_of = as_of

    def run(self, units: Iterable[Unit]) -> None:
        """Candidates for every active unit whose congress elects a committee."""
        for unit in units:
            if not unit.active or unit.contents == 2 or unit.size == 0:
                continue
            level = stage_level(self.rng, unit.profile or "normal", unit.due("personnel"))
            if unit.size is None:
                level = "zero" if self.rng.random() < 0.5 else level
            if level == "zero" and unit.profile == "stalled" and self.rng.random() < 0.4:
                continue  # nobody proposed yet
            self._unit(unit, level)

    def _unit(self, unit: Unit, level: Level) -> None:
        rng = self.rng
        needed = unit.required or rng.randint(3, 6)
        extra = rng.choice((0, 0, 0, 0, 1, 2))
        pool = needed + extra
        steps = _step_offsets(rng, level, unit)
        # A few units propose nobody under 40, and few women: all pass, the structure fails.
        skewed = level == "done" and rng.random() < 0.03
        people = self._pool(unit, needed, pool, skewed)
        posts = _posts(unit, needed) + [Post.CAP_UY_VIEN] * extra
        voters = max(3, unit.size or 3)
        seen: set[tuple[str, date]] = set()
        for i, (person, flags) in enumerate(people):
            key = (cached_key(person.name.full), person.birth)
            while key in seen:  # namesakes born the same day in one unit: draw again
                person = self.people.person(gender=person.gender, age=(30, 55))
                key = (cached_key(person.name.full), person.birth)
            seen.add(key)
            drop_at = rng.randint(2, 5) if i >= needed and rng.random() < 0.4 else 6
            self._candidate(unit, person, flags, posts[i], steps, drop_at, voters)

    def _pool(
        self, unit: Unit, needed: int, pool: int, skewed: bool
    ) -> list[tuple[Person, tuple[bool, bool]]]:
        """People with (first-time, postgraduate) flags; quotas keep the structure targets."""
        rng = self.rng
        idx = list(range(1, needed))
        women = (
            set()
            if skewed
            else set(rng.sample(idx, min(len(idx), max(1, ceil_share(0.3, needed)))))
        )
        young = (
            set()
            if skewed
            else set(rng.sample(idx, min(len(idx), max(1, ceil_share(0.2, needed)))))
        )
        postgrad = set(rng.sample(range(needed), max(1, ceil_share(0.35, needed))))
        first = set(rng.sample(idx, min(len(idx), ceil_share(0.34, needed))))
        out: list[tuple[Person, tuple[bool, bool]]] = []
        for i in range(pool):
            if i == 0 and unit.leaders and rng.random() < 0.85:
                out.append((unit.leaders[0], (False, i in postgrad)))
                continue
            if i < needed:
                gender = Gender.NU if i in women else Gender.NAM
                age = (28, 38) if i in young else (41, 58)
                person = self.people.person(gender=gender, age=age)
                out.append((person, (i in first, i in postgrad and not skewed)))
            else:
                person = self.people.person(female_share=0.5, age=(29, 56))
                out.append((person, (rng.random() < 0.5, rng.random() < 0.4)))
        return out

    def _candidate(
        self,
        unit: Unit,
        person: Person,
        flags: tuple[bool, bool],
        post: Post,
        steps: list[int],
        drop_at: int,
        voters: int,
    ) -> None:
        rng = self.rng
        first_time, postgrad = flags
        sector = _sector(unit)
        studied = sector if sector in POSTGRAD else "office"
        education = rng.choice(POSTGRAD[studied] if postgrad else GRADUATE[studied])
        title = education.split()[0] + " " + education.split()[1] if postgrad else None
        if postgrad and unit.sector == "college" and rng.random() < 0.1 and "Tiến" in education:
            title = "PGS.TS"
        heads = HEADS.get(unit.sector, HEADS["locality"])
        if post is Post.BI_THU:
            position = heads[0]
        elif post is Post.PHO_BI_THU:
            position = heads[1]
        else:
            position = rng.choice(STAFF[sector])
        if not first_time and post is Post.BI_THU:
            position = f"{PARTY_POSTS[unit.kind]}, {position}"
        age_years = (self.as_of - person.birth).days // 365
        joined = person.birth + timedelta(
            days=365 * rng.randint(22, max(23, min(age_years - 2, 35)))
        )
        official = joined + timedelta(days=365 + rng.randint(0, 40))
        theory = (
            PoliticalTheory.CAO_CAP
            if post in (Post.BI_THU, Post.PHO_BI_THU) and age_years > 40
            else rng.choice(
                (PoliticalTheory.TRUNG_CAP, PoliticalTheory.TRUNG_CAP, PoliticalTheory.SO_CAP)
            )
        )
        religion = "Hồi giáo" if person.ethnicity == "Chăm" else rng.choice(RELIGIONS)
        passed = steps[: drop_at - 1]
        votes = [
            _vote(rng, voters if k in (0, 2, 3, 4) else voters * 4) for k in range(len(passed))
        ]
        dropped = drop_at <= 5 and len(steps) >= drop_at
        cand_id = self.writer.add(
            Candidate,
            {
                "org_id": unit.id,
                "full_name": person.name.full,
                "name_key": cached_key(person.name.full),
                "birth_date": person.birth,
                "gender": person.gender,
                "ethnicity": person.ethnicity,
                "religion": religion,
                "hometown": rng.choice(HOMETOWNS),
                "joined_on": joined,
                "official_date": official,
                "education": education,
                "academic_title": title,
                "political_theory": theory,
                "current_position": position,
                "reelection": Reelection.LAN_DAU if first_time else Reelection.TAI_CU,
                "proposed_post": post,
                "vote_pct": votes[-1] if votes else None,
                "note": f"Không đạt trên 50% số phiếu ở bước {drop_at}" if dropped else None,
                "active": not dropped,
                "version": 1,
            },
        )
        for k, (offset, vote) in enumerate(zip(passed, votes, strict=True), start=1):
            self.writer.add(
                CandidateStep,
                {
                    "candidate_id": cand_id,
                    "step": k,
                    "passed_on": self.as_of + timedelta(days=offset),
                    "vote_pct": vote,
                },
            )
