"""Results for the public and material from an earlier event (0.6.0): the switch of the public results page,
and where an imported idea or theme came from."""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("control") as batch:
        batch.add_column(sa.Column("results_public", sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in ("idea", "theme"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("origin", sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in ("theme", "idea"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("origin")
    with op.batch_alter_table("control") as batch:
        batch.drop_column("results_public")
