"""What the demo's draft Political Report says: its sections, and the words units comment in."""

from __future__ import annotations

from typing import Final

from models.enums import CommentKind

GENERAL_SECTION: Final = "Chung"  # as tasks.intake.draft.parse names the general-comments section

# (number, title, level, topics units write about, points many units raise in the same words)
Section = tuple[str, str, int, tuple[str, ...], tuple[tuple[CommentKind, str], ...]]

B, S, L, T, K = (
    CommentKind.BO_SUNG,
    CommentKind.SUA_DOI,
    CommentKind.LUOC_BO,
    CommentKind.THONG_NHAT,
    CommentKind.KHAC,
)

SECTIONS: Final[tuple[Section, ...]] = (
    (GENERAL_SECTION, GENERAL_SECTION, 0,
     ("bố cục của dự thảo", "dung lượng của báo cáo", "cách trình bày số liệu", "văn phong của báo cáo"),
     ((T, "Thống nhất cao với bố cục và nội dung dự thảo Báo cáo chính trị."),
      (K, "Đề nghị rút gọn dung lượng báo cáo, tập trung vào những kết quả nổi bật và hạn chế cần khắc phục."))),
    ("I", "KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT ĐẠI HỘI NHIỆM KỲ 2020 – 2025", 1,
     ("kết quả thực hiện các chỉ tiêu nghị quyết", "tác động của dịch COVID-19 đến hoạt động giáo dục",
      "kết quả thực hiện Nghị quyết 29-NQ/TW về đổi mới căn bản, toàn diện giáo dục và đào tạo"),
     ((B, "Đề nghị bổ sung bảng tổng hợp kết quả thực hiện các chỉ tiêu Nghị quyết Đại hội nhiệm kỳ 2020 – 2025."),)),
    ("I.1", "Công tác lãnh đạo thực hiện nhiệm vụ chính trị của ngành giáo dục và đào tạo", 2,
     ("công tác phổ cập giáo dục", "kết quả kỳ thi tốt nghiệp trung học phổ thông",
      "phát triển giáo dục nghề nghiệp", "công tác xã hội hóa giáo dục"), ()),
    ("I.1.a", "Thực hiện đổi mới chương trình, sách giáo khoa giáo dục phổ thông", 3,
     ("triển khai Chương trình giáo dục phổ thông 2018", "việc lựa chọn sách giáo khoa",
      "giáo dục STEM", "dạy học tích hợp tiếng Anh"),
     ((B, "Đề nghị bổ sung đánh giá kết quả triển khai Chương trình giáo dục phổ thông 2018 ở các lớp đầu cấp."),)),
    ("I.1.b", "Phát triển mạng lưới trường lớp, cơ sở vật chất, trang thiết bị dạy học", 3,
     ("xây dựng trường học đạt chuẩn quốc gia", "tình trạng thiếu phòng học ở địa bàn đông dân cư",
      "đầu tư trang thiết bị dạy học", "sĩ số học sinh trên lớp"),
     ((B, "Đề nghị bổ sung đánh giá tình trạng thiếu trường, lớp tại các địa bàn có mật độ dân cư cao."),)),
    ("I.1.c", "Xây dựng đội ngũ nhà giáo và cán bộ quản lý giáo dục", 3,
     ("công tác tuyển dụng giáo viên", "chế độ, chính sách đối với nhà giáo",
      "bồi dưỡng cán bộ quản lý", "tình trạng thiếu giáo viên một số bộ môn"),
     ((B, "Đề nghị bổ sung đánh giá tình trạng thiếu giáo viên các môn Tin học, Nghệ thuật, Tiếng Anh."),)),
    ("I.2", "Công tác xây dựng Đảng về chính trị", 2,
     ("việc thực hiện Kết luận 21-KL/TW", "năng lực lãnh đạo của cấp ủy",
      "việc cụ thể hóa nghị quyết của cấp trên", "bảo vệ nền tảng tư tưởng của Đảng"), ()),
    ("I.3", "Công tác xây dựng Đảng về tư tưởng", 2,
     ("công tác tuyên truyền trên không gian mạng", "nắm bắt tình hình tư tưởng của đội ngũ nhà giáo",
      "học tập, quán triệt nghị quyết"), ()),
    ("I.4", "Công tác xây dựng Đảng về đạo đức", 2,
     ("việc thực hiện Quy định 144-QĐ/TW về chuẩn mực đạo đức cách mạng",
      "trách nhiệm nêu gương của người đứng đầu",
      "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"), ()),
    ("I.5", "Công tác xây dựng Đảng về tổ chức và cán bộ", 2,
     ("công tác phát triển đảng viên trong học sinh, sinh viên", "chất lượng sinh hoạt chi bộ",
      "công tác quy hoạch cán bộ", "sắp xếp tổ chức bộ máy"),
     ((B, "Đề nghị bổ sung số liệu kết nạp đảng viên mới trong học sinh trung học phổ thông giai đoạn 2020 – 2025."),
      (S, "Đề nghị đánh giá rõ hơn chất lượng sinh hoạt chi bộ, tránh nêu chung chung."))),
    ("I.6", "Công tác kiểm tra, giám sát và thi hành kỷ luật đảng", 2,
     ("kiểm tra khi có dấu hiệu vi phạm", "giám sát chuyên đề",
      "giải quyết đơn thư khiếu nại, tố cáo", "thi hành kỷ luật đảng"), ()),
    ("I.7", "Công tác dân vận; lãnh đạo Công đoàn, Đoàn Thanh niên", 2,
     ("hoạt động của Công đoàn ngành", "phong trào thi đua \"Dạy tốt – Học tốt\"",
      "công tác Đoàn và phong trào thanh niên", "việc thực hiện Quy chế dân chủ ở cơ sở"), ()),
    ("II", "ĐÁNH GIÁ CHUNG, NGUYÊN NHÂN VÀ BÀI HỌC KINH NGHIỆM", 1,
     ("đánh giá chung về nhiệm kỳ", "so sánh với nhiệm kỳ trước"), ()),
    ("II.1", "Ưu điểm", 2,
     ("những kết quả nổi bật của nhiệm kỳ", "vai trò lãnh đạo của Đảng ủy Sở",
      "sự phối hợp với các địa phương"), ()),
    ("II.2", "Hạn chế, khuyết điểm", 2,
     ("hạn chế trong công tác phát triển đảng viên", "hạn chế về cơ sở vật chất",
      "chênh lệch chất lượng giáo dục giữa các địa bàn", "áp lực thi cử đối với học sinh"),
     ((S, "Đề nghị nêu rõ hạn chế, khuyết điểm gắn với trách nhiệm của tập thể, cá nhân, tránh nêu chung chung."),)),
    ("II.3", "Nguyên nhân của hạn chế, khuyết điểm", 2,
     ("nguyên nhân chủ quan", "nguyên nhân khách quan", "trách nhiệm của người đứng đầu"), ()),
    ("II.4", "Bài học kinh nghiệm", 2,
     ("bài học về phát huy sức mạnh đoàn kết", "bài học về đổi mới phương thức lãnh đạo"),
     ((L, "Đề nghị lược bỏ bớt bài học kinh nghiệm, chỉ giữ lại những bài học rút ra từ thực tiễn của Đảng bộ."),)),
    ("III", "PHƯƠNG HƯỚNG, MỤC TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP NHIỆM KỲ 2025 – 2030", 1,
     ("phương hướng chung của nhiệm kỳ", "tính khả thi của các nhiệm vụ"), ()),
    ("III.1", "Phương hướng", 2,
     ("phương hướng phát triển giáo dục Thành phố đến năm 2030", "tầm nhìn đến năm 2045"), ()),
    ("III.2", "Mục tiêu và các chỉ tiêu chủ yếu", 2,
     ("hệ thống mục tiêu của nhiệm kỳ", "cách xác định chỉ tiêu"), ()),
    ("III.2.a", "Mục tiêu tổng quát", 3,
     ("mục tiêu xây dựng hệ thống giáo dục mở, hiện đại", "mục tiêu hội nhập quốc tế"), ()),
    ("III.2.b", "Các chỉ tiêu chủ yếu", 3,
     ("chỉ tiêu kết nạp đảng viên mới", "chỉ tiêu tỷ lệ trường đạt chuẩn quốc gia",
      "chỉ tiêu tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ", "chỉ tiêu về chuyển đổi số"),
     ((S, "Đề nghị xem xét lại chỉ tiêu tỷ lệ trường đạt chuẩn quốc gia cho phù hợp với điều kiện quỹ đất của Thành phố."),
      (B, "Đề nghị bổ sung chỉ tiêu về tỷ lệ đảng viên là học sinh, sinh viên được kết nạp hằng năm."))),
    ("III.3", "Nhiệm vụ và giải pháp", 2,
     ("thứ tự ưu tiên của các nhiệm vụ", "nguồn lực thực hiện các giải pháp"), ()),
    ("III.3.a", "Nâng cao chất lượng giáo dục toàn diện; đẩy mạnh chuyển đổi số trong giáo dục", 3,
     ("chuyển đổi số trong quản lý, dạy và học", "giáo dục kỹ năng sống cho học sinh",
      "dạy học ngoại ngữ", "giáo dục hướng nghiệp và phân luồng học sinh"),
     ((B, "Đề nghị bổ sung giải pháp đẩy mạnh chuyển đổi số trong quản lý, dạy và học, gắn với bảo đảm an toàn thông tin."),)),
    ("III.3.b", "Xây dựng đội ngũ nhà giáo và cán bộ quản lý giáo dục đáp ứng yêu cầu đổi mới", 3,
     ("thu hút giáo viên giỏi", "đào tạo, bồi dưỡng cán bộ quản lý",
      "chính sách tiền lương, nhà ở cho giáo viên"),
     ((B, "Đề nghị bổ sung giải pháp về chính sách thu hút, giữ chân giáo viên giỏi."),)),
    ("III.3.c", "Công tác xây dựng Đảng về chính trị, tư tưởng, đạo đức", 3,
     ("đổi mới công tác giáo dục chính trị tư tưởng", "xây dựng văn hóa học đường",
      "học tập và làm theo tấm gương đạo đức Hồ Chí Minh"), ()),
    ("III.3.d", "Công tác xây dựng Đảng về tổ chức, cán bộ và đảng viên", 3,
     ("nâng cao chất lượng sinh hoạt chi bộ", "phát triển đảng viên trong học sinh",
      "công tác cán bộ, quy hoạch cán bộ", "kiện toàn tổ chức cơ sở đảng sau sắp xếp"), ()),
    ("III.3.e", "Công tác kiểm tra, giám sát, kỷ luật đảng và phòng, chống tham nhũng, tiêu cực", 3,
     ("kiểm soát quyền lực trong công tác cán bộ", "phòng, chống tiêu cực trong tuyển sinh",
      "giám sát thường xuyên"), ()),
    ("IV", "TỔ CHỨC THỰC HIỆN", 1,
     ("phân công thực hiện nghị quyết", "chế độ sơ kết, tổng kết"), ()),
)  # fmt: skip

# A city or country report speaks of the economy where the department's speaks of schools.
REGIONAL: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "I.1": ("Lãnh đạo thực hiện nhiệm vụ phát triển kinh tế – xã hội",
            ("tăng trưởng kinh tế", "thu ngân sách", "chỉnh trang, phát triển đô thị")),
    "I.1.a": ("Tăng trưởng kinh tế, chuyển dịch cơ cấu kinh tế",
              ("cơ cấu kinh tế", "thu hút đầu tư", "phát triển kinh tế số")),
    "I.1.b": ("Phát triển văn hóa, xã hội; chăm lo đời sống nhân dân",
              ("an sinh xã hội", "giảm nghèo bền vững", "y tế cơ sở", "giáo dục và đào tạo")),
    "I.1.c": ("Quốc phòng, an ninh và đối ngoại",
              ("xây dựng thế trận quốc phòng toàn dân", "trật tự, an toàn xã hội")),
    "III.3.a": ("Phát triển kinh tế nhanh, bền vững; đẩy mạnh chuyển đổi số",
                ("chuyển đổi số", "kinh tế tuần hoàn", "hạ tầng giao thông")),
    "III.3.b": ("Phát triển văn hóa, xã hội, nâng cao chất lượng nguồn nhân lực",
                ("nguồn nhân lực chất lượng cao", "nhà ở xã hội", "chăm sóc sức khỏe nhân dân")),
}  # fmt: skip

TEMPLATES: Final[dict[CommentKind, tuple[str, ...]]] = {
    B: (
        "Đề nghị bổ sung {topic}.",
        "Đề nghị bổ sung số liệu minh chứng về {topic} để đánh giá sát thực tế hơn.",
        "Cần bổ sung đánh giá cụ thể hơn về {topic}.",
        "Đề nghị bổ sung nội dung về {topic} vào mục {number}.",
        "Đề nghị bổ sung phân tích nguyên nhân của hạn chế trong {topic}.",
        "Đề nghị bổ sung giải pháp cụ thể về {topic}, có phân công trách nhiệm rõ ràng.",
    ),
    S: (
        "Đề nghị viết lại đoạn nói về {topic} cho ngắn gọn, rõ ý hơn.",
        "Đề nghị điều chỉnh cách diễn đạt về {topic} cho phù hợp với thực tiễn của ngành.",
        "Đề nghị sắp xếp lại nội dung về {topic} theo thứ tự ưu tiên.",
        'Đề nghị thay cụm từ "{old}" bằng "{new}".',
    ),
    L: (
        "Đề nghị lược bỏ đoạn về {topic} vì trùng lặp với mục {other}.",
        "Đề nghị lược bỏ các số liệu chi tiết về {topic}, chuyển sang phụ lục.",
    ),
    T: (
        "Thống nhất với nội dung dự thảo.",
        "Thống nhất với bố cục và nội dung của mục {number}.",
        "Cơ bản thống nhất; nội dung đánh giá khách quan, sát thực tế.",
    ),
    K: (
        "Đề nghị rà soát lỗi chính tả, thống nhất cách viết hoa trong mục {number}.",
        "Đề nghị trình bày số liệu về {topic} dưới dạng bảng để dễ theo dõi.",
        "Đề nghị dẫn chiếu đầy đủ số, ngày ban hành của các văn bản được trích dẫn khi nói về {topic}.",
        "Đề nghị làm rõ khái niệm & phạm vi khi nêu {topic} (<tổ chức cơ sở đảng> hay toàn Đảng bộ).",
    ),
}

REWORDINGS: Final[tuple[tuple[str, str], ...]] = (
    ("nâng cao chất lượng", "tiếp tục nâng cao chất lượng"),
    ("cơ bản hoàn thành", "hoàn thành"),
    ("đổi mới căn bản", "đổi mới căn bản, toàn diện"),
    ("chuyển đổi số", "chuyển đổi số trong quản lý, dạy và học"),
    ("đội ngũ giáo viên", "đội ngũ nhà giáo"),
    ("tổ chức cơ sở đảng", "tổ chức cơ sở đảng trong sạch, vững mạnh"),
)

ANSWERS: Final[dict[str, tuple[str, ...]]] = {
    "tiep-thu": ("Tổ Biên tập tiếp thu, đã chỉnh sửa trong dự thảo.",),
    "tiep-thu-mot-phan": (
        "Tiếp thu một phần; nội dung đã được bổ sung ở mức khái quát, phù hợp với dung lượng báo cáo.",
    ),
    "giai-trinh": (
        "Nội dung này đã được thể hiện tại mục {other} của dự thảo.",
        "Xin giữ như dự thảo vì số liệu đã được tổng hợp từ báo cáo của các đơn vị.",
    ),
    "khong-tiep-thu": (
        "Không tiếp thu vì nội dung không thuộc phạm vi Báo cáo chính trị của Đảng bộ.",
        "Không tiếp thu; chỉ tiêu đã được tính toán trên cơ sở khả năng thực hiện của các đơn vị.",
    ),
}
