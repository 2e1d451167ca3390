"""Rounds at tables (0.5.0): the step within a phase, and each table's harvest note per round."""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "harvest",
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["table_id"], ["event_table.id"]),
        sa.PrimaryKeyConstraint("table_id", "phase", "step"),
    )
    with op.batch_alter_table("control") as batch:
        batch.add_column(sa.Column("step_index", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("control") as batch:
        batch.drop_column("step_index")
    op.drop_table("harvest")
