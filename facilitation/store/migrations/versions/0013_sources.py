"""Where an imported idea or theme came from, as one indexed key ("<event id>#<its id there>"): an import looks
up what it already wrote by that key, instead of reading every row's origin (a cost that grew with each slice of
a big import)."""

import json

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KEYS = {"idea": "idea", "theme": "theme"}  # table -> the origin's key for the row's id in the earlier event


def upgrade() -> None:
    for table, key in KEYS.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("source", sa.String(), nullable=True))
            batch.create_index(f"ix_{table}_source", ["source"])
        rows = sa.table(
            table, sa.column("id", sa.Integer), sa.column("origin", sa.JSON), sa.column("source", sa.String)
        )
        connection = op.get_bind()
        found = connection.execute(sa.select(rows.c.id, rows.c.origin).where(rows.c.origin.isnot(None))).all()
        for row_id, origin in found:
            origin = json.loads(origin) if isinstance(origin, str) else origin
            if isinstance(origin, dict) and origin.get("event") and origin.get(key) is not None:
                connection.execute(
                    rows.update().where(rows.c.id == row_id).values(source=f"{origin['event']}#{origin[key]}")
                )


def downgrade() -> None:
    for table in KEYS:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_source")
            batch.drop_column("source")
