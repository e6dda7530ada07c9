"""intake register: why a file was refused or what it did (one line), and the intake an undo
reverses

Revision ID: 0007
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intake_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("undo_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_intake_record_undo_of_id_intake_record",
            "intake_record",
            ["undo_of_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("intake_record", schema=None) as batch_op:
        batch_op.drop_constraint("fk_intake_record_undo_of_id_intake_record", type_="foreignkey")
        batch_op.drop_column("undo_of_id")
        batch_op.drop_column("message")
