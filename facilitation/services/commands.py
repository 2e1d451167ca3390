"""Every command the event accepts: load what it needs, ask the domain, write, and record what happened.

Each function runs inside one unit of work opened by `EventService.execute`; raising `Refused` rolls it back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, update
from sqlmodel import col, func, select, Session

from facilitation.domain import ideas as idea_rules
from facilitation.domain import alignment, moderation, polls, questions, ranking, voting
from facilitation.domain.errors import Refused
from facilitation.domain.events import (
    AlignmentSet,
    BallotChanged,
    DomainEvent,
    HarvestSet,
    HeadroomSet,
    IdeaAdded,
    IdeaApproved,
    IdeaEdited,
    IdeaGrouped,
    IdeaHidden,
    IdeaMerged,
    IdeaStarred,
    IdeasModerationSet,
    MaterialImported,
    ParticipantJoined,
    ParticipantRemoved,
    PhaseStarted,
    PlanChanged,
    PollAnswered,
    PollChanged,
    ProfileSet,
    ProjectorSet,
    QaSet,
    QuestionAsked,
    QuestionModerated,
    QuestionUpvoted,
    ResultsPublished,
    ResultsRevealed,
    RoundSetUp,
    RoundStarted,
    SecretReplaced,
    StepStarted,
    ThemeDeleted,
    ThemeSaved,
    TimerChanged,
    VoteClosed,
    VoteOpened,
)
from facilitation.domain.phases import HARVEST_MAX_LENGTH, Timer, check_harvest, check_step, require_idea_capture
from facilitation.domain.projector import Screen, clean_message
from facilitation.domain.roles import Action, Role, require, require_idea_moderation
from facilitation.domain.exchange import EXPORT_FORMAT
from facilitation import planedit
from facilitation.plan import Plan, PlanError, parse_plan
from facilitation.services import payloads as p
from facilitation.services.codes import add_seat_codes, sync_tables
from facilitation.services.queries import (
    POLL_FOCUS,
    ballot_ids,
    current_round,
    default_rules,
    focused_poll,
    headroom,
    joined_per_table,
    plan_locks,
    round_totals,
)
from facilitation.store.models import (
    Alignment,
    Control,
    Dot,
    EventTable,
    Harvest,
    Idea,
    IdeaRevision,
    LogEntry,
    Participant,
    Poll,
    PollAnswer,
    Question,
    QuestionVote,
    SeatCode,
    Setting,
    Theme,
    VoteRound,
)

if TYPE_CHECKING:  # the door is the service's (facilitation.services.joining imports the queries this uses)
    from facilitation.services.joining import Door


@dataclass(frozen=True)
class Principal:
    """Who is acting: a role, plus the table a scribe runs or the participant a phone is; a visitor at the join
    page brings its device cookie (`device`, perhaps none) and its address, which the server read."""

    role: Role
    table_id: int | None = None
    participant_id: int | None = None
    device: str | None = field(default=None, repr=False)
    address: str | None = None

    @property
    def actor(self) -> str:
        if self.role is Role.PARTICIPANT:
            return f"participant:{self.participant_id}"
        if self.role is Role.SCRIBE:
            return f"scribe:{self.table_id}"
        return self.role.value


@dataclass
class Tx:
    session: Session
    plan: Plan
    now: float
    who: Principal
    events: list[DomainEvent] = field(default_factory=list)
    taken: Callable[[], set[str]] = set  # the join codes of the other events on this server (new codes avoid them)
    door: Door | None = None  # how fast people join, and the joins refused (facilitation.services.joining)
    actor: str | None = None  # who the log says did it, when not `who` (a visitor who became a participant)

    def record(self, event: DomainEvent) -> None:
        self.events.append(event)

    def control(self) -> Control:
        return self.session.get(Control, 1)

    def round(self) -> VoteRound:
        return current_round(self.session)

    def vote_state(self) -> voting.VoteState:
        return voting.VoteState(self.round().state)

    def phase_kind(self):
        index = self.control().phase_index
        return None if index is None else self.plan.agenda[index].kind

    def get(self, model, ident: int, missing: str):
        row = self.session.get(model, ident)
        if row is None:
            raise Refused(missing, id=ident)
        return row


CommandFn = Callable[[Tx, object], dict | None]
COMMANDS: dict[str, tuple[type[p.Command], CommandFn | None]] = {}


def command(name: str, payload: type[p.Command]):
    def register(fn: CommandFn) -> CommandFn:
        COMMANDS[name] = (payload, fn)
        return fn

    return register


# --- ideas -------------------------------------------------------------------------------------------


def _revise(tx: Tx, idea: Idea, action: str) -> None:
    tx.session.add(
        IdeaRevision(
            idea_id=idea.id, action=action, text=idea.text, axis=idea.axis, kind=idea.kind, by=tx.who.actor, at=tx.now
        )
    )


def _moderated_idea(tx: Tx, idea_id: int) -> Idea:
    idea = tx.get(Idea, idea_id, "unknown_idea")
    require_idea_moderation(tx.who.role, tx.who.table_id, idea.table_id)
    return idea


@command("idea.add", p.AddIdea)
def add_idea(tx: Tx, cmd: p.AddIdea):
    require(tx.who.role, Action.ADD_IDEA)
    require_idea_capture(tx.who.role, tx.phase_kind())
    cap = {Role.PARTICIPANT: tx.plan.ideas.per_phone, Role.SCRIBE: tx.plan.ideas.per_table}.get(tx.who.role)
    if cap is not None and _ideas_this_phase(tx) >= cap:
        raise Refused("idea_cap", cap=cap)
    text = idea_rules.clean_text(cmd.text, tx.plan.ideas.max_length)
    axis = idea_rules.check_axis(cmd.axis, tx.plan.axis_ids)
    table = tx.who.table_id
    if cmd.table is not None:
        if tx.who.role not in (Role.FACILITATOR, Role.THEME):
            raise Refused("invalid_payload", fields="table")  # a phone or scribe adds to its own table only
        table = tx.get(EventTable, cmd.table, "unknown_table").id
    held = moderation.is_held(
        tx.control().ideas_premoderated, tx.who.role is Role.PARTICIPANT, text, frozenset(tx.plan.ideas.held_words)
    )
    idea = Idea(
        table_id=table,
        author=tx.who.actor,
        text=text,
        original=text,
        axis=axis,
        kind=cmd.kind.value,
        held=held,
        created_at=tx.now,
        updated_at=tx.now,
    )
    tx.session.add(idea)
    tx.session.flush()
    _revise(tx, idea, "created")
    tx.record(IdeaAdded(idea.id, table, text, axis, idea.kind))
    return {"idea": idea.id, "held": held}


def _ideas_this_phase(tx: Tx) -> int:
    """Ideas the sender added since the phase (or its round) began."""
    began = (
        tx.session.exec(
            select(LogEntry.at)
            .where(col(LogEntry.kind).in_((PhaseStarted.__name__, StepStarted.__name__)))
            .order_by(col(LogEntry.version).desc())
            .limit(1)
        ).first()
        or 0.0
    )
    return tx.session.exec(
        select(func.count()).select_from(Idea).where(Idea.author == tx.who.actor, Idea.created_at >= began)
    ).one()


@command("idea.approve", p.ApproveIdea)
def approve_idea(tx: Tx, cmd: p.ApproveIdea):
    """Let a held idea through to the room (table facilitators for their own table)."""
    idea = _moderated_idea(tx, cmd.idea)
    idea.held = False
    idea.updated_at = tx.now
    _revise(tx, idea, "approved")
    tx.record(IdeaApproved(idea.id, idea.table_id))
    return {"idea": idea.id}


@command("ideas.moderation", p.SetIdeasModeration)
def set_ideas_moderation(tx: Tx, cmd: p.SetIdeasModeration):
    """Pre-moderation on: participants' ideas wait for a moderator; off: they reach the room at once."""
    require(tx.who.role, Action.RUN_EVENT)
    control = tx.control()
    control.ideas_premoderated = cmd.premoderated
    tx.session.add(control)
    tx.record(IdeasModerationSet(cmd.premoderated))
    return {"premoderated": cmd.premoderated}


@command("idea.edit", p.EditIdea)
def edit_idea(tx: Tx, cmd: p.EditIdea):
    idea = _moderated_idea(tx, cmd.idea)
    if cmd.text is not None:
        idea.text = idea_rules.clean_text(cmd.text, tx.plan.ideas.max_length)
    if cmd.axis is not None:
        idea.axis = idea_rules.check_axis(cmd.axis, tx.plan.axis_ids)
    if cmd.kind is not None:
        idea.kind = cmd.kind.value
    idea.updated_at = tx.now
    _revise(tx, idea, "edited")
    tx.record(IdeaEdited(idea.id, idea.table_id, idea.text, idea.axis, idea.kind))
    return {"idea": idea.id}


@command("idea.hide", p.HideIdea)
def hide_idea(tx: Tx, cmd: p.HideIdea):
    idea = _moderated_idea(tx, cmd.idea)
    idea.hidden = cmd.hidden
    idea.updated_at = tx.now
    _revise(tx, idea, "hidden" if cmd.hidden else "shown")
    tx.record(IdeaHidden(idea.id, idea.table_id, cmd.hidden))
    return {"idea": idea.id}


@command("idea.star", p.StarIdea)
def star_idea(tx: Tx, cmd: p.StarIdea):
    idea = _moderated_idea(tx, cmd.idea)
    idea.starred = cmd.starred
    tx.record(IdeaStarred(idea.id, idea.table_id, cmd.starred))
    return {"idea": idea.id}


@command("idea.merge", p.MergeIdea)
def merge_idea(tx: Tx, cmd: p.MergeIdea):
    source = _moderated_idea(tx, cmd.idea)
    target = _moderated_idea(tx, cmd.into)
    idea_rules.check_merge(source.id, source.merged_into, target.id, target.merged_into)
    source.merged_into = target.id
    source.updated_at = tx.now
    if target.theme_id is None and source.theme_id is not None:
        target.theme_id = source.theme_id
        tx.record(IdeaGrouped(target.id, target.table_id, target.theme_id))
    source.theme_id = None
    # Ideas merged into the source follow it, so merges never form chains.
    for child in tx.session.exec(select(Idea).where(Idea.merged_into == source.id)):
        child.merged_into = target.id
        tx.record(IdeaMerged(child.id, child.table_id, target.id))
    _revise(tx, source, f"merged into {target.id}")
    tx.record(IdeaMerged(source.id, source.table_id, target.id))
    return {"idea": target.id}


# --- themes and ballot -------------------------------------------------------------------------------


def _theme_axis(tx: Tx, axis: str | None) -> str | None:
    return None if not axis else idea_rules.check_axis(axis, tx.plan.axis_ids)


def _title(text: str) -> str:
    title = _short(text)
    if len(title) < idea_rules.MIN_LENGTH:
        raise Refused("text_too_short", min=idea_rules.MIN_LENGTH)
    return title


def _titles(tx: Tx, current: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """The title in the plan's other languages, after `given`; an empty one removes that language."""
    others = tx.plan.event.languages[1:]
    titles = dict(current)
    for lang, text in given.items():
        if lang not in others:
            raise Refused("invalid_payload", fields=f"titles.{lang[:8]}")
        if text.strip():
            titles[lang] = _title(text)
        else:
            titles.pop(lang, None)
    return titles


def _group(tx: Tx, idea: Idea, theme_id: int | None) -> None:
    idea.theme_id = theme_id
    if theme_id is not None:
        tx.session.get(Theme, theme_id).grouped = True  # from now on, losing every idea empties it
    tx.record(IdeaGrouped(idea.id, idea.table_id, theme_id))


@command("theme.create", p.CreateTheme)
def create_theme(tx: Tx, cmd: p.CreateTheme):
    require(tx.who.role, Action.MANAGE_THEMES)
    theme = Theme(
        title=_title(cmd.title), titles=_titles(tx, {}, cmd.titles), axis=_theme_axis(tx, cmd.axis), created_at=tx.now
    )
    tx.session.add(theme)
    tx.session.flush()
    tx.record(ThemeSaved(theme.id, theme.title, theme.axis, theme.titles))
    for idea_id in cmd.ideas:
        _group(tx, tx.get(Idea, idea_id, "unknown_idea"), theme.id)
    return {"theme": theme.id}


def _editable_theme(tx: Tx, theme_id: int) -> Theme:
    require(tx.who.role, Action.MANAGE_THEMES)
    theme = tx.get(Theme, theme_id, "unknown_theme")
    if theme.on_ballot:
        voting.require_ballot_editable(tx.vote_state())
    return theme


@command("theme.update", p.UpdateTheme)
def update_theme(tx: Tx, cmd: p.UpdateTheme):
    theme = _editable_theme(tx, cmd.theme)
    if cmd.title is not None:
        theme.title = _title(cmd.title)
    if cmd.titles is not None:
        theme.titles = _titles(tx, theme.titles, cmd.titles)  # a new dict: the JSON column sees the change
    if cmd.axis is not None:
        theme.axis = _theme_axis(tx, cmd.axis)
    tx.record(ThemeSaved(theme.id, theme.title, theme.axis, theme.titles))
    return {"theme": theme.id}


@command("theme.delete", p.DeleteTheme)
def delete_theme(tx: Tx, cmd: p.DeleteTheme):
    theme = _editable_theme(tx, cmd.theme)
    if tx.session.exec(select(func.count()).select_from(Dot).where(Dot.theme_id == theme.id)).one():
        raise Refused("theme_has_dots")
    for idea in tx.session.exec(select(Idea).where(Idea.theme_id == theme.id)):
        _group(tx, idea, None)
    tx.session.delete(theme)
    tx.record(ThemeDeleted(cmd.theme))
    return {"theme": cmd.theme}


@command("theme.group", p.GroupIdea)
def group_idea(tx: Tx, cmd: p.GroupIdea):
    require(tx.who.role, Action.MANAGE_THEMES)
    idea = tx.get(Idea, cmd.idea, "unknown_idea")
    if cmd.theme is not None:
        tx.get(Theme, cmd.theme, "unknown_theme")
    _group(tx, idea, cmd.theme)
    return {"idea": idea.id, "theme": cmd.theme}


@command("theme.group_many", p.GroupIdeas)
def group_ideas(tx: Tx, cmd: p.GroupIdeas):
    """Many ideas into one theme (or out of any) at once: all of them, or none if one is unknown."""
    require(tx.who.role, Action.MANAGE_THEMES)
    if cmd.theme is not None:
        tx.get(Theme, cmd.theme, "unknown_theme")
    ideas = [tx.get(Idea, idea_id, "unknown_idea") for idea_id in dict.fromkeys(cmd.ideas)]
    for idea in ideas:
        _group(tx, idea, cmd.theme)
    return {"ideas": [idea.id for idea in ideas], "theme": cmd.theme}


@command("theme.ballot", p.SetBallot)
def set_ballot(tx: Tx, cmd: p.SetBallot):
    require(tx.who.role, Action.MANAGE_THEMES)
    voting.require_ballot_editable(tx.vote_state())
    theme = tx.get(Theme, cmd.theme, "unknown_theme")
    theme.on_ballot = cmd.on_ballot
    tx.record(BallotChanged(theme.id, cmd.on_ballot))
    return {"theme": theme.id}


# --- running the event -------------------------------------------------------------------------------


def _set_timer(tx: Tx, timer: Timer) -> None:
    control = tx.control()
    control.timer_ends_at, control.timer_paused_left = timer.ends_at, timer.paused_left
    tx.record(TimerChanged(timer.ends_at, timer.paused_left))


def _timer(control: Control) -> Timer:
    return Timer(control.timer_ends_at, control.timer_paused_left)


@command("phase.start", p.StartPhase)
def start_phase(tx: Tx, cmd: p.StartPhase):
    require(tx.who.role, Action.RUN_EVENT)
    if cmd.phase >= len(tx.plan.agenda):
        raise Refused("unknown_phase", id=cmd.phase)
    phase = tx.plan.agenda[cmd.phase]
    control = tx.control()
    control.phase_index = cmd.phase
    # a phase in rounds starts with its first round, on that round's timer
    control.step_index = 0 if phase.steps else None
    focus_poll(tx, None)
    tx.record(PhaseStarted(cmd.phase, phase.id, control.step_index))
    _set_timer(tx, Timer.start((phase.steps[0].minutes if phase.steps else phase.minutes) * 60, tx.now))
    return {"phase": cmd.phase, "step": control.step_index}


@command("phase.step", p.StartStep)
def start_step(tx: Tx, cmd: p.StartStep):
    """The next (or any) round of the phase in progress: World Café's next question, 1-2-4-All's next step."""
    require(tx.who.role, Action.RUN_EVENT)
    control = tx.control()
    if control.phase_index is None:
        raise Refused("no_steps")
    steps = tx.plan.agenda[control.phase_index].steps
    check_step(len(steps), cmd.step)
    control.step_index = cmd.step
    focus_poll(tx, None)
    tx.record(StepStarted(control.phase_index, cmd.step))
    _set_timer(tx, Timer.start(steps[cmd.step].minutes * 60, tx.now))
    return {"phase": control.phase_index, "step": cmd.step}


@command("harvest.set", p.SetHarvest)
def set_harvest(tx: Tx, cmd: p.SetHarvest):
    """A table's note of one round. Table facilitators write their own table's; staff any table's."""
    if cmd.phase >= len(tx.plan.agenda):
        raise Refused("unknown_phase", id=cmd.phase)
    phase = tx.plan.agenda[cmd.phase]
    if cmd.step >= len(phase.steps):
        raise Refused("unknown_step", id=cmd.step)
    check_harvest(phase.steps[cmd.step].harvest)
    table = cmd.table if cmd.table is not None else tx.who.table_id
    require_idea_moderation(tx.who.role, tx.who.table_id, table)
    if table is None:
        raise Refused("invalid_payload", fields="table")
    tx.get(EventTable, table, "unknown_table")
    row = tx.session.get(Harvest, (table, phase.id, cmd.step))
    if not cmd.text.strip():
        if row is not None:
            tx.session.delete(row)
    else:
        text = idea_rules.clean_text(cmd.text, HARVEST_MAX_LENGTH)
        row = row or Harvest(table_id=table, phase=phase.id, step=cmd.step, text=text, by=tx.who.actor, at=tx.now)
        row.text, row.by, row.at = text, tx.who.actor, tx.now
        tx.session.add(row)
    tx.record(HarvestSet(table, phase.id, cmd.step))
    return {"table": table, "phase": cmd.phase, "step": cmd.step}


@command("timer.pause", p.Plain)
def pause_timer(tx: Tx, cmd: p.Plain):
    require(tx.who.role, Action.RUN_EVENT)
    _set_timer(tx, _timer(tx.control()).pause(tx.now))


@command("timer.resume", p.Plain)
def resume_timer(tx: Tx, cmd: p.Plain):
    require(tx.who.role, Action.RUN_EVENT)
    _set_timer(tx, _timer(tx.control()).resume(tx.now))


@command("timer.adjust", p.AdjustTimer)
def adjust_timer(tx: Tx, cmd: p.AdjustTimer):
    require(tx.who.role, Action.RUN_EVENT)
    _set_timer(tx, _timer(tx.control()).add(cmd.seconds, tx.now))


def focus_poll(tx: Tx, poll: int | None) -> None:
    """The poll whose results the facilitator has just shown (None: none). On "auto" the projector shows it
    until the next step of the event: a phase, a round, the vote, Q&A or a screen chosen by hand."""
    row = tx.session.get(Setting, POLL_FOCUS)
    if poll is not None:
        tx.session.merge(Setting(key=POLL_FOCUS, value=str(poll)))
    elif row is not None:
        tx.session.delete(row)


@command("projector.show", p.ShowOnProjector)
def show_on_projector(tx: Tx, cmd: p.ShowOnProjector):
    """What the room sees. The message is kept when only the screen changes, so the facilitator can go back."""
    require(tx.who.role, Action.RUN_EVENT)
    control = tx.control()
    if cmd.message is not None:
        control.message = clean_message(cmd.message)
    if cmd.screen is Screen.MESSAGE and not control.message:
        raise Refused("message_needed")
    control.screen = cmd.screen.value
    tx.session.add(control)
    focus_poll(tx, None)
    tx.record(ProjectorSet(control.screen, control.message))
    return {"screen": control.screen}


@command("seats.headroom", p.SetHeadroom)
def set_headroom(tx: Tx, cmd: p.SetHeadroom):
    require(tx.who.role, Action.RUN_EVENT)
    tx.session.merge(Setting(key="headroom", value=str(cmd.seats)))
    if tx.plan.tables.seat_codes:
        add_seat_codes(tx.session, tx.plan, cmd.seats)  # print the new ones from the cards page
    tx.record(HeadroomSet(cmd.seats))


@command("vote.open", p.OpenVote)
def open_vote(tx: Tx, cmd: p.OpenVote):
    require(tx.who.role, Action.RUN_EVENT)
    row = tx.round()
    ballot = ballot_ids(tx.session)
    voting.check_open(voting.VoteState(row.state), len(ballot), cmd.reopen)
    if voting.VoteState(row.state) is voting.VoteState.NOT_OPEN:
        row.ballot = ballot
        if row.method == voting.Method.BORDA.value:  # rank the top k: never more than the ballot holds
            row.budget = row.cap = min(row.budget, len(ballot))
    row.state = voting.VoteState.OPEN.value
    tx.session.add(row)
    focus_poll(tx, None)
    tx.record(VoteOpened(ballot, row.id))
    return {"round": row.id}


@command("vote.close", p.Plain)
def close_vote(tx: Tx, cmd: p.Plain):
    require(tx.who.role, Action.RUN_EVENT)
    row = tx.round()
    voting.check_close(voting.VoteState(row.state))
    row.state = voting.VoteState.CLOSED.value
    tx.session.add(row)
    tx.record(VoteClosed(row.id))
    return {"round": row.id}


@command("vote.reveal", p.Reveal)
def reveal_results(tx: Tx, cmd: p.Reveal):
    require(tx.who.role, Action.RUN_EVENT)
    row = tx.round()
    row.revealed = cmd.revealed
    tx.session.add(row)
    focus_poll(tx, None)
    tx.record(ResultsRevealed(cmd.revealed, row.id))
    return {"round": row.id}


@command("vote.setup", p.SetUpRound)
def set_up_round(tx: Tx, cmd: p.SetUpRound):
    """The method of the round about to open: dots, 100 points or ranking the top k (Borda)."""
    require(tx.who.role, Action.RUN_EVENT)
    row = tx.round()
    voting.require_ballot_editable(voting.VoteState(row.state))
    row.method = cmd.method.value
    row.budget, row.cap = default_rules(tx.plan, cmd.method)
    tx.session.add(row)
    tx.record(RoundSetUp(row.id, row.method, row.budget))
    return {"round": row.id, "method": row.method, "budget": row.budget}


@command("vote.next", p.NextRound)
def next_round(tx: Tx, cmd: p.NextRound):
    """A new round once the last is closed: on its top n, a run-off between the items tied at place n, or the
    same ballot. The new ballot is proposed on the themes (still editable) until the round opens."""
    require(tx.who.role, Action.RUN_EVENT)
    last = tx.round()
    if voting.VoteState(last.state) is not voting.VoteState.CLOSED:
        raise Refused("vote_not_closed")
    totals = round_totals(tx.session, last.id)
    ballot = voting.next_ballot(ranking.rank(last.ballot, *totals), cmd.ballot, cmd.n)
    method = cmd.method or voting.Method(last.method)
    budget, cap = default_rules(tx.plan, method)
    origin = f"{cmd.ballot.value}:{cmd.n}:{last.id}"
    row = VoteRound(
        id=last.id + 1, method=method.value, budget=budget, cap=cap, ballot=ballot, origin=origin, created_at=tx.now
    )
    tx.session.add(row)
    tx.control().vote_round = row.id
    for theme in tx.session.exec(select(Theme)):
        if theme.on_ballot != (theme.id in ballot):
            theme.on_ballot = theme.id in ballot
            tx.record(BallotChanged(theme.id, theme.on_ballot))
    tx.record(RoundStarted(row.id, row.method, row.budget, ballot, origin))
    return {"round": row.id, "ballot": ballot, "method": row.method}


@command("material.import", p.ImportMaterial)
def import_material(tx: Tx, cmd: p.ImportMaterial):
    """An earlier event's ideas and themes (the listening day's JSON export) become this event's starting
    material: every idea, hidden and held ones kept as they were, with its theme, star and merge, and where it
    came from (event, idea, table, channel, category, zone). Importing the same event again adds only what is
    new; of one payload (a slice of a big import: services.imports), all of it or nothing is taken."""
    require(tx.who.role, Action.RUN_EVENT)
    source = cmd.source
    event = source.event
    check_import(source, tx.plan)
    event_id = _short(event.id)  # as it is kept, in origins and import keys
    # What this payload points to and an earlier import (or an earlier slice of this one) already wrote: only
    # those rows are read, so a big import cut into slices costs each slice its own size.
    themes_done = _imported(
        tx, Theme, event_id, {t.id for t in source.themes} | {i.theme for i in source.ideas if i.theme}
    )
    ideas_done = _imported(
        tx, Idea, event_id, {i.id for i in source.ideas} | {i.merged_into for i in source.ideas if i.merged_into}
    )
    already = sum(t.id in themes_done for t in source.themes) + sum(i.id in ideas_done for i in source.ideas)
    theme_ids = dict(themes_done)
    taken: list = []
    theme_rows: list[dict[str, Any]] = []
    for theme in source.themes:
        if theme.id in theme_ids:
            continue
        extra = theme.model_extra or {}
        titles = {
            lang: _short(extra[f"title_{lang}"])
            for lang in tx.plan.event.languages[1:]
            if isinstance(extra.get(f"title_{lang}"), str) and _short(extra[f"title_{lang}"])
        }
        taken.append(theme)
        theme_rows.append(
            {
                "title": _title(theme.title),
                "titles": titles,
                "on_ballot": False,
                "axis": theme.axis if theme.axis in tx.plan.axis_ids else None,
                "created_at": tx.now,
                "origin": {"event": event_id, "title": _short(event.title), "theme": theme.id},
                "source": f"{event_id}#{theme.id}",
            }
        )
    if theme_rows:  # one statement for all of them, as for the ideas below
        new_ids = tx.session.execute(
            insert(Theme).returning(col(Theme.id), sort_by_parameter_order=True), theme_rows
        ).scalars()
        for theme, row, theme_id in zip(taken, theme_rows, new_ids, strict=True):
            theme_ids[theme.id] = theme_id
            tx.record(ThemeSaved(theme_id, row["title"], row["axis"], row["titles"]))
    new_themes = len(theme_rows)
    first_text: dict[int, str] = {}
    for revision in source.idea_history:
        first_text.setdefault(revision.idea, revision.text)
    idea_ids = dict(ideas_done)
    added: list = []
    rows: list[dict[str, Any]] = []
    for item in source.ideas:
        if item.id in idea_ids:
            continue
        idea_ids[item.id] = 0  # taken in this import (its row id is known after the insert)
        text = idea_rules.clean_text(item.text, max(tx.plan.ideas.max_length, len(item.text)))
        added.append(item)
        original = idea_rules.visible(first_text[item.id]) if item.id in first_text else text
        rows.append(
            {
                "table_id": None,
                "author": "import",
                "text": text,
                "original": original,
                "axis": item.axis,
                "kind": item.kind.value,
                "hidden": item.hidden,
                "held": item.held,
                "starred": item.starred,
                "merged_into": None,
                "theme_id": theme_ids.get(item.theme) if item.theme else None,
                "created_at": tx.now,
                "updated_at": tx.now,
                "origin": {
                    "event": event_id,
                    "title": _short(event.title),
                    "date": _short(event.date),
                    "idea": item.id,
                    "table": _short(item.table),
                    "channel": _short(item.channel),
                    "category": _short(item.category),
                    "zone": _short(item.zone),
                },
                "source": f"{event_id}#{item.id}",
            }
        )
    # Three statements for the whole slice, not an ORM object per row: the writer (and so the event loop) is
    # held for the inserts themselves, which a hall voting meanwhile shares.
    if rows:
        new_ids = tx.session.execute(insert(Idea).returning(col(Idea.id), sort_by_parameter_order=True), rows).scalars()
        for item, idea_id in zip(added, new_ids, strict=True):
            idea_ids[item.id] = idea_id
        merges = [
            {"id": idea_ids[item.id], "merged_into": idea_ids[item.merged_into]}
            for item in added
            if item.merged_into and idea_ids.get(item.merged_into)
        ]
        if merges:
            tx.session.execute(update(Idea), merges)
        grouped = {row["theme_id"] for row in rows if row["theme_id"]}
        if grouped:  # a theme that came with ideas is emptied if regrouping takes them all out, as one grouped here
            tx.session.execute(update(Theme).where(col(Theme.id).in_(grouped)).values(grouped=True))
        tx.session.execute(
            insert(IdeaRevision),
            [
                {
                    "idea_id": idea_ids[item.id],
                    "action": "imported",
                    "text": row["text"],
                    "axis": row["axis"],
                    "kind": row["kind"],
                    "by": tx.who.actor,
                    "at": tx.now,
                }
                for item, row in zip(added, rows, strict=True)
            ],
        )
    for item, row in zip(added, rows, strict=True):
        tx.record(IdeaAdded(idea_ids[item.id], None, row["text"], row["axis"], row["kind"]))
    tx.record(MaterialImported(event_id, len(added), new_themes))
    return {"source": event_id, "ideas": len(added), "themes": new_themes, "already": already}


def check_import(source, plan) -> None:
    """What refuses an import as a whole: a newer export format, this event's own export, axes the plan does not
    have. Checked on the whole file before its first slice is written (services.imports.slices), and again on
    each slice."""
    if source.event.export_format > EXPORT_FORMAT:
        raise Refused("import_newer_format", found=source.event.export_format, known=EXPORT_FORMAT)
    if source.event.id == plan.event.id:
        raise Refused("import_same_event")
    unknown = sorted({i.axis for i in source.ideas} - plan.axis_ids)
    if unknown:
        raise Refused("import_unknown_axes", axes=", ".join(unknown)[:200])


def _short(text: str) -> str:
    """An imported label (a table, a channel, a zone, a title) under the rules typed text follows: no control or
    bidirectional characters, whitespace folded, at most 200 characters."""
    return " ".join(idea_rules.visible(text).split())[:200]


def _imported(tx: Tx, row: type[Idea] | type[Theme], event: str, wanted: set[int]) -> dict[int, int]:
    """Of the ids `wanted` from the export of `event`, those already imported: export id -> row id (an indexed
    lookup of as many keys as the slice holds, whatever the event already has)."""
    if not wanted:
        return {}
    keys = {f"{event}#{n}": n for n in wanted}
    found = tx.session.exec(select(row.source, row.id).where(col(row.source).in_(sorted(keys))))
    return {keys[source]: row_id for source, row_id in found.all()}


@command("results.publish", p.PublishResults)
def publish_results(tx: Tx, cmd: p.PublishResults):
    """The results page for everyone, without a token: what came of the event, with revealed results only."""
    require(tx.who.role, Action.RUN_EVENT)
    control = tx.control()
    control.results_public = cmd.published
    tx.session.add(control)
    tx.record(ResultsPublished(cmd.published))
    return {"published": cmd.published}


# --- questions from the floor and online ---------------------------------------------------------------


@command("qa.set", p.SetQa)
def set_qa(tx: Tx, cmd: p.SetQa):
    require(tx.who.role, Action.RUN_EVENT)
    control = tx.control()
    if cmd.open is not None:
        control.qa_open = cmd.open
    if cmd.premoderated is not None:
        control.qa_premoderated = cmd.premoderated
    tx.session.add(control)
    if cmd.open:
        focus_poll(tx, None)
    tx.record(QaSet(control.qa_open, control.qa_premoderated))
    return {"open": control.qa_open, "premoderated": control.qa_premoderated}


@command("qa.ask", p.AskQuestion)
def ask_question(tx: Tx, cmd: p.AskQuestion):
    """Participants ask while Q&A is open; staff may put a question to the room at any time."""
    require(tx.who.role, Action.ASK_QUESTION)
    control = tx.control()
    from_room = tx.who.role in (Role.PARTICIPANT, Role.SCRIBE)
    if from_room and not control.qa_open:
        raise Refused("questions_closed")
    status = questions.first_status(control.qa_premoderated, from_room)
    question = Question(
        author=tx.who.actor,
        table_id=tx.who.table_id,
        text=questions.clean_question(cmd.text),
        name=questions.clean_name(cmd.name),
        status=status.value,
        created_at=tx.now,
    )
    tx.session.add(question)
    tx.session.flush()
    tx.record(QuestionAsked(question.id, question.table_id, question.status))
    return {"question": question.id, "status": question.status}


@command("qa.upvote", p.UpvoteQuestion)
def upvote_question(tx: Tx, cmd: p.UpvoteQuestion):
    require(tx.who.role, Action.UPVOTE_QUESTION)
    question = tx.get(Question, cmd.question, "unknown_question")
    key = (question.id, tx.who.participant_id)
    vote = tx.session.get(QuestionVote, key)
    questions.check_upvote(questions.Status(question.status), vote is not None, cmd.up)
    if cmd.up:
        tx.session.add(QuestionVote(question_id=question.id, participant_id=tx.who.participant_id))
    else:
        tx.session.delete(vote)
    question.votes += 1 if cmd.up else -1
    tx.session.add(question)
    tx.record(QuestionUpvoted(question.id, tx.who.participant_id, cmd.up))
    return {"question": question.id, "votes": question.votes, "upvoted": cmd.up}


@command("qa.moderate", p.ModerateQuestion)
def moderate_question(tx: Tx, cmd: p.ModerateQuestion):
    require(tx.who.role, Action.MODERATE_QUESTIONS)
    question = tx.get(Question, cmd.question, "unknown_question")
    if cmd.status is not None:
        question.status = cmd.status
    if cmd.pinned is not None:
        question.pinned = cmd.pinned
    if cmd.answered is not None:
        question.answered = cmd.answered
    if cmd.speaker is not None:
        question.speaker = questions.clean_name(cmd.speaker)
    tx.session.add(question)
    tx.record(QuestionModerated(question.id, question.status, question.pinned, question.answered, question.speaker))
    return {"question": question.id, "status": question.status}


# --- paper ballots -----------------------------------------------------------------------------------------


@command("proxy.add", p.AddProxy)
def add_proxy(tx: Tx, cmd: p.AddProxy):
    """A person at the table without a phone: the table facilitator casts their dots from the table screen.
    They take a seat like a phone does."""
    require(tx.who.role, Action.PROXY_VOTE)
    table = tx.get(EventTable, tx.who.table_id, "unknown_table")
    capacity = tx.plan.tables.capacity(table.online, headroom(tx.session, tx.plan))
    if joined_per_table(tx.session).get(table.id, 0) >= capacity:
        raise Refused("table_full", table=table.number)
    person = Participant(token=secrets.token_urlsafe(18), table_id=table.id, joined_at=tx.now, proxied=True)
    tx.session.add(person)
    tx.session.flush()
    tx.record(ParticipantJoined(person.id, table.id))
    return {"participant": person.id}


# --- alignment with local planning ---------------------------------------------------------------------


@command("alignment.set", p.SetAlignment)
def set_alignment(tx: Tx, cmd: p.SetAlignment):
    """Mark an idea (its table's facilitator, or staff) or a theme (the theme team) against a zone's local
    plans; one mark per idea or theme and zone, replaced by the next; no verdict removes it."""
    alignment.check_target(cmd.idea, cmd.theme)
    zone = alignment.check_zone(cmd.zone, {z.id for z in tx.plan.zones})
    if cmd.idea is not None:
        _moderated_idea(tx, cmd.idea)
        where = Alignment.idea_id == cmd.idea
    else:
        require(tx.who.role, Action.MANAGE_THEMES)
        tx.get(Theme, cmd.theme, "unknown_theme")
        where = Alignment.theme_id == cmd.theme
    mark = tx.session.exec(select(Alignment).where(where, Alignment.zone == zone)).first()
    if cmd.verdict is None:
        if mark is not None:
            tx.session.delete(mark)
    else:
        mark = mark or Alignment(idea_id=cmd.idea, theme_id=cmd.theme, zone=zone, verdict=cmd.verdict, by="", at=0)
        mark.verdict, mark.note, mark.by, mark.at = cmd.verdict, alignment.clean_note(cmd.note), tx.who.actor, tx.now
        tx.session.add(mark)
    tx.record(AlignmentSet(cmd.idea, cmd.theme, zone, cmd.verdict))
    return {"zone": zone, "verdict": cmd.verdict}


# --- quick polls ------------------------------------------------------------------------------------------


@command("poll.create", p.CreatePoll)
def create_poll(tx: Tx, cmd: p.CreatePoll):
    require(tx.who.role, Action.RUN_EVENT)
    poll = Poll(
        question=_title(cmd.question),
        kind=cmd.kind.value,
        options=polls.check_options(cmd.kind, [idea_rules.visible(o) for o in cmd.options]),
        created_at=tx.now,
    )
    tx.session.add(poll)
    tx.session.flush()
    tx.record(PollChanged(poll.id, poll.state, poll.revealed))
    return {"poll": poll.id}


@command("poll.change", p.ChangePoll)
def change_poll(tx: Tx, cmd: p.ChangePoll):
    """Open (closing the poll open before: one question at a time), close, reveal or hide the results."""
    require(tx.who.role, Action.RUN_EVENT)
    poll = tx.get(Poll, cmd.poll, "unknown_poll")
    if cmd.state == polls.PollState.OPEN.value:
        for other in tx.session.exec(select(Poll).where(Poll.state == polls.PollState.OPEN.value, Poll.id != poll.id)):
            other.state = polls.PollState.CLOSED.value
            tx.session.add(other)
            tx.record(PollChanged(other.id, other.state, other.revealed))
    if cmd.state is not None:
        poll.state = cmd.state
    if cmd.revealed is not None:
        poll.revealed = cmd.revealed
        if cmd.revealed:  # "show results": on auto, the projector shows them, whatever the agenda shows
            focus_poll(tx, poll.id)
        elif focused_poll(tx.session) == poll.id:
            focus_poll(tx, None)
    tx.session.add(poll)
    tx.record(PollChanged(poll.id, poll.state, poll.revealed))
    return {"poll": poll.id, "state": poll.state, "revealed": poll.revealed}


@command("poll.answer", p.AnswerPoll)
def answer_poll(tx: Tx, cmd: p.AnswerPoll):
    """One answer per participant; answering again while the poll is open replaces it."""
    require(tx.who.role, Action.ANSWER_POLL)
    poll = tx.get(Poll, cmd.poll, "unknown_poll")
    if poll.state == polls.PollState.DRAFT.value:
        raise Refused("unknown_poll", id=poll.id)
    choices = polls.check_answer(polls.PollKind(poll.kind), polls.PollState(poll.state), len(poll.options), cmd.choices)
    answer = tx.session.get(PollAnswer, (poll.id, tx.who.participant_id))
    if answer is None:
        answer = PollAnswer(poll_id=poll.id, participant_id=tx.who.participant_id)
    answer.choices = choices
    tx.session.add(answer)
    tx.record(PollAnswered(poll.id, tx.who.participant_id))
    return {"poll": poll.id, "choices": choices}


# --- joining ------------------------------------------------------------------------------------------


@command("participant.join", p.Join)
def join(tx: Tx, cmd: p.Join):
    """A phone takes a seat with a code, or moves to another table: the join page's POST, whose device cookie
    and address ride in the visitor's principal (no screen sends this: a connected phone may not). The door
    decides (facilitation.services.joining, with facilitation.domain.admission's rules); the log says the
    participant did it. The answer carries the phone's device token, which is never stored with it."""
    require(tx.who.role, Action.JOIN)
    if tx.door is None:
        raise Refused("forbidden")
    seated = tx.door.admit(tx.session, tx.plan, cmd.code, tx.who.device, tx.who.address)
    tx.actor = f"participant:{seated.participant}"
    for event in seated.events:
        tx.record(event)
    return {"participant": seated.participant, "token": seated.token}


# --- the plan ------------------------------------------------------------------------------------------


@command("plan.update", p.UpdatePlan)
def update_plan(tx: Tx, cmd: p.UpdatePlan):
    """The facilitator (or the organiser) changes the plan from its form, even during the event: fields by path
    and one action (add, remove or move an item); facilitation.planedit writes them into the plan's own TOML and
    refuses what the event's data holds on to, the loader's rules judge the result (the first problem is
    answered, named by its field), and the event's tables and first vote round follow. In force for every screen
    at once (the service reads the plan back after the commit)."""
    require(tx.who.role, Action.RUN_EVENT)
    current = tx.session.get(Setting, "plan").value
    try:
        text = planedit.apply(current, cmd.changes, tx.plan, plan_locks(tx.session), cmd.action, cmd.label)
        plan = parse_plan(text, "plan")
    except planedit.FieldProblem as problem:
        raise Refused(problem.code, **{**problem.params, "field": problem.field}) from None
    except PlanError as exc:
        wrong = exc.problems[0]
        code = wrong.code if wrong.code.startswith(("plan_", "invalid_plan")) else f"plan_{wrong.code}"
        raise Refused(code, field=wrong.field, **wrong.params) from None
    changed = sorted(cmd.changes) + ([cmd.action] if cmd.action else [])
    if text == current:
        return {"fields": []}
    tx.session.merge(Setting(key="plan", value=text))
    if plan.tables != tx.plan.tables:  # more or fewer tables, seats or seat codes
        sync_tables(tx.session, plan, tx.taken(), headroom(tx.session, plan))
    first = tx.session.get(VoteRound, 1)
    if first is not None and first.state == voting.VoteState.NOT_OPEN.value and current_round(tx.session).id == 1:
        first.method = plan.voting.method.value
        first.budget, first.cap = default_rules(plan, plan.voting.method)
    tx.record(PlanChanged(changed))
    return {"fields": changed}


# --- the event's secrets ------------------------------------------------------------------------------


@command("secret.replace", p.ReplaceSecret)
def replace_secret(tx: Tx, cmd: p.ReplaceSecret):
    """The facilitator revokes a link that leaked: its secret is replaced, the old one opens nothing from now on
    and the screens it opened are cut (facilitation.realtime.notify). The answer carries the new secret, for the
    facilitator's console to show; the log says which link, never its secret."""
    require(tx.who.role, Action.RUN_EVENT)
    new = secrets.token_urlsafe(18)
    if cmd.secret == "table":
        table = tx.session.get(EventTable, cmd.table) if cmd.table else None
        if table is None:
            raise Refused("unknown_table")
        table.scribe_token = new
        tx.session.add(table)
    else:
        tx.session.merge(Setting(key=f"{cmd.secret}_token", value=new))
    tx.record(SecretReplaced(cmd.secret, cmd.table if cmd.secret == "table" else None))
    return {"secret": cmd.secret, "table": cmd.table if cmd.secret == "table" else None, "token": new}


# --- the room's participants -------------------------------------------------------------------------


@command("participant.remove", p.RemoveParticipant)
def remove_participant(tx: Tx, cmd: p.RemoveParticipant):
    """The facilitator takes out a participant who is no person in the room (one device minting voters, a
    phone left from a rehearsal): their seat frees up, their phone is signed out, and their dots, poll answers
    and question supports go with them; what they wrote stays, for moderation. The row stays too (marked
    removed), so the log and the ideas keep pointing at someone."""
    require(tx.who.role, Action.RUN_EVENT)
    person = tx.session.get(Participant, cmd.participant)
    if person is None or person.removed_at is not None:
        raise Refused("unknown_participant")
    dots = tx.session.exec(select(Dot).where(Dot.participant_id == person.id)).all()
    given = sum(max(dot.count, 0) for dot in dots)
    answers = tx.session.exec(select(PollAnswer).where(PollAnswer.participant_id == person.id)).all()
    supports = tx.session.exec(select(QuestionVote).where(QuestionVote.participant_id == person.id)).all()
    for support in supports:
        question = tx.session.get(Question, support.question_id)
        question.votes -= 1
        tx.session.add(question)
    for row in (*dots, *answers, *supports):
        tx.session.delete(row)
    for seat in tx.session.exec(select(SeatCode).where(SeatCode.participant_id == person.id)):
        seat.participant_id, seat.used_at = None, None  # the slip admits its real holder again
        tx.session.add(seat)
    person.removed_at = tx.now
    tx.session.add(person)
    tx.record(ParticipantRemoved(person.id, person.table_id, given, len(answers), len(supports)))
    return {"participant": person.id, "dots": given, "answers": len(answers), "supports": len(supports)}


# --- participants --------------------------------------------------------------------------------------

# Dots are checked and written in batches by facilitation.services.votes (no function here: fn is None).
COMMANDS["dot.place"] = (p.PlaceDot, None)
COMMANDS["dot.remove"] = (p.PlaceDot, None)
COMMANDS["ballot.cast"] = (p.CastBallot, None)


@command("profile.set", p.SetProfile)
def set_profile(tx: Tx, cmd: p.SetProfile):
    require(tx.who.role, Action.SET_PROFILE)
    if cmd.category and cmd.category not in {c.id for c in tx.plan.categories}:
        raise Refused("unknown_category", id=cmd.category)
    if cmd.zone and cmd.zone not in {z.id for z in tx.plan.zones}:
        raise Refused("unknown_zone", id=cmd.zone)
    participant = tx.session.get(Participant, tx.who.participant_id)
    participant.category, participant.zone = cmd.category or None, cmd.zone or None
    tx.record(ProfileSet(participant.id, participant.category, participant.zone))
    return {"category": participant.category, "zone": participant.zone}
