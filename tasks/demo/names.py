"""Realistic Vietnamese names, written family – middle – given, drawn from a seeded Random."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate
from typing import Final

from models.enums import Gender

# Weights in per mille, after published surname surveys; the southern spellings (Huỳnh, Võ)
# outweigh the northern ones because the demo committee is in Ho Chi Minh City.
FAMILY_WEIGHTS: Final[tuple[tuple[str, int], ...]] = (
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Huỳnh", 35),
    ("Hoàng", 15),
    ("Phan", 45),
    ("Võ", 28),
    ("Vũ", 11),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Trương", 8),
    ("Đinh", 6),
    ("Lâm", 5),
    ("Mai", 5),
    ("Đoàn", 5),
    ("Tô", 3),
    ("Cao", 3),
    ("Lương", 3),
    ("Châu", 3),
    ("Tạ", 2),
    ("Thái", 2),
    ("La", 1),
    ("Quách", 1),
)

# Family names common among ethnic minorities the demo includes (Hoa, Khmer, Chăm, Tày).
MINORITY_FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "Hoa": ("Lâm", "Quách", "Tăng", "Lý", "Lương", "Trương", "Hứa", "Mã", "Diệp", "Châu"),
    "Khmer": ("Thạch", "Sơn", "Kim", "Danh", "Lâm", "Trà", "Chau"),
    "Chăm": ("Đạo", "Lộ", "Quảng", "Châu", "Từ", "Thành"),
    "Tày": ("Hoàng", "Nông", "Lộc", "Hà", "Ma", "Đàm", "Triệu"),
}

FAMILY_NAMES: Final[frozenset[str]] = frozenset(
    [name for name, _ in FAMILY_WEIGHTS]
    + [n for names in MINORITY_FAMILIES.values() for n in names]
)

# The one-word markers: "Thị" is only ever a woman's, "Văn" only a man's.
FEMALE_MARKER: Final = "Thị"
MALE_MARKER: Final = "Văn"

# Middle words after "Thị" or on their own.
MIDDLE_WORDS: Final[dict[Gender, tuple[str, ...]]] = {
    Gender.NU: (
        "Ngọc",
        "Thu",
        "Thanh",
        "Kim",
        "Mỹ",
        "Bích",
        "Hồng",
        "Phương",
        "Thúy",
        "Minh",
        "Diễm",
        "Hoài",
        "Tuyết",
        "Quỳnh",
        "Bảo",
        "Diệu",
        "Khánh",
        "Tường",
        "Cẩm",
        "Xuân",
    ),
    Gender.NAM: (
        "Hữu",
        "Minh",
        "Quốc",
        "Đức",
        "Thanh",
        "Công",
        "Hoàng",
        "Anh",
        "Ngọc",
        "Xuân",
        "Tấn",
        "Trọng",
        "Thành",
        "Quang",
        "Duy",
        "Bá",
        "Đình",
        "Chí",
        "Gia",
        "Nhật",
        "Tuấn",
        "Việt",
        "Huy",
        "Phước",
    ),
}

GIVEN_NAMES: Final[dict[Gender, tuple[str, ...]]] = {
    Gender.NU: (
        "Hà",
        "Hương",
        "Lan",
        "Mai",
        "Linh",
        "Trang",
        "Thảo",
        "Hằng",
        "Nga",
        "Hạnh",
        "Dung",
        "Phượng",
        "Yến",
        "Nhung",
        "Hoa",
        "Vân",
        "Thủy",
        "Loan",
        "Ngân",
        "Trinh",
        "Châu",
        "Oanh",
        "Hiền",
        "Huyền",
        "Giang",
        "Anh",
        "Uyên",
        "Nhi",
        "Vy",
        "Liên",
        "Quyên",
        "Ly",
        "Nguyệt",
        "Xuân",
        "Tâm",
        "Thư",
        "Hồng",
        "Diệp",
        "Trâm",
        "Hậu",
    ),
    Gender.NAM: (
        "Hùng",
        "Dũng",
        "Minh",
        "Tuấn",
        "Hải",
        "Nam",
        "Long",
        "Phong",
        "Quang",
        "Sơn",
        "Thắng",
        "Trung",
        "Hiếu",
        "Khoa",
        "Bình",
        "Cường",
        "Đức",
        "Hòa",
        "Huy",
        "Khánh",
        "Lâm",
        "Lộc",
        "Phúc",
        "Tài",
        "Thành",
        "Thịnh",
        "Toàn",
        "Tùng",
        "Vinh",
        "Việt",
        "Tâm",
        "Nghĩa",
        "Kiên",
        "Duy",
        "Hoàng",
        "Tú",
        "Đạt",
        "Hiệp",
        "Nhân",
        "Thông",
    ),
}

# Some parents put the mother's family name before the middle name ("Lê Hoàng Minh Châu").
SECOND_FAMILIES: Final[tuple[str, ...]] = ("Hoàng", "Trần", "Nguyễn", "Lê", "Phạm", "Huỳnh", "Võ")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A Vietnamese full name in its parts; `middle` may hold two words or be empty."""

    family: str
    middle: str
    given: str
    gender: Gender
    full: str  # as written: family, middle, given

    @classmethod
    def of(cls, family: str, middle: str, given: str, gender: Gender) -> PersonName:
        """A name from its parts, its written form joined once."""
        full = " ".join(p for p in (family, middle, given) if p)
        return cls(family, middle, given, gender, full)


class NameGenerator:
    """Draws names from a seeded `random.Random`, so the same seed gives the same people."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._families = [name for name, _ in FAMILY_WEIGHTS]
        self._cum = list(accumulate(w for _, w in FAMILY_WEIGHTS))

    def family(self, ethnicity: str = "Kinh") -> str:
        """A family name, weighted by frequency (or from the ethnicity's own names)."""
        own = MINORITY_FAMILIES.get(ethnicity)
        if own is not None:
            return self._rng.choice(own)
        return self._rng.choices(self._families, cum_weights=self._cum)[0]

    def middle(self, gender: Gender) -> str:
        """A middle name fitting the gender: a marker, a marker and a word, a word, or two."""
        rng = self._rng
        words = MIDDLE_WORDS[gender]
        r = rng.random()
        if gender is Gender.NU:
            if r < 0.30:
                return FEMALE_MARKER
            if r < 0.55:
                return f"{FEMALE_MARKER} {rng.choice(words)}"
        elif r < 0.35:
            return MALE_MARKER
        if r < 0.90:
            return rng.choice(words)
        return f"{rng.choice(SECOND_FAMILIES)} {rng.choice(words)}"

    def name(self, gender: Gender, ethnicity: str = "Kinh") -> PersonName:
        """A full name for a person of that gender and ethnicity."""
        family = self.family(ethnicity)
        middle = self.middle(gender)
        given = self._rng.choice(GIVEN_NAMES[gender])
        # "Minh Minh" or "Hoàng Hoàng" reads as a typing error; draw the given name again.
        while given in middle.split() or given == family:
            given = self._rng.choice(GIVEN_NAMES[gender])
        return PersonName.of(family, middle, given, gender)
