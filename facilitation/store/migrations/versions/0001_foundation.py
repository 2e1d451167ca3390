"""The foundation schema (0.1.0): settings, tables, participants, ideas and their history, themes, dots, the
event log and the applied commands.

Databases written before the schema was versioned lack `idea.original` and `idea.starred`; they are brought
to this revision instead of being created anew, keeping every row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = sa.inspect(op.get_bind()).get_table_names()
    if "setting" in existing:
        _upgrade_unversioned()
    else:
        _create()


def _upgrade_unversioned() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("idea")}
    with op.batch_alter_table("idea") as batch:
        if "original" not in columns:
            batch.add_column(sa.Column("original", sa.String(), nullable=False, server_default=""))
        if "starred" not in columns:
            batch.add_column(sa.Column("starred", sa.Boolean(), nullable=False, server_default=sa.false()))
    if "original" not in columns:
        op.execute("UPDATE idea SET original = text")  # the text as first submitted is the best we know


def _create() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phase_index", sa.Integer(), nullable=True),
        sa.Column("timer_ends_at", sa.Float(), nullable=True),
        sa.Column("timer_paused_left", sa.Float(), nullable=True),
        sa.Column("vote_state", sa.String(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "event_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("join_code", sa.String(), nullable=False),
        sa.Column("scribe_token", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_table_join_code", "event_table", ["join_code"], unique=True)
    op.create_index("ix_event_table_scribe_token", "event_table", ["scribe_token"], unique=True)
    op.create_table(
        "log",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "command",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("axis", sa.String(), nullable=True),
        sa.Column("on_ballot", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "idea",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("original", sa.String(), nullable=False),
        sa.Column("axis", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["merged_into"], ["idea.id"]),
        sa.ForeignKeyConstraint(["table_id"], ["event_table.id"]),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_idea_table_id", "idea", ["table_id"])
    op.create_index("ix_idea_theme_id", "idea", ["theme_id"])
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("zone", sa.String(), nullable=True),
        sa.Column("joined_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["table_id"], ["event_table.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_participant_table_id", "participant", ["table_id"])
    op.create_index("ix_participant_token", "participant", ["token"], unique=True)
    op.create_table(
        "dot",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"]),
        sa.PrimaryKeyConstraint("participant_id", "theme_id"),
    )
    op.create_table(
        "idea_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("axis", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_idea_revision_idea_id", "idea_revision", ["idea_id"])


def downgrade() -> None:
    raise NotImplementedError("event databases are never downgraded: restore a backup instead")
