"""The demo's people: incumbents, candidates and attendees, with names and birth dates."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from models.enums import Gender
from tasks.demo.names import NameGenerator, PersonName
from tasks.demo.units import Unit


@dataclass(slots=True)
class Person:
    """Someone who appears in the demo (an incumbent, a candidate, an attendee)."""

    name: PersonName
    birth: date
    ethnicity: str

    @property
    def gender(self) -> Gender:
        """The person's gender, as their name was drawn for."""
        return self.name.gender


class People:
    """Makes people: names, birth dates around as_of, ethnicity (mostly Kinh)."""

    ETHNICITIES = ("Kinh", "Hoa", "Khmer", "Chăm", "Tày")
    _ETHNIC_CUM = (950, 980, 990, 995, 1000)  # Kinh, then Hoa, Khmer, Chăm, Tày

    def __init__(self, rng: random.Random, as_of: date) -> None:
        self.rng = rng
        self.names = NameGenerator(rng)
        self.as_of = as_of

    def person(
        self,
        *,
        female_share: float = 0.5,
        age: tuple[int, int] = (30, 58),
        gender: Gender | None = None,
    ) -> Person:
        """A person aged within `age` years on as_of."""
        rng = self.rng
        if gender is None:
            gender = Gender.NU if rng.random() < female_share else Gender.NAM
        ethnicity = rng.choices(self.ETHNICITIES, cum_weights=self._ETHNIC_CUM)[0]
        days = rng.randint(age[0] * 365 + 30, age[1] * 365 + 300)
        birth = date.fromordinal(self.as_of.toordinal() - days)
        return Person(self.names.name(gender, ethnicity), birth, ethnicity)


def give_leaders(units: Iterable[Unit], people: People) -> None:
    """The outgoing committee's Bí thư, Phó Bí thư and one Cấp ủy viên of each active unit."""
    for unit in units:
        if not unit.active:
            continue
        count = max(1, min(3, unit.size or 1))
        shapes = (0.45, (44, 58)), (0.55, (36, 55)), (0.6, (30, 55))
        unit.leaders = []
        for female_share, age in shapes[:count]:
            person = people.person(female_share=female_share, age=age)
            # Two leaders of one unit never share a name: attendance tells people apart by it.
            while any(p.name.full == person.name.full for p in unit.leaders):
                person = people.person(female_share=female_share, age=age)
            unit.leaders.append(person)
