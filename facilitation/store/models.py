"""The tables of one event's database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class EventTable(SQLModel, table=True):
    """A round table in the hall, or an online group of table size."""

    __tablename__ = "event_table"
    id: int = Field(primary_key=True)
    number: int
    online: bool = False
    join_code: str = Field(index=True, unique=True)
    scribe_token: str = Field(index=True, unique=True)


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(index=True, unique=True)
    table_id: int = Field(foreign_key="event_table.id", index=True)
    category: str | None = None
    zone: str | None = None
    joined_at: float
    proxied: bool = False  # a person without a phone: the table facilitator casts their dots (a paper ballot)
    removed_at: float | None = None  # taken out by the staff (a phantom): no seat, no token, no dots or answers
    # the phone it joined from, when its address is a phone's own (the venue's network): a keyed digest of the
    # address, never the address; seats one phone holds are capped (services.event.DeviceSeats)
    device: str | None = Field(default=None, index=True)


class Idea(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    table_id: int | None = Field(default=None, foreign_key="event_table.id", index=True)
    author: str  # "participant:17", "scribe:3", "facilitator", "theme"
    text: str
    original: str  # the text as first submitted; every later version is in idea_revision
    axis: str
    kind: str
    hidden: bool = False
    held: bool = False  # waiting for a moderator (pre-moderation, or a held word): the room does not see it
    starred: bool = False
    merged_into: int | None = Field(default=None, foreign_key="idea.id")
    theme_id: int | None = Field(default=None, foreign_key="theme.id", index=True)
    created_at: float
    updated_at: float
    # where an imported idea came from: {"event", "title", "idea", "table", "channel", "category", "zone"}
    origin: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    source: str | None = Field(default=None, index=True)  # an imported one's "<event id>#<its id there>"


class Question(SQLModel, table=True):
    """A question from the floor or online (facilitation.domain.questions)."""

    id: int | None = Field(default=None, primary_key=True)
    author: str  # "participant:17", "scribe:3", "facilitator", "theme"
    table_id: int | None = Field(default=None, foreign_key="event_table.id")
    text: str
    name: str = ""  # an optional signature; empty: anonymous
    status: str  # pending, shown, hidden
    pinned: bool = False
    answered: bool = False
    speaker: str = ""  # who answered it, when the facilitator notes it
    votes: int = 0
    created_at: float


class QuestionVote(SQLModel, table=True):
    """One upvote per participant and question."""

    __tablename__ = "question_vote"
    question_id: int = Field(foreign_key="question.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)


class Poll(SQLModel, table=True):
    """A quick poll (facilitation.domain.polls)."""

    id: int | None = Field(default=None, primary_key=True)
    question: str
    kind: str  # single, multiple, scale
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    state: str = "draft"  # draft, open, closed
    revealed: bool = False
    created_at: float


class PollAnswer(SQLModel, table=True):
    """One participant's answer to a poll: option indexes, or the scale value."""

    __tablename__ = "poll_answer"
    poll_id: int = Field(foreign_key="poll.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    choices: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Alignment(SQLModel, table=True):
    """An idea or a theme marked against a zona omogenea's local plans (facilitation.domain.alignment)."""

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int | None = Field(default=None, foreign_key="idea.id", index=True)
    theme_id: int | None = Field(default=None, foreign_key="theme.id", index=True)
    zone: str
    verdict: str  # aligned, partly, misaligned
    note: str = ""
    by: str  # the actor who marked it
    at: float


class Harvest(SQLModel, table=True):
    """A table's short note of one round of a phase (World Café, 1-2-4-All), for the theme team."""

    table_id: int = Field(foreign_key="event_table.id", primary_key=True)
    phase: str = Field(primary_key=True)  # the phase's id in the plan
    step: int = Field(primary_key=True)
    text: str
    by: str
    at: float


class IdeaRevision(SQLModel, table=True):
    """Every version of an idea: moderation never loses the original."""

    __tablename__ = "idea_revision"
    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key="idea.id", index=True)
    action: str
    text: str
    axis: str
    kind: str
    by: str
    at: float


class Theme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str  # in the plan's first language
    titles: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # the others
    axis: str | None = None
    on_ballot: bool = False
    # an idea was grouped into it once: left with none by regrouping, it is emptied (queries.EMPTIED)
    grouped: bool = False
    created_at: float
    origin: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # {"event", "theme"}
    source: str | None = Field(default=None, index=True)  # an imported one's "<event id>#<its id there>"


class VoteRound(SQLModel, table=True):
    """One round of voting, with its own ballot and method (facilitation.domain.voting). Round 1 is made with the
    event; the facilitator starts the next once the last is closed."""

    __tablename__ = "vote_round"
    id: int = Field(primary_key=True)  # 1, 2, 3 ... in order
    method: str  # dots, points, borda
    budget: int  # dots per person; points to share; items to rank
    cap: int  # most on one item
    # the ballot once the round opened (before that, the themes marked on_ballot are its ballot)
    ballot: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    origin: str = ""  # how its ballot was made: "" (by hand), or "top:3:1", "tie:3:1", "same:0:1"
    state: str = "not_open"
    revealed: bool = False
    created_at: float


class Dot(SQLModel, table=True):
    """What one person gives one item in one round: dots, points, or Borda points."""

    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    round_id: int = Field(default=1, foreign_key="vote_round.id", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", primary_key=True)
    count: int = 0


class Control(SQLModel, table=True):
    """The single row of live event state the facilitator drives."""

    id: int = Field(default=1, primary_key=True)
    phase_index: int | None = None
    timer_ends_at: float | None = None
    timer_paused_left: float | None = None
    vote_round: int = 1  # the round the room votes in, or is about to (its state is in vote_round)
    step_index: int | None = None  # the round within the phase (World Café, 1-2-4-All), when it has steps
    screen: str = "auto"  # what the projector shows (facilitation.domain.projector.Screen)
    message: str = ""  # the facilitator's message for the room, shown on the "message" screen
    ideas_premoderated: bool = False  # participants' ideas wait for a moderator before the room sees them
    qa_open: bool = False  # participants may ask questions
    qa_premoderated: bool = False  # their questions wait for a moderator before the room sees them
    results_public: bool = False  # the results page (/results) is open to anyone, without a token


class LogEntry(SQLModel, table=True):
    """The append-only event log; `version` is the event's monotonically increasing change id."""

    __tablename__ = "log"
    version: int | None = Field(default=None, primary_key=True)
    at: float
    actor: str
    kind: str
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class CommandRecord(SQLModel, table=True):
    """A command already applied, by actor and client id: a retry gets the same answer, and counts once."""

    __tablename__ = "command"
    key: str = Field(primary_key=True)
    name: str
    digest: str
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    at: float


class SeatCode(SQLModel, table=True):
    """A printed one-person code (plan `tables.seat_codes`): the first phone that enters it takes that seat;
    entering it again, on any phone, is the same participant, never a new voice."""

    __tablename__ = "seat_code"
    code: str = Field(primary_key=True)
    table_id: int = Field(foreign_key="event_table.id", index=True)
    participant_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    used_at: float | None = None
