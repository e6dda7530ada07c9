"""Records the system keeps about itself: intake, report archive, counters, snapshots, audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, db_enum, utcnow
from models.enums import AuditAction, IntakeState


class IntakeRecord(Base):
    """One submitted file: its hash, form, sender and what became of it."""

    __tablename__ = "intake_record"
    __table_args__ = (
        Index("ix_intake_record_sha256", "sha256"),
        Index("ix_intake_record_sender_form", "sender_org_id", "form"),
    )

    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(300))
    form: Mapped[str | None] = mapped_column(String(40))
    form_version: Mapped[int | None] = mapped_column()
    sender_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    state: Mapped[IntakeState] = mapped_column(db_enum(IntakeState, "intake_state"))
    rows: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    letter_number: Mapped[str | None] = mapped_column(String(64))
    letter_date: Mapped[date | None] = mapped_column(Date)
    error_path: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(120))
    # One Vietnamese line for the register: why the file was refused, or what it did.
    message: Mapped[str | None] = mapped_column(Text)
    # The intake an undo reverses (`daihoi import --undo`).
    undo_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_record.id", ondelete="SET NULL")
    )


class ReportArchive(Base):
    """A rendered report file, keyed by what makes it reproducible."""

    __tablename__ = "report_archive"
    __table_args__ = (
        Index(
            "uq_report_archive_key",
            "kind",
            "scope_org_id",
            "subject_org_id",
            "as_of",
            "plan",
            "template_sha256",
            "context_sha256",
            "number",
            unique=True,
        ),
        Index("ix_report_archive_kind_scope", "kind", "scope_org_id", "as_of"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    scope_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    subject_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    as_of: Mapped[date] = mapped_column(Date)
    plan: Mapped[str] = mapped_column(String(64))
    # The version of the plan the report was judged by (NULL: archived before versions were kept).
    plan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_version.id", ondelete="RESTRICT")
    )
    doc_type: Mapped[str] = mapped_column(String(8))
    number: Mapped[int | None] = mapped_column()
    term: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    template_sha256: Mapped[str] = mapped_column(String(64))
    context_sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DocumentCounter(Base):
    """The register of document numbers: the last number per issuer, type and term."""

    __tablename__ = "document_counter"
    __table_args__ = (Index("uq_document_counter_key", "issuer", "doc_type", "term", unique=True),)

    issuer: Mapped[str] = mapped_column(String(32))
    doc_type: Mapped[str] = mapped_column(String(8))
    term: Mapped[str] = mapped_column(String(16))
    last_number: Mapped[int] = mapped_column(default=0)


class StatusSnapshot(Base):
    """The status of a scope on a day, written once (immutable)."""

    __tablename__ = "status_snapshot"
    __table_args__ = (Index("uq_status_snapshot_scope_day", "scope_org_id", "day", unique=True),)

    scope_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"))
    day: Mapped[date] = mapped_column(Date)
    plan: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEvent(Base):
    """An append-only record of a change to a person-edited record (triggers refuse edits)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        Index("ix_audit_event_at", "at"),
    )

    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column()
    org_id: Mapped[int | None] = mapped_column()
    action: Mapped[AuditAction] = mapped_column(db_enum(AuditAction, "audit_action"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(120))


class AppMeta(Base):
    """Key–value facts about this database (e.g. that it holds demo data, and its as-of)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[str] = mapped_column(Text)
