"""override revocation: the day a manual override stops applying, why and by whom

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("milestone_override", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("milestone_override", schema=None) as batch_op:
        batch_op.drop_column("revoked_by")
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_on")
