"""Seat codes (0.3.0): printed one-person codes for events that need one phone per person."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seat_code",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["table_id"], ["event_table.id"]),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_seat_code_table_id", "seat_code", ["table_id"])
    op.create_index("ix_seat_code_participant_id", "seat_code", ["participant_id"])


def downgrade() -> None:
    op.drop_table("seat_code")
