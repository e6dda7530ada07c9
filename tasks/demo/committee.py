"""The committee-scale demo tree: Đảng bộ Sở Giáo dục và Đào tạo TP. Hồ Chí Minh (~120 units)."""

from __future__ import annotations

import random
from collections.abc import Callable

from models.enums import OrgKind, OrgStatus
from tasks.demo.units import TreeBuilder, Unit

ROOT_CODE = "DU-SGDDT"
ROOT_NAME = "Đảng bộ Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh"

CB = OrgKind.CHI_BO_CO_SO
DB = OrgKind.DANG_BO_CO_SO
BP = OrgKind.DANG_BO_BO_PHAN
TT = OrgKind.CHI_BO_TRUC_THUOC

# (code suffix, name): the department's offices and centres, each a chi bộ cơ sở.
OFFICES: tuple[tuple[str, str], ...] = (
    ("VP", "Văn phòng Sở"),
    ("TCCB", "Phòng Tổ chức cán bộ"),
    ("KHTC", "Phòng Kế hoạch – Tài chính"),
    ("TTRA", "Thanh tra Sở"),
    ("GDTRH", "Phòng Giáo dục Trung học"),
    ("GDTH", "Phòng Giáo dục Tiểu học"),
    ("GDMN", "Phòng Giáo dục Mầm non"),
    ("KTKD", "Phòng Khảo thí và Kiểm định chất lượng giáo dục"),
    ("CTTT", "Phòng Chính trị, tư tưởng"),
    ("TT-TTCTGD", "Trung tâm Thông tin và Chương trình giáo dục"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng công trình"),
    ("TT-HTHN", "Trung tâm Hỗ trợ phát triển giáo dục hòa nhập"),
    ("TCBQL", "Trường Cán bộ quản lý giáo dục Thành phố"),
)

# (code suffix, name after "Trường THPT "): high schools, each a chi bộ cơ sở.
SCHOOLS: tuple[tuple[str, str], ...] = (
    ("LQD", "Lê Quý Đôn"),
    ("NTMK", "Nguyễn Thị Minh Khai"),
    ("BTX", "Bùi Thị Xuân"),
    ("GD", "Gia Định"),
    ("MC", "Marie Curie"),
    ("ND", "Nguyễn Du"),
    ("NTH", "Nguyễn Thượng Hiền"),
    ("NHH", "Nguyễn Hữu Huân"),
    ("MDC", "Mạc Đĩnh Chi"),
    ("TV", "Trưng Vương"),
    ("NT", "Nguyễn Trãi"),
    ("PN", "Phú Nhuận"),
    ("NCT", "Nguyễn Công Trứ"),
    ("HV", "Hùng Vương"),
    ("VTS", "Võ Thị Sáu"),
    ("TP", "Trần Phú"),
    ("NCTH", "Nguyễn Chí Thanh"),
    ("LTV", "Lương Thế Vinh"),
    ("TLM", "Ten Lơ Man"),
    ("NK", "Nguyễn Khuyến"),
    ("NAN", "Nguyễn An Ninh"),
    ("THD", "Trần Hưng Đạo"),
    ("NHIEN", "Nguyễn Hiền"),
    ("TDUC", "Thủ Đức"),
    ("NHC", "Nguyễn Hữu Cầu"),
    ("NHT", "Nguyễn Hữu Thọ"),
    ("LTT", "Lê Thánh Tôn"),
    ("NQ", "Ngô Quyền"),
    ("NKKN", "Nam Kỳ Khởi Nghĩa"),
    ("TVG", "Trần Văn Giàu"),
    ("HHT", "Hoàng Hoa Thám"),
    ("PDL", "Phan Đăng Lưu"),
    ("VTT", "Võ Trường Toản"),
    ("TLOC", "Thạnh Lộc"),
    ("TC", "Trường Chinh"),
    ("NHTI", "Nguyễn Hữu Tiến"),
    ("LMX", "Lê Minh Xuân"),
    ("BC", "Bình Chánh"),
    ("DP", "Đa Phước"),
    ("VLB", "Vĩnh Lộc B"),
    ("BHH", "Bình Hưng Hòa"),
    ("TPHONG", "Tân Phong"),
    ("AL", "An Lạc"),
    ("NVL", "Nguyễn Văn Linh"),
    ("LTTAN", "Lê Trọng Tấn"),
    ("TTHANH", "Tây Thạnh"),
    ("TB", "Tân Bình"),
    ("NTB", "Nguyễn Thái Bình"),
    ("TDA", "Thanh Đa"),
    ("VVK", "Võ Văn Kiệt"),
    ("TQK", "Trần Quang Khải"),
    ("NTT", "Nguyễn Tất Thành"),
    ("HB", "Hiệp Bình"),
    ("TPHU", "Tam Phú"),
    ("LTRUNG", "Linh Trung"),
    ("DVT", "Dương Văn Thì"),
    ("NHUE", "Nguyễn Huệ"),
    ("PL", "Phước Long"),
    ("LTRUONG", "Long Trường"),
    ("GOT", "Giồng Ông Tố"),
    ("CC", "Củ Chi"),
    ("TRUNGPHU", "Trung Phú"),
    ("QT", "Quang Trung"),
    ("ANT", "An Nhơn Tây"),
    ("PH", "Phú Hòa"),
    ("TLAP", "Trung Lập"),
    ("BP", "Bình Phú"),
    ("LTHG", "Lê Thị Hồng Gấm"),
    ("NVT", "Nguyễn Văn Tăng"),
    ("BD", "Bà Điểm"),
    ("CTHANH", "Cần Thạnh"),
    ("BK", "Bình Khánh"),
    ("LTHOI", "Long Thới"),
)

# Colleges and large schools: a đảng bộ cơ sở each, with chi bộ trực thuộc (and a đảng bộ bộ phận).
Cells = tuple[tuple[str, str], ...]
COMMITTEES: tuple[tuple[str, str, str, Cells, tuple[tuple[str, str, Cells], ...]], ...] = (
    (
        "DB-THPT-LHP",
        "Đảng bộ Trường THPT chuyên Lê Hồng Phong",
        "school",
        (
            ("TOAN", "Tổ Toán – Tin học"),
            ("VAN", "Tổ Ngữ văn"),
            ("KHTN", "Tổ Khoa học tự nhiên"),
            ("NN", "Tổ Ngoại ngữ"),
            ("VP", "Khối Văn phòng"),
        ),
        (),
    ),
    (
        "DB-THPT-TDN",
        "Đảng bộ Trường THPT chuyên Trần Đại Nghĩa",
        "school",
        (
            ("THCS", "Khối Trung học cơ sở"),
            ("THPT", "Khối Trung học phổ thông"),
            ("NN", "Tổ Ngoại ngữ"),
            ("VP", "Khối Văn phòng"),
        ),
        (),
    ),
    (
        "DB-CD-KTKT",
        "Đảng bộ Trường Cao đẳng Kinh tế – Kỹ thuật Thành phố Hồ Chí Minh",
        "college",
        (
            ("K-CNTT", "Khoa Công nghệ thông tin"),
            ("K-KT", "Khoa Kinh tế"),
            ("K-CK", "Khoa Cơ khí"),
            ("K-DDT", "Khoa Điện – Điện tử"),
            ("K-KHCB", "Khoa Khoa học cơ bản"),
        ),
        (
            (
                "BP-PB",
                "Khối Phòng, Trung tâm",
                (
                    ("P-DT", "Phòng Đào tạo"),
                    ("P-TCHC", "Phòng Tổ chức – Hành chính"),
                    ("P-KHTC", "Phòng Kế hoạch – Tài chính"),
                    ("TT-TSDN", "Trung tâm Tuyển sinh và Quan hệ doanh nghiệp"),
                ),
            ),
        ),
    ),
    (
        "DB-CD-LTT",
        "Đảng bộ Trường Cao đẳng Kỹ thuật Lý Tự Trọng",
        "college",
        (("P-DT", "Phòng Đào tạo"), ("P-CTHSSV", "Phòng Công tác học sinh, sinh viên")),
        (
            (
                "BP-KHOA",
                "Khối Khoa",
                (
                    ("K-CKDL", "Khoa Cơ khí động lực"),
                    ("K-DDT", "Khoa Điện – Điện tử"),
                    ("K-CNTT", "Khoa Công nghệ thông tin"),
                ),
            ),
        ),
    ),
    (
        "DB-CD-KT",
        "Đảng bộ Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh",
        "college",
        (
            ("K-TCNH", "Khoa Tài chính – Ngân hàng"),
            ("K-KTOAN", "Khoa Kế toán"),
            ("K-QTKD", "Khoa Quản trị kinh doanh"),
            ("K-NN", "Khoa Ngoại ngữ"),
            ("P-HCTH", "Phòng Hành chính – Tổng hợp"),
        ),
        (),
    ),
)


def build_committee(new_id: Callable[[], int], rng: random.Random) -> TreeBuilder:
    """The department's party committee: offices, high schools, colleges with their cells."""
    tree = TreeBuilder(new_id)
    root = tree.add(ROOT_CODE, ROOT_NAME, OrgKind.TREN_CO_SO, None, "root")
    root.congress, root.congress_set = 150, True
    root.size, root.size_set, root.ordinal, root.profile = 18, True, 8, "normal"

    for suffix, name in OFFICES:
        tree.add(f"CB-{suffix}", f"Chi bộ {name}", CB, root, "office", rng.randint(9, 26))
    # Two offices merged into one during the term: the new chi bộ's committee is appointed.
    merged = tree.add(
        "CB-GDNN-GDTX",
        "Chi bộ Phòng Giáo dục nghề nghiệp – Giáo dục thường xuyên",
        CB,
        root,
        "office",
        rng.randint(14, 20),
    )
    merged.valid_from, merged.contents = -165, 2
    for suffix, name in (
        ("GDTX", "Phòng Giáo dục thường xuyên"),
        ("GDCN", "Phòng Giáo dục chuyên nghiệp"),
    ):
        old = tree.add(f"CB-{suffix}", f"Chi bộ {name}", CB, root, "office", rng.randint(6, 11))
        old.status, old.valid_to, old.merged_into = OrgStatus.MERGED, -165, merged

    for suffix, name in SCHOOLS:
        tree.add(
            f"CB-THPT-{suffix}",
            f"Chi bộ Trường THPT {name}",
            CB,
            root,
            "school",
            _school_members(rng),
        )
    newest = tree.add("CB-THPT-TTHIEM", "Chi bộ Trường THPT Thủ Thiêm", CB, root, "school", 11)
    newest.valid_from, newest.contents = -200, 2  # opened during the term: committee appointed

    for code, name, sector, cells, parts in COMMITTEES:
        committee = tree.add(code, name, DB, root, sector)
        for suffix, cell in cells:
            tree.add(
                f"{code}-{suffix}", f"Chi bộ {cell}", TT, committee, sector, _cell_members(rng)
            )
        for part_suffix, part_name, part_cells in parts:
            part = tree.add(
                f"{code}-{part_suffix}", f"Đảng bộ bộ phận {part_name}", BP, committee, sector
            )
            for suffix, cell in part_cells:
                unit = tree.add(
                    f"{code}-{part_suffix}-{suffix}",
                    f"Chi bộ {cell}",
                    TT,
                    part,
                    sector,
                    _cell_members(rng),
                )
                if suffix == "P-DT":
                    unit.moved_from = (committee, -560)  # moved under the đảng bộ bộ phận

    _mark_special_cases(tree.units)
    return tree


def _school_members(rng: random.Random) -> int:
    return max(12, int(rng.triangular(22, 95, 52)))


def _cell_members(rng: random.Random) -> int:
    return rng.choice((5, 6, 7, 8)) if rng.random() < 0.25 else rng.randint(9, 34)


def _mark_special_cases(units: list[Unit]) -> None:
    """A pilot congress already held, one postponed past its date, one committee size missing."""
    by_code = {u.code: u for u in units}
    pilot = by_code["CB-THPT-LQD"]
    pilot.congress, pilot.congress_set, pilot.pilot = -9, True, True
    cell_pilot = by_code["DB-CD-KTKT-K-CNTT"]
    cell_pilot.congress, cell_pilot.congress_set, cell_pilot.pilot = -24, True, True
    postponed = by_code["DB-CD-KT-P-HCTH"]
    postponed.congress, postponed.congress_set, postponed.held = -8, True, False
    missing = by_code["CB-THPT-NVT"]
    missing.size, missing.size_set = None, True
    for code in ("CB-THPT-CTHANH", "CB-BQLDA"):
        by_code[code].contents = 3
