"""A small committee for report tests: four units under a root, one of every record kind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from models import (
    Attendance,
    Candidate,
    CandidateStep,
    Comment,
    Course,
    Disposition,
    Draft,
    DraftSection,
    Inspection,
    Remedy,
    SessionRole,
    Submission,
    TrainingSession,
    YearFigures,
)
from models.enums import (
    CommentKind,
    DispositionAction,
    Gender,
    InspectionForm,
    InspectionKind,
    InspectionTarget,
    OrgKind,
    PartyRole,
    Post,
    Presence,
    Rating,
    Reelection,
    RemedyStatus,
)
from tests.helpers.factories import add_org, candidate

AS_OF = date(2025, 5, 20)
# Names that appear in the leaf's documents only if a report leaks other units' data.
OTHER_UNITS = {
    "DBCS-A": "Đảng bộ Trường Đại học Sư phạm",
    "CB-A1": "Chi bộ Khoa Toán học",
    "CB-A2": "Chi bộ Khoa Ngữ văn",
}
LEAF = ("CB-B", "Chi bộ Trường THPT Lê Quý Đôn")
COMMENT_TEXT = 'Đề nghị bổ sung "chuyển đổi số" <ưu tiên> & đo lường\nkết quả cụ thể'


def tree_candidate(org_id: int, name: str, birth: date, step: int, **kw: object) -> Candidate:
    """A candidate of the report trees (not added); `step` is kept on it for the caller."""
    c = candidate(
        org_id,
        name,
        birth_date=birth,
        gender=kw.get("gender", Gender.NAM),
        ethnicity=str(kw.get("ethnicity", "Kinh")),
        religion=None,
        hometown="TP. Hồ Chí Minh",
        joined_on=date(2005, 3, 2),
        official_date=date(2006, 3, 2),
        education=str(kw.get("education", "Cử nhân Sư phạm")),
        academic_title=None,
        current_position="Giáo viên",
        reelection=kw.get("reelection", Reelection.TAI_CU),
        proposed_post=kw.get("post", Post.CAP_UY_VIEN),
    )
    c.steps = step  # type: ignore[attr-defined]
    return c


def build_tree(session: Session) -> dict[str, int]:
    """Root → DBCS-A (→ CB-A1, CB-A2), CB-B; returns ids by code."""
    root = add_org(
        session,
        "ROOT",
        OrgKind.TREN_CO_SO,
        name="Đảng bộ Khối Thử nghiệm",
        congress=date(2025, 8, 20),
        committee_size=15,
    )
    a = add_org(
        session,
        "DBCS-A",
        OrgKind.DANG_BO_CO_SO,
        root,
        name=OTHER_UNITS["DBCS-A"],
        congress=date(2025, 6, 10),
        committee_size=5,
    )
    a1 = add_org(
        session,
        "CB-A1",
        OrgKind.CHI_BO_TRUC_THUOC,
        a,
        name=OTHER_UNITS["CB-A1"],
        congress=date(2025, 4, 10),
        committee_size=3,
    )
    a2 = add_org(
        session,
        "CB-A2",
        OrgKind.CHI_BO_TRUC_THUOC,
        a,
        name=OTHER_UNITS["CB-A2"],
        congress=date(2025, 4, 12),
        committee_size=1,
    )
    b = add_org(
        session,
        LEAF[0],
        OrgKind.CHI_BO_CO_SO,
        root,
        name=LEAF[1],
        congress=date(2025, 6, 5),
        committee_size=3,
    )
    ids = {o.code: o.id for o in (root, a, a1, a2, b)}

    people = [
        tree_candidate(
            b.id,
            "Trần Thị Ánh",
            date(1990, 5, 1),
            5,
            gender=Gender.NU,
            post=Post.BI_THU,
            reelection=Reelection.LAN_DAU,
            education="Thạc sĩ Toán",
        ),
        tree_candidate(b.id, "Nguyễn Văn Bình", date(1966, 1, 9), 5, post=Post.PHO_BI_THU),
        tree_candidate(b.id, "Lê Văn An", date(1980, 2, 2), 3, ethnicity="Khmer"),
        tree_candidate(a.id, "Phạm Minh Đức", date(1975, 7, 7), 5, post=Post.BI_THU),
    ]
    for c in people:
        steps = c.steps  # type: ignore[attr-defined]
        session.add(c)
        session.flush()
        for n in range(1, steps + 1):
            session.add(
                CandidateStep(
                    candidate_id=c.id,
                    step=n,
                    passed_on=date(2025, 3, n),
                    vote_pct=Decimal("92.50") if n == 5 else None,
                )
            )

    insp = Inspection(
        org_id=a1.id,
        code="KT-01",
        kind=InspectionKind.KIEM_TRA,
        form=InspectionForm.CHUYEN_DE,
        target=InspectionTarget.TO_CHUC,
        started_on=date(2025, 2, 1),
        concluded_on=date(2025, 3, 1),
        has_violation=True,
        conclusion="Có hạn chế",
    )
    insp_b = Inspection(
        org_id=b.id,
        code="GS-02",
        kind=InspectionKind.GIAM_SAT,
        form=InspectionForm.THUONG_XUYEN,
        target=InspectionTarget.TO_CHUC,
        started_on=date(2025, 3, 5),
        concluded_on=None,
    )
    session.add_all([insp, insp_b])
    session.flush()
    session.add_all(
        [
            Remedy(
                inspection_id=insp.id,
                seq=1,
                requirement="Bổ sung hồ sơ đảng viên",
                due_on=date(2025, 4, 1),
                status=RemedyStatus.XAC_NHAN,
                completed_on=date(2025, 3, 20),
            ),
            Remedy(
                inspection_id=insp.id,
                seq=2,
                requirement="Kiện toàn sổ sách",
                due_on=date(2025, 4, 15),
                status=RemedyStatus.DANG,
            ),
        ]
    )

    draft = Draft(
        scope_org_id=root.id,
        title="Dự thảo Báo cáo chính trị Đảng bộ Khối",
        deadline=date(2025, 4, 30),
    )
    session.add(draft)
    session.flush()
    sec1 = DraftSection(
        draft_id=draft.id, number="I", title="Đánh giá nhiệm kỳ", title_key="danh gia", position=1
    )
    sec2 = DraftSection(
        draft_id=draft.id,
        number="II",
        title="Phương hướng nhiệm kỳ mới",
        title_key="phuong huong",
        position=2,
    )
    session.add_all([sec1, sec2])
    session.flush()
    subs = {}
    for code, day in (
        ("CB-A1", date(2025, 4, 20)),
        ("CB-B", date(2025, 5, 2)),
        ("CB-A2", date(2025, 4, 25)),
    ):
        sub = Submission(
            draft_id=draft.id, org_id=ids[code], submitted_on=day, letter_number=f"1-CV/{code}"
        )
        session.add(sub)
        session.flush()
        subs[code] = sub.id
    comments = [
        Comment(
            submission_id=subs["CB-B"],
            section_id=sec2.id,
            section_number="II",
            kind=CommentKind.BO_SUNG,
            text="Bổ sung nội dung chuyển đổi số",
            text_key="chuyen doi so",
        ),
        Comment(
            submission_id=subs["CB-A1"],
            section_id=sec2.id,
            section_number="II",
            kind=CommentKind.BO_SUNG,
            text="Bổ sung chuyển đổi số",
            text_key="chuyen doi so",
        ),
        Comment(
            submission_id=subs["CB-A2"],
            section_id=sec1.id,
            section_number="I",
            kind=CommentKind.THONG_NHAT,
            text="Thống nhất",
            text_key="thong nhat",
        ),
        Comment(
            submission_id=subs["CB-A2"],
            section_id=sec1.id,
            section_number="I",
            kind=CommentKind.SUA_DOI,
            text="Sửa số liệu đảng viên mới",
            text_key="sua so lieu",
        ),
        Comment(
            submission_id=subs["CB-B"],
            section_id=sec1.id,
            section_number="I",
            kind=CommentKind.KHAC,
            text=COMMENT_TEXT,
            text_key="do luong ket qua",
        ),
    ]
    session.add_all(comments)
    session.flush()
    session.add(
        Disposition(
            comment_id=comments[0].id,
            action=DispositionAction.TIEP_THU,
            text="Đã bổ sung vào mục II.2",
        )
    )

    course = Course(code="NV-DH", title="Nghiệp vụ công tác đại hội")
    session.add(course)
    session.flush()
    ts = TrainingSession(
        code="L1", course_id=course.id, held_on=date(2025, 3, 10), place="Hội trường A"
    )
    session.add(ts)
    session.flush()
    session.add(SessionRole(session_id=ts.id, role=PartyRole.BI_THU))
    session.add_all(
        [
            Attendance(
                session_id=ts.id,
                org_id=b.id,
                full_name="Trần Thị Ánh",
                person_key="tta",
                role=PartyRole.BI_THU,
                presence=Presence.CO_MAT,
            ),
            Attendance(
                session_id=ts.id,
                org_id=a1.id,
                full_name="Hồ Văn Cường",
                person_key="hvc",
                role=PartyRole.BI_THU,
                presence=Presence.VANG_CO_PHEP,
            ),
        ]
    )
    for code, reviewed in (("DBCS-A", True), ("CB-B", False)):
        session.add(
            YearFigures(
                org_id=ids[code],
                year=2024,
                members_total=40,
                registered=40 if reviewed else 35,
                reviewed=reviewed,
                org_rating=Rating.TOT,
                n_xuat_sac=5,
                n_tot=30,
                n_hoan_thanh=5,
                n_khong=0,
                applies_1793=True,
                digitised_pct=Decimal("100"),
            )
        )
    session.flush()
    return ids
