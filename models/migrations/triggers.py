"""Database triggers that make audit events append-only and daily status snapshots immutable,
on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import op

MESSAGE = "audit events are append-only"


def create_audit_guards() -> None:
    """Refuse UPDATE and DELETE of audit_event rows in the database itself."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION daihoi_audit_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION daihoi_audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION daihoi_audit_append_only()"
    )


def drop_audit_guards() -> None:
    """Remove the append-only triggers (downgrade)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS daihoi_audit_append_only()")


SNAPSHOT_MESSAGE = "status snapshots are written once"


def create_snapshot_guards() -> None:
    """Refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of status_snapshot rows."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER status_snapshot_no_{verb.lower()} BEFORE {verb} "
                f"ON status_snapshot BEGIN SELECT RAISE(ABORT, '{SNAPSHOT_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION daihoi_snapshot_written_once() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{SNAPSHOT_MESSAGE}'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER status_snapshot_written_once BEFORE UPDATE OR DELETE ON status_snapshot "
        "FOR EACH ROW EXECUTE FUNCTION daihoi_snapshot_written_once()"
    )
    op.execute(
        "CREATE TRIGGER status_snapshot_no_truncate BEFORE TRUNCATE ON status_snapshot "
        "FOR EACH STATEMENT EXECUTE FUNCTION daihoi_snapshot_written_once()"
    )


def drop_snapshot_guards() -> None:
    """Remove the status_snapshot triggers (downgrade)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS status_snapshot_no_update")
        op.execute("DROP TRIGGER IF EXISTS status_snapshot_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS status_snapshot_written_once ON status_snapshot")
    op.execute("DROP TRIGGER IF EXISTS status_snapshot_no_truncate ON status_snapshot")
    op.execute("DROP FUNCTION IF EXISTS daihoi_snapshot_written_once()")
