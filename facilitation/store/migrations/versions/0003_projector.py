"""The projector's screen (0.4.0): what the facilitator chose to show the room, and a free message."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("control") as batch:
        batch.add_column(sa.Column("screen", sa.String(), nullable=False, server_default="auto"))
        batch.add_column(sa.Column("message", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("control") as batch:
        batch.drop_column("message")
        batch.drop_column("screen")
