"""City- and national-scale demo trees: the same generator, with wards, communes and provinces."""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Callable, Sequence

from models.enums import OrgKind
from tasks.demo.units import TreeBuilder, Unit

CITY_ROOT = ("TU-HCM", "Đảng bộ Thành phố Hồ Chí Minh")
CITY_GRASSROOTS = 10_630  # DESIGN.md "Scale": ~10,600 grassroots organisations
NATION_ROOT = ("TW", "Đảng Cộng sản Việt Nam")

WARDS = (
    "Sài Gòn", "Tân Định", "Bến Thành", "Cầu Ông Lãnh", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc",
    "Xóm Chiếu", "Khánh Hội", "Vĩnh Hội", "Chợ Quán", "An Đông", "Chợ Lớn", "Bình Tây",
    "Bình Tiên", "Bình Phú", "Phú Lâm", "Tân Thuận", "Phú Thuận", "Tân Mỹ", "Tân Hưng",
    "Chánh Hưng", "Phú Định", "Bình Đông", "Diên Hồng", "Vườn Lài", "Hòa Hưng", "Minh Phụng",
    "Bình Thới", "Hòa Bình", "Phú Thọ", "Đông Hưng Thuận", "Trung Mỹ Tây", "Tân Thới Hiệp",
    "Thới An", "An Phú Đông", "An Lạc", "Tân Tạo", "Bình Tân", "Bình Trị Đông", "Bình Hưng Hòa",
    "Gia Định", "Bình Thạnh", "Bình Lợi Trung", "Thạnh Mỹ Tây", "Bình Quới", "Hạnh Thông",
    "An Nhơn", "Gò Vấp", "An Hội Đông", "Thông Tây Hội", "An Hội Tây", "Đức Nhuận", "Cầu Kiệu",
    "Phú Nhuận", "Tân Sơn Hòa", "Tân Sơn Nhất", "Tân Hòa", "Bảy Hiền", "Tân Bình", "Tân Sơn",
    "Tây Thạnh", "Tân Sơn Nhì", "Phú Thọ Hòa", "Tân Phú", "Phú Thạnh", "Hiệp Bình", "Thủ Đức",
    "Tam Bình", "Linh Xuân", "Tăng Nhơn Phú", "Long Bình", "Long Phước", "Long Trường",
    "Cát Lái", "Bình Trưng", "Phước Long", "An Khánh", "Thủ Dầu Một", "Phú Lợi", "Bình Dương",
    "Chánh Hiệp", "Thuận An", "Thuận Giao", "Bình Hòa", "Lái Thiêu", "An Phú", "Dĩ An",
    "Tân Đông Hiệp", "Đông Hòa", "Tân Uyên", "Tân Hiệp", "Tân Khánh", "Bến Cát", "Chánh Phú Hòa",
    "Long Nguyên", "Tây Nam", "Thới Hòa", "Hòa Lợi", "Vũng Tàu", "Tam Thắng", "Rạch Dừa",
    "Phước Thắng", "Bà Rịa", "Long Hương", "Tam Long", "Phú Mỹ", "Tân Thành", "Tân Phước",
    "Tân Hải", "Đông Thạnh", "Hóc Môn", "Xuân Thới Sơn", "Bà Điểm", "Nhà Bè", "Hiệp Phước",
    "Vĩnh Lộc", "Tân Vĩnh Lộc", "Bình Lợi", "Tân Nhựt", "Bình Chánh", "Hưng Long", "Bình Hưng",
    "Bình Khánh", "An Thới Đông", "Cần Giờ", "Củ Chi", "Tân An Hội", "Thái Mỹ", "An Nhơn Tây",
    "Nhuận Đức", "Phú Hòa Đông", "Bình Mỹ", "Long Sơn", "Long Điền", "Đất Đỏ", "Châu Đức",
    "Ngãi Giao", "Xuyên Mộc", "Hồ Tràm", "Hòa Hiệp", "Bình Châu", "Dầu Tiếng", "Minh Thạnh",
    "Trừ Văn Thố", "Bàu Bàng", "Phú Giáo", "An Long", "Phước Thành", "Thường Tân", "Bắc Tân Uyên",
)  # fmt: skip
AGENCIES = (
    "Sở Y tế", "Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Sở Nội vụ", "Sở Tư pháp",
    "Sở Khoa học và Công nghệ", "Sở Văn hóa và Thể thao", "Sở Du lịch", "Sở Giáo dục và Đào tạo",
    "Sở Nông nghiệp và Môi trường", "Sở Dân tộc và Tôn giáo", "Thanh tra Thành phố",
    "Đại học Quốc gia Thành phố Hồ Chí Minh", "Tổng Công ty Cấp nước Sài Gòn",
    "Tổng Công ty Văn hóa Sài Gòn", "Tổng Công ty Thương mại Sài Gòn", "Trường Đại học Sài Gòn",
    "Bệnh viện Chợ Rẫy", "Báo Sài Gòn Giải Phóng", "Đài Truyền hình Thành phố",
)  # fmt: skip
PROVINCES = (
    ("Hà Nội", "thành phố", False), ("Huế", "thành phố", False), ("Lai Châu", "tỉnh", False),
    ("Điện Biên", "tỉnh", False), ("Sơn La", "tỉnh", False), ("Lạng Sơn", "tỉnh", False),
    ("Quảng Ninh", "tỉnh", False), ("Thanh Hóa", "tỉnh", False), ("Nghệ An", "tỉnh", False),
    ("Hà Tĩnh", "tỉnh", False), ("Cao Bằng", "tỉnh", False), ("Tuyên Quang", "tỉnh", True),
    ("Lào Cai", "tỉnh", True), ("Thái Nguyên", "tỉnh", True), ("Phú Thọ", "tỉnh", True),
    ("Bắc Ninh", "tỉnh", True), ("Hưng Yên", "tỉnh", True), ("Hải Phòng", "thành phố", True),
    ("Ninh Bình", "tỉnh", True), ("Quảng Trị", "tỉnh", True), ("Đà Nẵng", "thành phố", True),
    ("Quảng Ngãi", "tỉnh", True), ("Gia Lai", "tỉnh", True), ("Khánh Hòa", "tỉnh", True),
    ("Lâm Đồng", "tỉnh", True), ("Đắk Lắk", "tỉnh", True), ("Hồ Chí Minh", "thành phố", True),
    ("Đồng Nai", "tỉnh", True), ("Tây Ninh", "tỉnh", True), ("Cần Thơ", "thành phố", True),
    ("Vĩnh Long", "tỉnh", True), ("Đồng Tháp", "tỉnh", True), ("Cà Mau", "tỉnh", True),
    ("An Giang", "tỉnh", True),
)  # fmt: skip
SCHOOL_NAMES = (
    "Lê Lợi", "Nguyễn Trãi", "Trần Quốc Toản", "Kim Đồng", "Võ Thị Sáu", "Lê Văn Tám",
    "Nguyễn Văn Trỗi", "Phan Chu Trinh", "Chu Văn An", "Quang Trung", "Hòa Bình", "Lý Tự Trọng",
)  # fmt: skip
FLOWERS = ("Hoa Sen", "Hoa Mai", "Sơn Ca", "Họa Mi", "Vành Khuyên", "Bông Sen", "Tuổi Thơ")
OFFICE_CELLS = (
    "Văn phòng – Thống kê",
    "Kinh tế – Hạ tầng",
    "Văn hóa – Xã hội",
    "Mặt trận – Đoàn thể",
)


def slug(name: str) -> str:
    """An upper-case ASCII code part from a Vietnamese name ("Bến Thành" → "BENTHANH")."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum()).upper()


def _members(rng: random.Random, mean: float) -> int:
    """A lognormal membership with the given mean: many small cells, a few large ones."""
    sigma = 0.6
    return max(3, round(rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)))


def add_grassroots(
    tree: TreeBuilder, upper: Unit, count: int, rng: random.Random, *, mean: float, local: str
) -> None:
    """`count` grassroots organisations under `upper`; about 5% are đảng bộ cơ sở with cells."""
    base = mean / 1.1  # a đảng bộ cơ sở holds about three cells' worth of members
    neighbourhood = 0
    for k in range(1, count + 1):
        r = rng.random()
        code = f"{upper.code}-"
        if r < 0.05:
            committee = tree.add(
                f"{code}DB{k:03d}",
                f"Đảng bộ Cơ quan {rng.choice(('Ủy ban nhân dân', 'Khối Đảng', 'Trung tâm Hành chính công'))} {local}".strip(),
                OrgKind.DANG_BO_CO_SO,
                upper,
                "locality",
            )
            for n, cell in enumerate(rng.sample(OFFICE_CELLS, rng.randint(2, 4)), start=1):
                tree.add(
                    f"{committee.code}-{n:02d}",
                    f"Chi bộ {cell}",
                    OrgKind.CHI_BO_TRUC_THUOC,
                    committee,
                    "locality",
                    _members(rng, base),
                )
            continue
        if not local:  # an agency's units: its offices and centres
            name = f"Chi bộ {rng.choice(('Phòng', 'Trung tâm', 'Đơn vị trực thuộc số'))} {k}"
            tree.add(
                f"{code}{k:03d}", name, OrgKind.CHI_BO_CO_SO, upper, "office", _members(rng, base)
            )
            continue
        if r < 0.55:
            neighbourhood += 1
            name, sector = f"Chi bộ Khu phố {neighbourhood}", "locality"
        elif r < 0.8:
            level = rng.choice(("Trường Mầm non", "Trường Tiểu học", "Trường THCS"))
            school = rng.choice(FLOWERS if level == "Trường Mầm non" else SCHOOL_NAMES)
            name, sector = f"Chi bộ {level} {school}", "school"
        else:
            name = rng.choice(
                ("Chi bộ Công an", "Chi bộ Quân sự", "Chi bộ Trạm Y tế", "Chi bộ Công ty Cổ phần")
            )
            name, sector = f"{name} {local}", "locality"
        tree.add(f"{code}{k:03d}", name, OrgKind.CHI_BO_CO_SO, upper, sector, _members(rng, base))


def _set(unit: Unit, *, congress: int, size: int, contents: int, ordinal: int) -> None:
    unit.congress, unit.congress_set = congress, True
    unit.size, unit.size_set = size, True
    unit.contents, unit.ordinal = contents, ordinal


def build_city(new_id: Callable[[], int], rng: random.Random) -> TreeBuilder:
    """A city committee (~170 upper-grassroots, ~10,600 grassroots, ~366,000 members)."""
    tree = TreeBuilder(new_id)
    root = tree.add(*CITY_ROOT, OrgKind.TREN_CO_SO, None, "root")
    # The merged city's first congress: two contents, its committee of 109 appointed.
    _set(root, congress=212, size=109, contents=2, ordinal=1)
    uppers: list[tuple[str, str, str]] = [
        (f"P-{slug(w)}", f"Đảng bộ phường {w}", f"phường {w}") for w in WARDS
    ]
    uppers += [(f"DB-{slug(a)}", f"Đảng bộ {a}", "") for a in AGENCIES]
    # Sizes vary from ward to ward; scaled so that the city holds ~10,630 grassroots units.
    weights = [max(0.5, rng.gauss(1.0, 0.2)) for _ in uppers]
    scale = CITY_GRASSROOTS / sum(weights)
    for (code, name, local), weight in zip(uppers, weights, strict=True):
        upper = tree.add(code, name, OrgKind.TREN_CO_SO, root, "locality")
        add_grassroots(tree, upper, round(weight * scale), rng, mean=33.3, local=local)
    return tree


def build_nation(
    new_id: Callable[[], int], rng: random.Random, communes: Sequence[str]
) -> TreeBuilder:
    """The whole Party: 34 provinces, ~3,300 communes and wards, ~52,000 grassroots organisations."""
    tree = TreeBuilder(new_id)
    root = tree.add(*NATION_ROOT, OrgKind.TREN_CO_SO, None, "root")
    _set(root, congress=310, size=180, contents=4, ordinal=14)
    for name, level, merged in PROVINCES:
        province = tree.add(
            f"T-{slug(name)}", f"Đảng bộ {level} {name}", OrgKind.TREN_CO_SO, root, "locality"
        )
        size = 109 if name == "Hồ Chí Minh" else rng.choice((55, 61, 65, 71, 75))
        _set(
            province,
            congress=rng.randint(180, 225),
            size=size,
            contents=2 if merged else 4,
            ordinal=1 if merged else rng.randint(16, 20),
        )
        for commune in rng.sample(list(communes), min(len(communes), round(rng.gauss(98, 15)))):
            kind = "xã" if rng.random() < 0.8 else "phường"
            upper = tree.add(
                f"{province.code}-{slug(commune)}",
                f"Đảng bộ {kind} {commune}",
                OrgKind.TREN_CO_SO,
                province,
                "locality",
            )
            count = max(5, round(rng.gauss(15.7, 4)))
            add_grassroots(tree, upper, count, rng, mean=103, local=f"{kind} {commune}")
    return tree


def commune_names() -> list[str]:
    """Names communes and wards commonly bear (repeated across provinces, as in reality)."""
    first = (
        "Tân",
        "Hòa",
        "Phú",
        "An",
        "Bình",
        "Long",
        "Thạnh",
        "Vĩnh",
        "Xuân",
        "Đông",
        "Tây",
        "Phước",
    )
    second = (
        "Lập",
        "Bình",
        "Hưng",
        "Thành",
        "Phú",
        "Lợi",
        "Hòa",
        "Mỹ",
        "Thuận",
        "Sơn",
        "Hiệp",
        "Lộc",
    )
    return [f"{a} {b}" for a in first for b in second if a != b]
