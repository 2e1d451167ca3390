"""Reads shared by the commands, the vote book and the read models: the rules in force and small counts."""

from __future__ import annotations

from sqlmodel import col, func, select, Session

from facilitation.domain import voting
from facilitation.plan import Plan
from facilitation.planedit import Locks
from facilitation.store.models import Control, Dot, Harvest, Idea, Participant, Question, Setting, Theme, VoteRound


def control(session: Session) -> Control:
    """The event's one control row: its phase, step, timer, vote round and switches."""
    return session.get(Control, 1)


def current_round(session: Session) -> VoteRound:
    return session.get(VoteRound, session.get(Control, 1).vote_round)


def round_rules(plan: Plan, row: VoteRound) -> voting.Rules:
    return voting.Rules(voting.Method(row.method), row.budget, row.cap, plan.voting.hide_results_until_reveal)


def default_rules(plan: Plan, method: voting.Method) -> tuple[int, int]:
    """A new round's budget and cap for `method`, from the plan (Borda's budget shrinks to the ballot on opening)."""
    v = plan.voting
    if method is voting.Method.POINTS:
        return v.points, v.points
    if method is voting.Method.BORDA:
        return v.rank_top, v.rank_top
    return v.dots_per_person, v.max_dots_per_item


def headroom(session: Session, plan: Plan) -> int:
    """Phones each table and online group takes beyond its seats: the plan's, or the facilitator's since."""
    row = session.get(Setting, "headroom")
    return int(row.value) if row else plan.tables.headroom


POLL_FOCUS = "poll_focus"  # setting: the poll whose results the facilitator has just shown (commands.focus_poll)


def focused_poll(session: Session) -> int | None:
    row = session.get(Setting, POLL_FOCUS)
    return int(row.value) if row else None


PRESENT = Participant.removed_at == None  # noqa: E711  (participants the staff did not take out)


def joined_per_table(session: Session) -> dict[int, int]:
    return dict(
        session.exec(
            select(Participant.table_id, func.count()).where(PRESENT).group_by(col(Participant.table_id))
        ).all()
    )


def emptied(session: Session) -> set[int]:
    """Themes that had ideas and that regrouping left with none: flagged on the console, and out of the ballot
    and the report until they have ideas again (a theme made by title alone is not emptied)."""
    has_ideas = select(Idea.theme_id).where(Idea.theme_id != None).distinct()  # noqa: E711
    return set(session.exec(select(Theme.id).where(Theme.grouped == True, col(Theme.id).not_in(has_ideas))))  # noqa: E712


def ballot_ids(session: Session) -> list[int]:
    """The ballot as the theme team has it now: the themes marked for it, less the emptied ones."""
    left_out = emptied(session)
    marked = session.exec(select(Theme.id).where(Theme.on_ballot == True).order_by(col(Theme.id)))  # noqa: E712
    return [theme for theme in marked if theme not in left_out]


def current_ballot(session: Session, row: VoteRound) -> list[int]:
    """A round's ballot: frozen in the round once it opened, the theme team's until then."""
    return list(row.ballot) if row.state != "not_open" else ballot_ids(session)


def round_totals(session: Session, round_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """A round's dots (or points) per theme and voters per theme, counted in the database."""
    rows = session.exec(
        select(Dot.theme_id, func.sum(Dot.count), func.count())
        .where(Dot.round_id == round_id, Dot.count > 0)
        .group_by(col(Dot.theme_id))
    ).all()
    return {theme: int(dots) for theme, dots, _ in rows}, {theme: voters for theme, _, voters in rows}


def allocation(session: Session, participant_id: int, round_id: int) -> dict[int, int]:
    rows = session.exec(
        select(Dot).where(Dot.participant_id == participant_id, Dot.round_id == round_id, Dot.count > 0)
    )
    return {dot.theme_id: dot.count for dot in rows}


def dots_view(rules: voting.Rules, mine: dict[int, int]) -> dict:
    """A participant's ballot as phones see it: what each theme got (string keys, as JSON has them) and, for dots
    and points, how many are left to give."""
    return {
        "dots": {str(k): v for k, v in mine.items()},
        "left": 0 if rules.method is voting.Method.BORDA and mine else rules.budget - sum(mine.values()),
    }


def plan_locks(session: Session) -> Locks:
    """What the event's data holds on to, for the plan's form (facilitation.planedit decides what that locks)."""
    people = session.exec(select(Participant.table_id, Participant.category, Participant.zone)).all()
    used_tables = {row[0] for row in people}
    for model in (Idea, Question):
        used_tables |= set(session.exec(select(model.table_id).where(col(model.table_id).is_not(None)).distinct()))
    used_tables |= set(session.exec(select(Harvest.table_id).distinct()))
    axes = set(session.exec(select(Idea.axis).distinct())) | set(
        session.exec(select(Theme.axis).where(col(Theme.axis).is_not(None)).distinct())
    )
    chosen = {("categories", row[1]) for row in people if row[1]} | {("zones", row[2]) for row in people if row[2]}
    opened = session.exec(select(func.count()).select_from(VoteRound).where(VoteRound.state != "not_open")).one()
    return Locks(
        joined=bool(people),
        axes=frozenset(axes),
        chosen=frozenset(chosen),
        tables=frozenset(used_tables),
        phase=control(session).phase_index,
        voting=bool(opened) or session.exec(select(func.count()).select_from(Dot)).one() > 0,
    )
