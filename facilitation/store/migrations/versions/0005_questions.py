"""Questions from the floor and online (0.4.0): questions, one upvote per participant, Q&A switches."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("speaker", sa.String(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["table_id"], ["event_table.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "question_vote",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("question_id", "participant_id"),
    )
    with op.batch_alter_table("control") as batch:
        batch.add_column(sa.Column("qa_open", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("qa_premoderated", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("control") as batch:
        batch.drop_column("qa_premoderated")
        batch.drop_column("qa_open")
    op.drop_table("question_vote")
    op.drop_table("question")
