"""plan versions: one row per (name, SHA-256), archived reports name theirs; snapshots guarded

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from models.migrations.triggers import create_snapshot_guards, drop_snapshot_guards

revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plan_version and plan_milestone were never written before this revision: empty here.
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_constraint("uq_plan_version_name", type_="unique")
        batch_op.create_index("uq_plan_version_name_sha256", ["name", "sha256"], unique=True)
    with op.batch_alter_table("report_archive", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_report_archive_plan_version_id_plan_version"),
            "plan_version",
            ["plan_version_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    create_snapshot_guards()


def downgrade() -> None:
    drop_snapshot_guards()
    with op.batch_alter_table("report_archive", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_report_archive_plan_version_id_plan_version"), type_="foreignkey"
        )
        batch_op.drop_column("plan_version_id")
    # Derived from the packaged plan files (written again by `daihoi init`): one name, one row.
    op.execute("DELETE FROM plan_milestone")
    op.execute("DELETE FROM plan_version")
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_index("uq_plan_version_name_sha256")
        batch_op.create_unique_constraint(batch_op.f("uq_plan_version_name"), ["name"])
