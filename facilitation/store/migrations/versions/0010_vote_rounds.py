"""Rounds of voting (0.5.0): a round table with each round's method, ballot and state; dots keyed by round.

The vote's state and reveal move from `control` into round 1, which keeps every dot already given.
"""

import time
import tomllib

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _plan_voting(connection) -> dict:
    row = connection.execute(sa.text("SELECT value FROM setting WHERE key = 'plan'")).first()
    try:
        return tomllib.loads(row[0]).get("voting", {}) if row else {}
    except tomllib.TOMLDecodeError:
        return {}


def upgrade() -> None:
    op.create_table(
        "vote_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("budget", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=False),
        sa.Column("ballot", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    connection = op.get_bind()
    control = connection.execute(sa.text("SELECT vote_state, revealed FROM control WHERE id = 1")).first()
    if control is not None:
        voting = _plan_voting(connection)
        ballot = (
            []
            if control[0] == "not_open"
            else [row[0] for row in connection.execute(sa.text("SELECT id FROM theme WHERE on_ballot ORDER BY id"))]
        )
        insert = sa.text(
            "INSERT INTO vote_round (id, method, budget, cap, ballot, origin, state, revealed, "
            "created_at) VALUES (1, 'dots', :budget, :cap, :ballot, '', :state, :revealed, :now)"
        )
        connection.execute(
            insert.bindparams(sa.bindparam("ballot", type_=sa.JSON())),
            {
                "budget": voting.get("dots_per_person", 5),
                "cap": voting.get("max_dots_per_item", 3),
                "ballot": ballot,
                "state": control[0],
                "revealed": bool(control[1]),
                "now": time.time(),
            },
        )
    op.create_table(
        "dot_by_round",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["vote_round.id"]),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"]),
        sa.PrimaryKeyConstraint("participant_id", "round_id", "theme_id"),
    )
    connection.execute(
        sa.text(
            "INSERT INTO dot_by_round (participant_id, round_id, theme_id, count) "
            "SELECT participant_id, 1, theme_id, count FROM dot"
        )
    )
    op.drop_table("dot")
    op.rename_table("dot_by_round", "dot")
    with op.batch_alter_table("control") as batch:
        batch.add_column(sa.Column("vote_round", sa.Integer(), nullable=False, server_default="1"))
        batch.drop_column("vote_state")
        batch.drop_column("revealed")


def downgrade() -> None:
    """Back to one vote: round 1's state and dots; later rounds are dropped."""
    with op.batch_alter_table("control") as batch:
        batch.add_column(sa.Column("vote_state", sa.String(), nullable=False, server_default="not_open"))
        batch.add_column(sa.Column("revealed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.drop_column("vote_round")
    op.execute(
        "UPDATE control SET (vote_state, revealed) = "
        "(SELECT state, revealed FROM vote_round WHERE id = 1) WHERE EXISTS (SELECT 1 FROM vote_round)"
    )
    op.create_table(
        "dot_one_round",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"]),
        sa.PrimaryKeyConstraint("participant_id", "theme_id"),
    )
    op.execute("INSERT INTO dot_one_round SELECT participant_id, theme_id, count FROM dot WHERE round_id = 1")
    op.drop_table("dot")
    op.rename_table("dot_one_round", "dot")
    op.drop_table("vote_round")
