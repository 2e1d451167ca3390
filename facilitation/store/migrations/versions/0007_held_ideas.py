"""Ideas held for review (0.4.0): pre-moderation of ideas, and ideas with a held word."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idea") as batch:
        batch.add_column(sa.Column("held", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("control") as batch:
        batch.add_column(sa.Column("ideas_premoderated", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("control") as batch:
        batch.drop_column("ideas_premoderated")
    with op.batch_alter_table("idea") as batch:
        batch.drop_column("held")
