"""What happened: each accepted command records one or more of these in the event log."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DomainEvent:
    pass


@dataclass(frozen=True)
class ParticipantJoined(DomainEvent):
    participant: int
    table: int


@dataclass(frozen=True)
class ParticipantMoved(DomainEvent):
    participant: int
    table: int


@dataclass(frozen=True)
class PlanChanged(DomainEvent):
    """Fields of the plan changed from the browser (their paths, e.g. `agenda.2.minutes`), the new plan in force."""

    fields: list[str]


@dataclass(frozen=True)
class SecretReplaced(DomainEvent):
    """A link's secret was replaced (a leaked link revoked): `secret` is the role's name, `table` a table screen's
    table. Never the secret itself: the log is read by more people than the link was for."""

    secret: str
    table: int | None = None


@dataclass(frozen=True)
class ParticipantRemoved(DomainEvent):
    """The staff took a participant out (a phantom), with what they gave: dots, poll answers, question supports."""

    participant: int
    table: int
    dots: int
    answers: int
    supports: int


@dataclass(frozen=True)
class HeadroomSet(DomainEvent):
    seats: int


@dataclass(frozen=True)
class JoinRefused(DomainEvent):
    """Not logged (nothing changed): tells the console a phone could not join a table (None: online)."""

    table: int | None
    reason: str


@dataclass(frozen=True)
class StorageTrouble(DomainEvent):
    """Not logged (it could not be): a change was refused because the disk is full or the database locked."""

    problem: str


@dataclass(frozen=True)
class ProjectorSet(DomainEvent):
    screen: str
    message: str


@dataclass(frozen=True)
class ProfileSet(DomainEvent):
    participant: int
    category: str | None
    zone: str | None


@dataclass(frozen=True)
class IdeaAdded(DomainEvent):
    idea: int
    table: int | None
    text: str
    axis: str
    kind: str


@dataclass(frozen=True)
class IdeaEdited(DomainEvent):
    idea: int
    table: int | None
    text: str
    axis: str
    kind: str


@dataclass(frozen=True)
class IdeaHidden(DomainEvent):
    idea: int
    table: int | None
    hidden: bool


@dataclass(frozen=True)
class IdeaStarred(DomainEvent):
    idea: int
    table: int | None
    starred: bool


@dataclass(frozen=True)
class IdeaMerged(DomainEvent):
    idea: int
    table: int | None
    into: int


@dataclass(frozen=True)
class IdeaGrouped(DomainEvent):
    idea: int
    table: int | None
    theme: int | None


@dataclass(frozen=True)
class ThemeSaved(DomainEvent):
    theme: int
    title: str
    axis: str | None
    titles: dict[str, str] = field(default_factory=dict)  # the title in the plan's other languages


@dataclass(frozen=True)
class ThemeDeleted(DomainEvent):
    theme: int


@dataclass(frozen=True)
class BallotChanged(DomainEvent):
    theme: int
    on_ballot: bool


@dataclass(frozen=True)
class DotPlaced(DomainEvent):
    participant: int
    theme: int
    round: int = 1


@dataclass(frozen=True)
class DotRemoved(DomainEvent):
    participant: int
    theme: int
    round: int = 1


@dataclass(frozen=True)
class BallotCast(DomainEvent):
    """A whole ballot (points, or a ranking as Borda points) replacing the voter's earlier one; {} withdraws it."""

    participant: int
    round: int
    points: dict[str, int]


@dataclass(frozen=True)
class RoundStarted(DomainEvent):
    """A new round of voting, not yet open, with its method and a proposed ballot."""

    round: int
    method: str
    budget: int
    ballot: list[int]
    origin: str


@dataclass(frozen=True)
class RoundSetUp(DomainEvent):
    """The method (and so the budget) of a round not yet open changed."""

    round: int
    method: str
    budget: int


@dataclass(frozen=True)
class PhaseStarted(DomainEvent):
    phase: int
    phase_id: str
    step: int | None = None


@dataclass(frozen=True)
class StepStarted(DomainEvent):
    """The next round within a phase (World Café, 1-2-4-All), on its own timer."""

    phase: int
    step: int


@dataclass(frozen=True)
class HarvestSet(DomainEvent):
    """A table's note of one round, written or replaced (empty: removed)."""

    table: int
    phase_id: str
    step: int


@dataclass(frozen=True)
class TimerChanged(DomainEvent):
    ends_at: float | None
    paused_left: float | None


@dataclass(frozen=True)
class VoteOpened(DomainEvent):
    ballot: list[int]
    round: int = 1


@dataclass(frozen=True)
class VoteClosed(DomainEvent):
    round: int = 1


@dataclass(frozen=True)
class ResultsRevealed(DomainEvent):
    revealed: bool
    round: int = 1


@dataclass(frozen=True)
class ResultsPublished(DomainEvent):
    """The public results page (/results) switched on or off."""

    published: bool


@dataclass(frozen=True)
class MaterialImported(DomainEvent):
    """Ideas and themes brought in from an earlier event (the listening day), with where each came from."""

    source: str
    ideas: int
    themes: int


@dataclass(frozen=True)
class QaSet(DomainEvent):
    """Q&A opened or closed, and whether questions wait for a moderator."""

    open: bool
    premoderated: bool


@dataclass(frozen=True)
class QuestionAsked(DomainEvent):
    question: int
    table: int | None
    status: str


@dataclass(frozen=True)
class QuestionUpvoted(DomainEvent):
    question: int
    participant: int
    up: bool


@dataclass(frozen=True)
class QuestionModerated(DomainEvent):
    question: int
    status: str
    pinned: bool
    answered: bool
    speaker: str


@dataclass(frozen=True)
class PollChanged(DomainEvent):
    """A poll was created, opened, closed, revealed or hidden."""

    poll: int
    state: str
    revealed: bool


@dataclass(frozen=True)
class PollAnswered(DomainEvent):
    poll: int
    participant: int


@dataclass(frozen=True)
class IdeaApproved(DomainEvent):
    """A held idea was let through to the room."""

    idea: int
    table: int | None


@dataclass(frozen=True)
class IdeasModerationSet(DomainEvent):
    premoderated: bool


@dataclass(frozen=True)
class AlignmentSet(DomainEvent):
    """An idea or theme marked (or unmarked: verdict None) against a zone's local plans."""

    idea: int | None
    theme: int | None
    zone: str
    verdict: str | None
