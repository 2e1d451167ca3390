"""Theme titles in the plan's other languages (0.4.0): {language: title} beside the first language's."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("theme") as batch:
        batch.add_column(sa.Column("titles", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("theme") as batch:
        batch.drop_column("titles")
