"""Choice lists of the domain, stored as short codes; `label` is what an organiser reads."""

from __future__ import annotations

import enum


class Labelled(enum.StrEnum):
    """A StrEnum whose members carry a Vietnamese label."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Labelled:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def from_label(cls, label: str) -> Labelled:
        """The member whose label is exactly `label`."""
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(label)


class OrgKind(Labelled):
    TREN_CO_SO = "tren-co-so", "Đảng bộ cấp trên cơ sở"
    DANG_BO_CO_SO = "dang-bo-co-so", "Đảng bộ cơ sở"
    CHI_BO_CO_SO = "chi-bo-co-so", "Chi bộ cơ sở"
    DANG_BO_BO_PHAN = "dang-bo-bo-phan", "Đảng bộ bộ phận"
    CHI_BO_TRUC_THUOC = "chi-bo-truc-thuoc", "Chi bộ trực thuộc"

    @property
    def level(self) -> str:
        """The level of DESIGN.md: duoi-co-so, co-so or tren-co-so."""
        if self in (OrgKind.CHI_BO_TRUC_THUOC, OrgKind.DANG_BO_BO_PHAN):
            return "duoi-co-so"
        if self in (OrgKind.CHI_BO_CO_SO, OrgKind.DANG_BO_CO_SO):
            return "co-so"
        return "tren-co-so"


class OrgStatus(Labelled):
    ACTIVE = "active", "Hoạt động"
    DISSOLVED = "dissolved", "Giải thể"
    MERGED = "merged", "Sáp nhập"


class CongressForm(Labelled):
    TOAN_THE = "toan-the", "Toàn thể"
    DAI_BIEU = "dai-bieu", "Đại biểu"


class Gender(Labelled):
    NAM = "nam", "Nam"
    NU = "nu", "Nữ"


class PoliticalTheory(Labelled):
    SO_CAP = "so-cap", "Sơ cấp"
    TRUNG_CAP = "trung-cap", "Trung cấp"
    CAO_CAP = "cao-cap", "Cao cấp"
    CU_NHAN = "cu-nhan", "Cử nhân"


class Reelection(Labelled):
    TAI_CU = "tai-cu", "Tái cử"
    LAN_DAU = "lan-dau", "Lần đầu"


class Post(Labelled):
    """Proposed post, in the order people are listed (highest first)."""

    BI_THU = "bi-thu", "Bí thư"
    PHO_BI_THU = "pho-bi-thu", "Phó Bí thư"
    UY_VIEN_BTV = "uy-vien-btv", "Ủy viên Ban Thường vụ"
    CAP_UY_VIEN = "cap-uy-vien", "Cấp ủy viên"


class InspectionKind(Labelled):
    KIEM_TRA = "kiem-tra", "Kiểm tra"
    GIAM_SAT = "giam-sat", "Giám sát"


class InspectionForm(Labelled):
    THUONG_XUYEN = "thuong-xuyen", "Thường xuyên"
    CHUYEN_DE = "chuyen-de", "Chuyên đề"
    DAU_HIEU = "dau-hieu-vi-pham", "Khi có dấu hiệu vi phạm"


class InspectionTarget(Labelled):
    TO_CHUC = "to-chuc", "Tổ chức đảng"
    DANG_VIEN = "dang-vien", "Đảng viên"


class RemedyStatus(Labelled):
    CHUA = "chua-thuc-hien", "Chưa thực hiện"
    DANG = "dang-thuc-hien", "Đang thực hiện"
    HOAN_THANH = "da-hoan-thanh", "Đã hoàn thành"
    XAC_NHAN = "da-xac-nhan", "Đã kiểm tra xác nhận"


class CommentKind(Labelled):
    BO_SUNG = "bo-sung", "Bổ sung"
    SUA_DOI = "sua-doi", "Sửa đổi"
    LUOC_BO = "luoc-bo", "Lược bỏ"
    THONG_NHAT = "thong-nhat", "Thống nhất"
    KHAC = "khac", "Khác"


class DispositionAction(Labelled):
    TIEP_THU = "tiep-thu", "Tiếp thu"
    TIEP_THU_MOT_PHAN = "tiep-thu-mot-phan", "Tiếp thu một phần"
    GIAI_TRINH = "giai-trinh", "Giải trình"
    KHONG_TIEP_THU = "khong-tiep-thu", "Không tiếp thu"


class PartyRole(Labelled):
    BI_THU = "bi-thu", "Bí thư"
    PHO_BI_THU = "pho-bi-thu", "Phó Bí thư"
    CAP_UY_VIEN = "cap-uy-vien", "Cấp ủy viên"
    DANG_VIEN = "dang-vien", "Đảng viên"


class Presence(Labelled):
    CO_MAT = "co-mat", "Có mặt"
    DI_TRE = "di-tre", "Đi trễ"
    VANG_CO_PHEP = "vang-co-phep", "Vắng có phép"
    VANG_KHONG_PHEP = "vang-khong-phep", "Vắng không phép"


class Rating(Labelled):
    XUAT_SAC = "xuat-sac", "Hoàn thành xuất sắc nhiệm vụ"
    TOT = "tot", "Hoàn thành tốt nhiệm vụ"
    HOAN_THANH = "hoan-thanh", "Hoàn thành nhiệm vụ"
    KHONG = "khong-hoan-thanh", "Không hoàn thành nhiệm vụ"


class IntakeState(Labelled):
    RECEIVED = "received", "Đã nhận"
    REJECTED = "rejected", "Bị từ chối"
    DUPLICATE = "duplicate", "Trùng lặp"
    ACCEPTED = "accepted", "Đã nhận vào"
    SUPERSEDED = "superseded", "Đã thay thế"


class Stage(Labelled):
    PERSONNEL = "personnel", "Nhân sự"
    INSPECTIONS = "inspections", "Kiểm tra, giám sát"
    FEEDBACK = "feedback", "Góp ý dự thảo"
    TRAINING = "training", "Tập huấn"


class OverrideState(Labelled):
    DONE = "done", "Hoàn thành"
    NOT_APPLICABLE = "not_applicable", "Không áp dụng"


class AuditAction(Labelled):
    CREATE = "create", "Tạo mới"
    UPDATE = "update", "Cập nhật"
    DELETE = "delete", "Xóa"


class Role(Labelled):
    """What a web account may see and do (WEB.md "Who sees and does what")."""

    VAN_PHONG = "van-phong", "Văn phòng"
    LANH_DAO = "lanh-dao", "Lãnh đạo"
    TO_BIEN_TAP = "to-bien-tap", "Tổ biên tập"
    DON_VI = "don-vi", "Đơn vị"


class JobState(Labelled):
    """Where a background job of the web application stands (WEB.md "Long work")."""

    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang chạy"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"
