"""Which form a workbook is and who sent it (FORMS.md rules 1 and 9; DESIGN.md "Imports that
replace data"): `_meta`, else the sheet names; the transport's sender checked against
`_meta.org_code`; never the root by default."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org import Organisation
from models.queries import OrgRef, UnknownOrganisation, find_org
from tasks.intake.pipeline.limits import FileRefused
from tasks.intake.pipeline.outcome import ImportOptions
from tasks.intake.pipeline.spec import FormSpec, all_forms, form_for_sheets
from tasks.intake.pipeline.workbook import Workbook
from tasks.intake.versions import OtherSender

NO_SENDER_MESSAGE = (
    "Không xác định được đơn vị gửi: tệp không có sheet _meta ghi mã đơn vị; hãy dùng "
    "--org <mã đơn vị> hoặc đặt tệp trong thư mục inbox/<mã đơn vị>/ (không bao giờ mặc định "
    "là đơn vị gốc)"
)


def recognise(wb: Workbook) -> FormSpec:
    """The form of a workbook: `_meta` (form, version), else its sheet names (rule 1)."""
    forms = all_forms()
    if wb.meta is not None and wb.meta.get("form"):
        name = wb.meta["form"].strip()
        spec = forms.get(name)
        if spec is None:
            raise FileRefused(
                f"Biểu mẫu '{name}' không được hỗ trợ; các biểu mẫu: " + ", ".join(sorted(forms))
            )
        version = wb.meta.get("version", "").strip()
        if version != str(spec.version):
            code = wb.meta.get("org_code") or "<mã đơn vị>"
            raise FileRefused(
                f"Biểu mẫu '{name}' phiên bản '{version or '?'}' không còn dùng được: phiên bản "
                f"hiện hành là {spec.version}. Hãy tải biểu mẫu mới "
                f"(daihoi forms {name} --org {code})."
            )
        return spec
    spec = form_for_sheets(wb.sheet_names)
    if spec is None:
        names = ", ".join(f"'{s.main.name}'" for s in forms.values())
        raise FileRefused(
            f"Tệp '{wb.path.name}' không phải biểu mẫu nào đã biết (không có sheet {names})"
        )
    return spec


def registry_empty(session: Session) -> bool:
    return session.scalar(select(Organisation.id).limit(1)) is None


def find_sender(session: Session, wb: Workbook, opts: ImportOptions) -> OrgRef | None:
    """The sender: the transport's, checked against `_meta.org_code`; else `_meta`; else None
    (the root is never assumed: DESIGN.md "Imports that replace data")."""
    meta_code = (wb.meta or {}).get("org_code", "").strip().upper() or None
    code = opts.sender_code.strip().upper() if opts.sender_code else None
    if code and meta_code and code != meta_code:
        raise FileRefused(
            f"Biểu mẫu được tải cho đơn vị '{meta_code}' nhưng được gửi từ đơn vị '{code}'"
        )
    code = code or meta_code
    try:
        return find_org(session, code=code) if code else None
    except UnknownOrganisation as e:
        if registry_empty(session):
            return None
        raise FileRefused(f"Không tìm thấy đơn vị gửi có mã '{code}'") from e


def base_version(wb: Workbook) -> int | None:
    if wb.meta is None or "base_version" not in wb.meta:
        return None
    text = wb.meta["base_version"].strip()
    return int(text) if text.isdigit() else 0


def other_sender_message(other: OtherSender, sender_code: str) -> str:
    """Bytes already accepted for another unit (FORMS.md rule 9, RELIABILITY.md G2)."""
    return (
        f"Tệp này (cùng nội dung) đã được nhận cho đơn vị '{other.code}' (lần nhận số "
        f"{other.intake_id}); không nhận lại cho đơn vị '{sender_code}'. Nếu tệp bị đặt nhầm "
        "thư mục hoặc ghi nhầm --org, hãy gửi lại đúng đơn vị"
    )
