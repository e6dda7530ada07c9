"""Training: courses, their sessions, the roles a session requires, attendance."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum
from models.enums import PartyRole, Presence


class Course(Base):
    """A training course (chuyên đề); sessions with the same course code belong to it."""

    __tablename__ = "course"

    code: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(Text)


class TrainingSession(Base):
    """A session (lớp) of a course on a date."""

    __tablename__ = "training_session"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="RESTRICT"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(Text)


class SessionRole(Base):
    """A role a session requires (Bắt buộc đối với)."""

    __tablename__ = "session_role"
    __table_args__ = (Index("uq_session_role_session_role", "session_id", "role", unique=True),)

    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"))
    role: Mapped[PartyRole] = mapped_column(db_enum(PartyRole, "party_role"))


class Attendance(Base):
    """A person of a unit at a session (key: session, unit, name, birth date when given)."""

    __tablename__ = "attendance"
    __table_args__ = (
        Index(
            "uq_attendance_session_org_person", "session_id", "org_id", "person_key", unique=True
        ),
        Index("ix_attendance_org_id", "org_id"),
        # covering: status training
        Index("ix_attendance_org_role_presence", "org_id", "role", "presence", "session_id"),
    )

    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="RESTRICT"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    full_name: Mapped[str] = mapped_column(String(120))
    person_key: Mapped[str] = mapped_column(String(140))
    birth_date: Mapped[date | None] = mapped_column(Date)
    role: Mapped[PartyRole] = mapped_column(db_enum(PartyRole, "party_role"))
    presence: Mapped[Presence] = mapped_column(db_enum(Presence, "presence"))
