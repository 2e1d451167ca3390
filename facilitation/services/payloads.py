"""The validated shape of every command's payload, shared by the socket handlers and the HTTP API."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from facilitation.domain.errors import Refused
from facilitation.domain.ideas import IdeaKind
from facilitation.domain.polls import PollKind
from facilitation.domain.projector import Screen
from facilitation.domain.voting import Method, NextBallot

# Strict types: an id is an integer, a flag a boolean, a text a string. `"yes"` or `true` for an id is refused,
# never coerced into something the sender did not mean.
ClientId = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9_-]{8,64}$")]
Id = Annotated[int, Field(strict=True, ge=1, le=2**31)]
Flag = Annotated[bool, Field(strict=True)]
# A hard ceiling against abuse; the plan's (smaller) idea length is enforced by the domain with its own message.
LongText = Annotated[str, StringConstraints(strict=True, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strict=True, max_length=200)]
Code = Annotated[str, StringConstraints(strict=True, max_length=64)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cid: ClientId


class AddIdea(Command):
    text: LongText
    axis: Code
    kind: IdeaKind = IdeaKind.PROPOSAL
    table: Id | None = None  # staff only: the table an idea is captured for


class EditIdea(Command):
    idea: Id
    text: LongText | None = None
    axis: Code | None = None
    kind: IdeaKind | None = None


class HideIdea(Command):
    idea: Id
    hidden: Flag = True


class ApproveIdea(Command):
    idea: Id


class SetIdeasModeration(Command):
    premoderated: Flag


class StarIdea(Command):
    idea: Id
    starred: Flag = True


class MergeIdea(Command):
    idea: Id
    into: Id


# A theme's title in the plan's other languages: {language: title}; an empty title removes that language.
Titles = Annotated[dict[Code, Annotated[str, StringConstraints(strict=True, max_length=200)]], Field(max_length=10)]


class CreateTheme(Command):
    title: ShortText
    titles: Titles = Field(default_factory=dict)
    axis: Code | None = None
    ideas: list[Id] = Field(default_factory=list, max_length=500)


class UpdateTheme(Command):
    theme: Id
    title: ShortText | None = None
    titles: Titles | None = None  # merged into the theme's: only the languages given change
    axis: Code | None = None


class DeleteTheme(Command):
    theme: Id


class GroupIdea(Command):
    idea: Id
    theme: Id | None = None


class GroupIdeas(Command):
    ideas: Annotated[list[Id], Field(min_length=1, max_length=500)]
    theme: Id | None = None


class SetBallot(Command):
    theme: Id
    on_ballot: Flag = True


class StartPhase(Command):
    phase: Annotated[int, Field(strict=True, ge=0, le=1000)]


class StartStep(Command):
    step: Annotated[int, Field(strict=True, ge=0, le=100)]


class SetHarvest(Command):
    phase: Annotated[int, Field(strict=True, ge=0, le=1000)]
    step: Annotated[int, Field(strict=True, ge=0, le=100)]
    text: LongText  # empty removes the note
    table: Id | None = None  # staff only: the table the note is for


class AdjustTimer(Command):
    seconds: Annotated[int, Field(strict=True, ge=-3600, le=3600)]


class Plain(Command):
    pass


class OpenVote(Command):
    reopen: Flag = False  # a closed vote opens again only when asked for by name


class Reveal(Command):
    revealed: Flag = True


class SetUpRound(Command):
    method: Method


class NextRound(Command):
    ballot: NextBallot = NextBallot.TOP
    n: Annotated[int, Field(strict=True, ge=1, le=50)] = 3  # the top n, or the place where items tie
    method: Method | None = None  # the last round's when not given


ThemeKey = Annotated[str, StringConstraints(strict=True, pattern=r"^[1-9][0-9]{0,9}$")]  # a theme id, as JSON keys are
Points = Annotated[int, Field(strict=True, ge=0, le=1000)]


class CastBallot(Command):
    """A whole ballot: `points` per theme (dots or points rounds), or `order`, the top k in order (Borda)."""

    points: Annotated[dict[ThemeKey, Points], Field(max_length=100)] | None = None
    order: Annotated[list[Id], Field(max_length=20)] | None = None
    proxy: Id | None = None  # a table facilitator casting for a person of its table without a phone


class PlaceDot(Command):
    theme: Id
    proxy: Id | None = None  # a table facilitator casting for a person of its table without a phone


class AddProxy(Command):
    pass


class SetProfile(Command):
    category: Code | None = None
    zone: Code | None = None


class ShowOnProjector(Command):
    screen: Screen
    message: Annotated[str, StringConstraints(strict=True, max_length=2000)] | None = None  # None: keep it


class RemoveParticipant(Command):
    participant: Id


class Join(Command):
    """A code typed or scanned at the join page (a table's, a seat's, the online one)."""

    code: Annotated[str, StringConstraints(max_length=64)]


class UpdatePlan(Command):
    """Fields of the plan, by path (`event.title.it`, `agenda.2.minutes`), as a form sends them, and one action on
    an item (`add:axes`, `remove:agenda.4`, `up:agenda.3.steps.1`), a new item named `label` in each language
    (facilitation.planedit says which may change)."""

    changes: Annotated[
        dict[Annotated[str, StringConstraints(max_length=60)], Annotated[str, StringConstraints(max_length=60000)]],
        Field(max_length=2000),
    ] = {}
    action: Annotated[str, StringConstraints(max_length=40)] | None = None
    label: (
        Annotated[
            dict[
                Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")],
                Annotated[str, StringConstraints(max_length=200)],
            ],
            Field(max_length=10),
        ]
        | None
    ) = None


class ReplaceSecret(Command):
    """A staff link's secret, or a table screen's (`table`), replaced: the old one stops working at once."""

    secret: Literal["facilitator", "theme", "projector", "observer", "table"]
    table: Id | None = None


class SetHeadroom(Command):
    seats: Annotated[int, Field(strict=True, ge=0, le=50)]


class PublishResults(Command):
    published: Flag


class SetQa(Command):
    open: Flag | None = None  # participants may ask (None: unchanged)
    premoderated: Flag | None = None  # their questions wait for a moderator (None: unchanged)


class AskQuestion(Command):
    text: LongText
    name: Annotated[str, StringConstraints(strict=True, max_length=200)] | None = None  # None: anonymous


class UpvoteQuestion(Command):
    question: Id
    up: Flag = True  # False takes the upvote back


class ModerateQuestion(Command):
    question: Id
    status: Literal["shown", "hidden"] | None = None  # approve (or show again) / take down
    pinned: Flag | None = None
    answered: Flag | None = None
    speaker: Annotated[str, StringConstraints(strict=True, max_length=200)] | None = None  # who answered


class CreatePoll(Command):
    question: ShortText
    kind: PollKind
    options: Annotated[list[Annotated[str, StringConstraints(strict=True, max_length=120)]], Field(max_length=20)] = (
        Field(default_factory=list)
    )


class ChangePoll(Command):
    poll: Id
    state: Literal["open", "closed"] | None = None  # opening a poll closes the one open before
    revealed: Flag | None = None


class AnswerPoll(Command):
    poll: Id
    choices: Annotated[list[Annotated[int, Field(strict=True, ge=0, le=100)]], Field(min_length=1, max_length=20)]


class SetAlignment(Command):
    idea: Id | None = None
    theme: Id | None = None
    zone: Code
    verdict: Literal["aligned", "partly", "misaligned"] | None = None  # None removes the mark
    note: Annotated[str, StringConstraints(strict=True, max_length=2000)] | None = None


# --- material from an earlier event (the listening day), as its JSON export (docs/export-format.md) -------


class _Exported(BaseModel):
    model_config = ConfigDict(extra="ignore")  # an export has more fields than an import needs


Empty = Literal[""]  # the export writes a missing number as ""


class ExportedEvent(_Exported):
    id: Annotated[str, StringConstraints(strict=True, max_length=64, min_length=1)]
    title: ShortText = ""
    date: ShortText = ""
    export_format: Annotated[int, Field(strict=True, ge=1)]


class ExportedIdea(_Exported):
    id: Id
    table: ShortText = ""
    channel: ShortText = ""
    axis: ShortText
    kind: IdeaKind
    text: LongText
    author_role: ShortText = ""
    category: ShortText = ""
    zone: ShortText = ""
    hidden: Flag = False
    held: Flag = False
    starred: Flag = False
    merged_into: Id | Empty = ""
    theme: Id | Empty = ""


class ExportedTheme(_Exported):
    model_config = ConfigDict(extra="allow")  # title_<lang> for the plan's other languages
    id: Id
    title: ShortText
    axis: ShortText = ""


class ExportedRevision(_Exported):
    idea: Id
    action: ShortText
    text: LongText


class ExportedEventData(_Exported):
    event: ExportedEvent
    ideas: list[ExportedIdea] = Field(max_length=20_000)
    themes: list[ExportedTheme] = Field(default_factory=list, max_length=2_000)
    idea_history: list[ExportedRevision] = Field(default_factory=list, max_length=100_000)


class ImportMaterial(Command):
    source: ExportedEventData


def import_command(source: object, digest: str) -> dict:
    """The `material.import` payload for what a file held, or `import_not_export` when it is not an event's
    export at all. `digest` (of the file) is its client id: the same file sent twice is one import."""
    if not isinstance(source, dict) or "event" not in source or "ideas" not in source:
        raise Refused("import_not_export")
    return {"cid": f"import-{digest[:32]}", "source": source}


Payload = TypeVar("Payload", bound=BaseModel)


def validated(model: type[Payload], raw: object) -> Payload:
    """`raw` as the command's model, or `invalid_payload` naming the fields that are wrong."""
    if not isinstance(raw, dict):
        raise Refused("invalid_payload", fields="payload")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        fields = sorted({".".join(str(x) for x in err["loc"]) or "payload" for err in exc.errors()})
        raise Refused("invalid_payload", fields=", ".join(fields)[:200]) from None
