"""suggestion dismissal: the near-duplicate suggestions the drafting team dismissed

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suggestion_dismissal",
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("dismissed_by", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["draft_section.id"],
            name=op.f("fk_suggestion_dismissal_section_id_draft_section"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_dismissal")),
    )
    op.create_index(
        "uq_suggestion_dismissal_section_signature",
        "suggestion_dismissal",
        ["section_id", "signature"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_suggestion_dismissal_section_signature", table_name="suggestion_dismissal")
    op.drop_table("suggestion_dismissal")
