"""Themes an idea was ever grouped into (0.10.0): one that regrouping left with none is emptied, flagged on the
console and left out of the ballot and the report until it has ideas again, while a theme made by title alone
(to be filled, or a ballot item of its own) is not."""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("theme") as batch:
        batch.add_column(sa.Column("grouped", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE theme SET grouped = TRUE WHERE id IN (SELECT theme_id FROM idea WHERE theme_id IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table("theme") as batch:
        batch.drop_column("grouped")
