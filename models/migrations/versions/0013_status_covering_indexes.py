"""status covering indexes: the national status reads its stage facts from indexes alone

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02
"""

from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

# (name, table, columns): each answers a stage query of models/stages.py without the table.
INDEXES = (
    ("ix_candidate_step_candidate_passed", "candidate_step", ["candidate_id", "passed_on", "step"]),
    ("ix_candidate_org_active", "candidate", ["org_id", "active"]),
    ("ix_attendance_org_role_presence", "attendance", ["org_id", "role", "presence", "session_id"]),
    ("ix_comment_submission_kind", "comment", ["submission_id", "kind"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
