"""The phone a participant joined from: on the venue's own network an address is one phone, and a
keyed digest of it (never the address) lets the server cap the seats one phone takes, across restarts, and the
console show seats taken by one phone."""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("device", sa.String(), nullable=True))
        batch.create_index("ix_participant_device", ["device"])


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_index("ix_participant_device")
        batch.drop_column("device")
