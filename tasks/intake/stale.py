"""A stale pre-filled workbook (FORMS.md rule 9, RELIABILITY.md C4): its `base_version` is older
than the unit's current data for the form. The file is still validated, every error goes into
the one error workbook, and the message says what changed since the download and that
`--force` sends it anyway."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.accounts import as_utc
from models.queries import OrgRef
from tasks.core.dates import local_zone
from tasks.intake.pipeline.issues import Issue, error
from tasks.intake.versions import LaterIntake, accepted_since

STALE_MESSAGE = "Dữ liệu đã thay đổi kể từ khi tải biểu mẫu"
SHOWN = 3


def _intake_text(later: LaterIntake) -> str:
    at = as_utc(later.received_at).astimezone(local_zone())
    return (
        f"lần nhận số {later.intake_id} ('{later.file_name}' của {later.sender_code}, "
        f"{at:%H:%M %d/%m/%Y}, {later.rows} dòng)"
    )


def stale_text(form: str, org: OrgRef, base: int, later: list[LaterIntake]) -> str:
    """The message: the version downloaded, the files accepted since, `--force`."""
    since = "khi đơn vị chưa có dữ liệu" if base == 0 else f"theo lần nhận số {base}"
    shown = "; ".join(_intake_text(x) for x in later[-SHOWN:])
    more = f" (và {len(later) - SHOWN} tệp trước đó)" if len(later) > SHOWN else ""
    return (
        f"{STALE_MESSAGE}: biểu mẫu {form} này được tải {since}; sau đó đã nhận "
        f"{len(later)} tệp {form} thay đổi số liệu của {org.code}: {shown}{more}. "
        f"Hãy tải biểu mẫu mới (daihoi forms {form} --org {org.code}), hoặc dùng --force "
        "để vẫn gửi tệp này (thay cho số liệu hiện có)."
    )


def stale_issue(session: Session, *, form: str, org: OrgRef, base: int) -> Issue | None:
    """The file-level error of a stale workbook, or None when it is current."""
    later = accepted_since(session, form=form, org=org, base=base)
    return error(stale_text(form, org, base, later)) if later else None
