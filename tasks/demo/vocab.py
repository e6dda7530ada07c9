"""Words for the demo's people: degrees, posts, hometowns, religions, by the sector of their unit."""

from __future__ import annotations

from models.enums import OrgKind

POSTGRAD = {
    "school": (
        "Thạc sĩ Quản lý giáo dục",
        "Thạc sĩ Lý luận và phương pháp dạy học bộ môn Toán",
        "Thạc sĩ Ngữ văn",
        "Thạc sĩ Hóa học",
        "Thạc sĩ Vật lý",
        "Tiến sĩ Ngữ văn",
        "Tiến sĩ Toán học",
    ),
    "office": (
        "Thạc sĩ Quản lý giáo dục",
        "Thạc sĩ Quản lý công",
        "Thạc sĩ Kinh tế",
        "Tiến sĩ Quản lý giáo dục",
        "Thạc sĩ Luật",
    ),
    "college": (
        "Thạc sĩ Công nghệ thông tin",
        "Tiến sĩ Khoa học máy tính",
        "Thạc sĩ Kỹ thuật điện",
        "Thạc sĩ Quản trị kinh doanh",
        "Tiến sĩ Kinh tế",
        "Thạc sĩ Kỹ thuật cơ khí",
        "Thạc sĩ Kế toán",
    ),
    "locality": ("Thạc sĩ Quản lý công", "Thạc sĩ Luật", "Thạc sĩ Kinh tế", "Tiến sĩ Kinh tế"),
}
GRADUATE = {
    "school": (
        "Cử nhân Sư phạm Toán",
        "Cử nhân Sư phạm Ngữ văn",
        "Cử nhân Sư phạm Vật lý",
        "Cử nhân Sư phạm Hóa học",
        "Cử nhân Sư phạm Tiếng Anh",
        "Cử nhân Sư phạm Lịch sử",
        "Cử nhân Sư phạm Địa lý",
        "Cử nhân Sư phạm Sinh học",
        "Cử nhân Giáo dục chính trị",
        "Cử nhân Sư phạm Tin học",
    ),
    "office": (
        "Cử nhân Luật",
        "Cử nhân Kế toán",
        "Cử nhân Quản trị nhân lực",
        "Cử nhân Công nghệ thông tin",
        "Cử nhân Sư phạm Toán",
        "Cử nhân Hành chính học",
    ),
    "college": (
        "Kỹ sư Cơ khí",
        "Kỹ sư Điện – Điện tử",
        "Cử nhân Ngôn ngữ Anh",
        "Cử nhân Kế toán",
        "Kỹ sư Công nghệ thông tin",
    ),
    "locality": (
        "Cử nhân Luật",
        "Cử nhân Hành chính học",
        "Cử nhân Kinh tế",
        "Kỹ sư Xây dựng",
        "Cử nhân Xây dựng Đảng và Chính quyền nhà nước",
        "Trung cấp Kế toán",
    ),
}
HEADS = {
    "school": ("Hiệu trưởng", "Phó Hiệu trưởng"),
    "office": ("Trưởng phòng", "Phó Trưởng phòng"),
    "college": ("Hiệu trưởng", "Phó Hiệu trưởng"),
    "root": ("Giám đốc Sở Giáo dục và Đào tạo", "Phó Giám đốc Sở Giáo dục và Đào tạo"),
    "locality": ("Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch Ủy ban nhân dân"),
}
STAFF = {
    "school": (
        "Tổ trưởng chuyên môn",
        "Tổ trưởng Tổ Toán",
        "Tổ trưởng Tổ Ngữ văn",
        "Tổ phó chuyên môn",
        "Chủ tịch Công đoàn cơ sở",
        "Bí thư Đoàn trường",
        "Giáo viên",
        "Phó Hiệu trưởng",
    ),
    "office": (
        "Phó Trưởng phòng",
        "Chuyên viên chính",
        "Chuyên viên",
        "Chủ tịch Công đoàn bộ phận",
    ),
    "college": (
        "Trưởng khoa",
        "Phó Trưởng khoa",
        "Trưởng phòng Đào tạo",
        "Giảng viên chính",
        "Giảng viên",
    ),
    "root": (
        "Chánh Văn phòng Sở",
        "Trưởng phòng Tổ chức cán bộ",
        "Chánh Thanh tra Sở",
        "Trưởng phòng Giáo dục Trung học",
        "Hiệu trưởng Trường THPT chuyên Lê Hồng Phong",
        "Hiệu trưởng Trường Cao đẳng Kinh tế – Kỹ thuật Thành phố Hồ Chí Minh",
        "Trưởng phòng Kế hoạch – Tài chính",
    ),
    "locality": (
        "Chủ tịch Ủy ban Mặt trận Tổ quốc",
        "Trưởng Công an",
        "Trưởng khu phố",
        "Chỉ huy trưởng Quân sự",
        "Công chức Văn phòng – Thống kê",
        "Bí thư Đoàn Thanh niên",
    ),
}
HOMETOWNS = (
    "TP. Hồ Chí Minh",
    "Long An",
    "Tiền Giang",
    "Bến Tre",
    "Đồng Nai",
    "Quảng Ngãi",
    "Quảng Nam",
    "Bình Định",
    "Nghệ An",
    "Hà Tĩnh",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Vĩnh Long",
    "Cần Thơ",
    "Hà Nội",
    "Nam Định",
)
RELIGIONS = ("Không", "Không", "Không", "Không", "Không", "Không", "Phật giáo", "Công giáo")
PARTY_POSTS = {
    OrgKind.CHI_BO_CO_SO: "Bí thư Chi bộ",
    OrgKind.CHI_BO_TRUC_THUOC: "Bí thư Chi bộ",
    OrgKind.DANG_BO_BO_PHAN: "Bí thư Đảng ủy bộ phận",
    OrgKind.DANG_BO_CO_SO: "Bí thư Đảng ủy",
    OrgKind.TREN_CO_SO: "Bí thư Đảng ủy",
}
