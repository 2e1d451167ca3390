"""Participants the staff removed (0.9.0): a phantom's seat, token, dots and answers go; the row stays, so the log
and the ideas it wrote keep pointing at someone."""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("removed_at", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("removed_at")
