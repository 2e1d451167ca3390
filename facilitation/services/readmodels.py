"""Read models: what each screen is shown. They only read; the projector and observers only ever call these."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlmodel import col, func, select, Session

from facilitation import labels
from facilitation.domain import ranking
from facilitation.domain.ideas import visible
from facilitation.domain.polls import PollKind, PollState
from facilitation.domain.polls import results as poll_results
from facilitation.domain.projector import shown
from facilitation.domain.questions import room_order
from facilitation.domain.roles import Role
from facilitation.domain.voting import ballot_order, results_visible
from facilitation.labels import table_labels
from facilitation.plan import Plan
from facilitation.services.audience import IDEAS, STAFF_AUDIENCE, audience, sees
from facilitation.services.commands import Principal
from facilitation.services.presenter import present
from facilitation.services.queries import (
    PRESENT,
    allocation,
    current_ballot,
    current_round,
    dots_view,
    emptied,
    focused_poll,
    headroom,
    joined_per_table,
    round_rules,
    round_totals,
)
from facilitation.store.models import (
    Alignment,
    Control,
    Dot,
    EventTable,
    Harvest,
    Idea,
    Participant,
    Poll,
    PollAnswer,
    Question,
    QuestionVote,
    SeatCode,
    Theme,
    VoteRound,
)


# An idea still on the wall: neither hidden by a moderator nor merged into another.
LIVE_IDEA = (Idea.hidden == False) & (Idea.merged_into == None) & (Idea.held == False)  # noqa: E711,E712


def event_tables(s: Session) -> list[EventTable]:
    return list(s.exec(select(EventTable).order_by(col(EventTable.id))))


def event_info(plan: Plan, tables: Iterable[EventTable]) -> dict:
    return {
        "id": plan.event.id,
        "title": plan.event.title,
        "subtitle": plan.event.subtitle,
        "languages": plan.event.languages,
        "axes": [{"id": a.id, "name": a.name, "color": a.color} for a in plan.axes],
        "tables": [
            {"id": t.id, "number": t.number, "online": t.online, "label": table_labels(plan, t.number, t.online)}
            for t in tables
        ],
        "table_size": plan.tables.size,
        "categories": [{"id": c.id, "name": c.name} for c in plan.categories],
        "zones": [{"id": z.id, "name": z.name} for z in plan.zones],
        "agenda": [
            {
                "id": ph.id,
                "kind": ph.kind.value,
                "title": ph.title,
                "minutes": ph.minutes,
                "prompt": ph.prompt,
                "steps": [step.model_dump() for step in ph.steps],
            }
            for ph in plan.agenda
        ],
        "voting": plan.voting.model_dump(),
        "idea_max_length": plan.ideas.max_length,
        "min_group": plan.privacy.min_group,
        "keep_months": plan.privacy.keep_months,
        "wall_cycle": WALL_CYCLE,  # the idea wall's cards, on the projector as in every phone's view of it
    }


def round_view(row: VoteRound) -> dict:
    how, n, source = row.origin.split(":") if row.origin else ("", "0", "0")
    return {
        "round": row.id,
        "state": row.state,
        "revealed": row.revealed,
        "method": row.method,
        "budget": row.budget,
        "cap": row.cap,
        "origin": {"ballot": how, "n": int(n), "from": int(source)} if how else None,
    }


def labelled(view: dict, plan: Plan) -> dict:
    """A round as screens show it: with its label in each of the event's languages (facilitation.labels)."""
    return {**view, "label": labels.round_labels(view, plan.event.languages)}


def control_view(s: Session, plan: Plan, control: Control) -> dict:
    """The live state every screen follows: the agenda, the timer, the vote's current round (and the earlier
    rounds, without their results), the projector, Q&A and moderation."""
    rounds = list(s.exec(select(VoteRound).order_by(col(VoteRound.id))))
    current = next(r for r in rounds if r.id == control.vote_round)
    focus = focused_poll(s)
    return {
        "phase": control.phase_index,
        "step": control.step_index,
        "timer": {"ends_at": control.timer_ends_at, "paused_left": control.timer_paused_left},
        "vote": labelled(round_view(current), plan),
        "rounds": [labelled(round_view(r), plan) for r in rounds],
        # `screen`: the facilitator's choice; `shown`: what the room sees (the choice, or what "auto" calls for);
        # `poll`: results the facilitator has just shown, which "auto" puts up
        "projector": {
            "screen": control.screen,
            "shown": shown_screen(s, plan, control, current, focus),
            "message": visible(control.message),
            "poll": focus,
        },
        "qa": {"open": control.qa_open, "premoderated": control.qa_premoderated},
        "ideas_premoderated": control.ideas_premoderated,
        "results_public": control.results_public,
        "server_time": time.time(),
    }


def shown_screen(s: Session, plan: Plan, control: Control, vote: VoteRound, focus: int | None) -> str:
    """What the room's screen shows now (domain.projector.shown), from the control row and the polls."""
    phase = plan.agenda[control.phase_index] if control.phase_index is not None else None
    steps = phase.steps if phase else []
    step = steps[control.step_index] if control.step_index is not None and control.step_index < len(steps) else None
    polls = {p.id: p for p in s.exec(select(Poll).where((Poll.state == PollState.OPEN.value) | (Poll.id == focus)))}
    return shown(
        control.screen,
        phase_index=control.phase_index,
        phase_kind=phase.kind if phase else None,
        round_prompt=bool(step and any(step.prompt.values())),
        vote_state=vote.state,
        vote_revealed=vote.revealed,
        poll_open=any(p.state == PollState.OPEN.value for p in polls.values()),
        poll_focused=focus in polls and polls[focus].revealed,
        qa_open=control.qa_open,
    )


def idea_view(idea: Idea, full: bool) -> dict:
    """Staff see everything; the others never receive the text of a hidden or merged idea."""
    gone = idea.hidden or idea.merged_into is not None or idea.held
    if gone and not full:
        return {"id": idea.id, "table": idea.table_id, "gone": True}
    # `visible`: ideas stored before controls were dropped on input must not reorder a screen either
    view = {
        "id": idea.id,
        "table": idea.table_id,
        "text": visible(idea.text),
        "axis": idea.axis,
        "kind": idea.kind,
        "starred": idea.starred,
        "theme": idea.theme_id,
        "at": idea.created_at,
        "gone": gone,
    }
    if full:
        view |= {
            "hidden": idea.hidden,
            "held": idea.held,
            "merged_into": idea.merged_into,
            "author": idea.author,
            "original": idea.original if idea.original != idea.text else None,
        }
        if idea.origin:  # imported from an earlier event: its id and the table it was written at
            view["origin"] = {"event": idea.origin.get("event", ""), "table": idea.origin.get("table", "")}
    return view


PHONE_IDEAS = 200  # a phone's snapshot carries its table's newest ideas, at most this many
IDEA_PAGE = 500  # any other screen's snapshot carries its first page of ideas; it asks for the next ones


def ideas(s: Session, full: bool, table_id: int | None = None, newest: int | None = None) -> list[dict]:
    """A screen's idea list: staff and scribes get every idea, others the live ones only; `newest`: only the
    latest that many, oldest first."""
    query = select(Idea).order_by(col(Idea.id).desc())
    if table_id is not None:
        query = query.where(Idea.table_id == table_id)
    if not full:
        query = query.where(LIVE_IDEA)
    if newest is not None:
        query = query.limit(newest)
    return [idea_view(i, full) for i in reversed(s.exec(query).all())]


def idea_page(s: Session, full: bool, table_id: int | None, after: int, size: int = IDEA_PAGE) -> dict:
    """The ideas a screen sees with ids above `after`, oldest first, at most `size`; `next`: the id to ask
    after for the following page, or None when this is the last."""
    query = select(Idea).where(Idea.id > after).order_by(col(Idea.id)).limit(size)
    if table_id is not None:
        query = query.where(Idea.table_id == table_id)
    if not full:
        query = query.where(LIVE_IDEA)
    rows = s.exec(query).all()
    return {"ideas": [idea_view(i, full) for i in rows], "next": rows[-1].id if len(rows) == size else None}


def live_ideas_at(s: Session, table_id: int) -> int:
    return s.exec(select(func.count()).select_from(Idea).where(Idea.table_id == table_id, LIVE_IDEA)).one()


def idea_rows(s: Session, ids: Iterable[int]) -> list[Idea]:
    return list(s.exec(select(Idea).where(col(Idea.id).in_(list(ids))).order_by(col(Idea.id))))


def themes(s: Session) -> list[dict]:
    counts = dict(
        s.exec(
            select(Idea.theme_id, func.count())
            .where(Idea.theme_id != None)  # noqa: E711
            .group_by(col(Idea.theme_id))
        ).all()
    )
    left_out = emptied(s)
    return [
        {
            "id": t.id,
            "title": visible(t.title),
            "titles": {lang: visible(text) for lang, text in t.titles.items()},
            "axis": t.axis,
            "on_ballot": t.on_ballot,
            "ideas": counts.get(t.id, 0),
            "emptied": t.id in left_out,
        }
        for t in s.exec(select(Theme).order_by(col(Theme.id)))
    ]


def questions(s: Session) -> list[dict]:
    """Every question in the room's order, with its status and where it came from (the staff's view; what the
    room is shown of it: facilitation.services.presenter)."""
    views = sorted(
        (
            {
                "id": q.id,
                "text": visible(q.text),
                "name": visible(q.name),
                "votes": q.votes,
                "pinned": q.pinned,
                "answered": q.answered,
                "speaker": visible(q.speaker),
                "at": q.created_at,
                "status": q.status,
                "table": q.table_id,
                "author": q.author.split(":")[0],
            }
            for q in s.exec(select(Question))
        ),
        key=room_order,
    )
    return views


def harvests(s: Session) -> list[dict]:
    """Every table's notes of the rounds at tables, for the staff and the table facilitators."""
    return [
        {"table": h.table_id, "phase": h.phase, "step": h.step, "text": visible(h.text), "at": h.at}
        for h in s.exec(select(Harvest).order_by(col(Harvest.phase), col(Harvest.step), col(Harvest.table_id)))
    ]


def alignments(s: Session) -> list[dict]:
    """Every mark against the zones' local plans, for the staff and the table facilitators."""
    return [
        {
            "id": a.id,
            "idea": a.idea_id,
            "theme": a.theme_id,
            "zone": a.zone,
            "verdict": a.verdict,
            "note": visible(a.note),
            "by": a.by.split(":")[0],
        }
        for a in s.exec(select(Alignment).order_by(col(Alignment.id)))
    ]


def polls(s: Session) -> list[dict]:
    """Every poll with its live results (the staff's view; what the room is shown of it:
    facilitation.services.presenter)."""
    views = []
    for poll in s.exec(select(Poll).order_by(col(Poll.id))):
        answers = [list(a) for a in s.exec(select(PollAnswer.choices).where(PollAnswer.poll_id == poll.id))]
        views.append(
            {
                "id": poll.id,
                "question": visible(poll.question),
                "kind": poll.kind,
                "options": [visible(o) for o in poll.options],
                "state": poll.state,
                "revealed": poll.revealed,
                "results": poll_results(PollKind(poll.kind), len(poll.options), answers),
            }
        )
    return views


def _places(places: list[ranking.Place]) -> list[dict]:
    """A ranking's places, each with its bar (`share`: its dots as a percentage of the first place's)."""
    bars = ranking.shares([p.dots for p in places])
    return [
        {"rank": p.rank, "theme": p.item, "dots": p.dots, "voters": p.voters, "share": bar}
        for p, bar in zip(places, bars, strict=True)
    ]


DotRows = list[tuple[int, int, int]]  # (participant, theme, dots)


def tally(
    s: Session,
    plan: Plan,
    breakdowns: bool,
    rows: DotRows | None = None,
    totals: ranking.Totals | None = None,
    row: VoteRound | None = None,
) -> dict:
    """The ranking of a round's ballot (the current round's unless `row` is given); with breakdowns by axis,
    table, channel, category and zone for staff, and the ranking of every round (`by_round`).
    `totals` and `rows`: the running totals and every participant's dots when the caller holds them (the vote
    book), else read here. The ranking needs only the totals; the breakdowns need the rows."""
    row = row or current_round(s)
    # before a round opens its ballot is the themes marked for it; from then on it is frozen in the round
    ballot = current_ballot(s, row)
    if rows is None and (totals is None or breakdowns):
        rows = list(
            s.exec(
                select(Dot.participant_id, Dot.theme_id, Dot.count).where(Dot.round_id == row.id, Dot.count > 0)
            ).all()
        )
    if totals is None:
        dots, voters_per = ranking.totals((theme, count) for _, theme, count in rows)
        totals = ranking.Totals(dots, voters_per, len({pid for pid, _, _ in rows}))
    dots, voters_per = totals.dots, totals.voters_per
    view: dict[str, Any] = {
        "round": row.id,
        "method": row.method,
        "ranking": _places(ranking.rank(ballot, dots, voters_per)),
        "voters": totals.voters,
        "dots": sum(dots.values()),
    }
    if not breakdowns:
        return view
    axis_of = dict(s.exec(select(Theme.id, Theme.axis)).all())
    view["by_axis"] = {
        axis.id: _places(ranking.rank([t for t in ballot if axis_of.get(t) == axis.id], dots, voters_per))
        for axis in plan.axes
    }
    # every participant's groups, as plain rows (an IN of the voters was compiled anew on every tick)
    people: dict[int, Any] = {
        p[0]: p for p in s.exec(select(Participant.id, Participant.table_id, Participant.category, Participant.zone))
    }
    online = {t.id: t.online for t in s.exec(select(EventTable))}
    groupings = {
        "by_table": lambda p: str(p.table_id),
        "by_channel": lambda p: "online" if online.get(p.table_id) else "room",
        "by_category": lambda p: p.category,
        "by_zone": lambda p: p.zone,
    }
    for name, group_of in groupings.items():
        grouped = ranking.breakdown(
            ballot, ((group_of(people[pid]), pid, theme, count) for pid, theme, count in rows), plan.privacy.min_group
        )
        view[name] = {group: _places(places) for group, places in grouped.items()}
    view["by_round"] = {
        str(r.id): _places(ranking.rank(r.ballot, *round_totals(s, r.id)))
        for r in s.exec(select(VoteRound).where(VoteRound.id < row.id).order_by(col(VoteRound.id)))
    }
    view["by_round"][str(row.id)] = view["ranking"]
    return view


def stats(s: Session) -> dict:
    per_table = joined_per_table(s)
    online_ids = set(s.exec(select(EventTable.id).where(EventTable.online == True)))  # noqa: E712
    ideas_count = s.exec(select(func.count()).select_from(Idea).where(LIVE_IDEA)).one()
    return {
        "participants": sum(per_table.values()),
        "online": sum(n for t, n in per_table.items() if t in online_ids),
        "per_table": {str(t): n for t, n in per_table.items()},
        "ideas": ideas_count,
        "voters": s.exec(
            select(func.count(func.distinct(Dot.participant_id))).where(
                Dot.round_id == s.get(Control, 1).vote_round, Dot.count > 0
            )
        ).one(),
    }


WALL_CYCLE = 36  # the idea wall's cards: the tables' starred ideas first, then the newest (a hall's 600 would
# be a 15-minute cycle nobody reads; all of them are on the console, the phones' own tables and the report)


def room_view(s: Session) -> dict:
    """What the room's screen shows that a phone is not otherwise sent, for its view of that screen: the wall's
    cards (WALL_CYCLE ideas from every table: the starred ones, then the newest), how many ideas each axis and
    each theme gathers (the most first, with its bar), how many people joined and voted. The same for every
    phone: nothing in it is personal, and all of it is on the room's projector already."""
    starred = list(
        s.exec(
            select(Idea)
            .where(LIVE_IDEA, Idea.starred == True)  # noqa: E712
            .order_by(col(Idea.id).desc())
            .limit(WALL_CYCLE)
        )
    )
    newest = s.exec(
        select(Idea)
        .where(LIVE_IDEA, Idea.starred == False)  # noqa: E712
        .order_by(col(Idea.id).desc())
        .limit(WALL_CYCLE - len(starred))
    )
    counted = select(func.count()).select_from(Idea).where(LIVE_IDEA)
    axes = dict(s.exec(select(Idea.axis, func.count()).where(LIVE_IDEA).group_by(col(Idea.axis))).all())
    gathered = dict(
        s.exec(
            select(Idea.theme_id, func.count())
            .where(LIVE_IDEA, Idea.theme_id != None)  # noqa: E711
            .group_by(col(Idea.theme_id))
        ).all()
    )
    themes = sorted(((t, gathered.get(t, 0)) for t in s.exec(select(Theme.id))), key=lambda x: (-x[1], x[0]))
    control = s.get(Control, 1)
    return {
        "wall": [idea_view(idea, full=False) for idea in [*starred, *newest]],
        "axes": axes,
        # every theme, the most gathered first, with its bar
        "themes": [
            {"theme": theme, "ideas": n, "share": bar}
            for (theme, n), bar in zip(themes, ranking.shares([n for _, n in themes]), strict=True)
        ],
        "ideas": s.exec(counted).one(),
        "participants": s.exec(select(func.count()).select_from(Participant).where(PRESENT)).one(),
        "voters": s.exec(
            select(func.count(func.distinct(Dot.participant_id))).where(
                Dot.round_id == control.vote_round, Dot.count > 0
            )
        ).one(),
    }


BURST_WINDOW = 60  # seconds: more joins than a table has seats within this window is flagged on the console


def seats(s: Session, plan: Plan, refused: dict[int | None, int]) -> dict:
    """For staff: phones joined per table against its capacity, joins in the last minute, joins refused."""
    spare = headroom(s, plan)
    since = time.time() - BURST_WINDOW
    joined = joined_per_table(s)
    recent = dict(
        s.exec(
            select(Participant.table_id, func.count())
            .where(Participant.joined_at >= since, PRESENT)
            .group_by(col(Participant.table_id))
        ).all()
    )
    codes = (
        dict(s.exec(select(SeatCode.table_id, func.count()).group_by(col(SeatCode.table_id))).all())
        if plan.tables.seat_codes
        else {}
    )
    rows = []
    for t in s.exec(select(EventTable).order_by(col(EventTable.id))):
        size = plan.tables.seats(t.online)
        # with seat codes, the codes are the seats
        capacity = codes[t.id] if t.id in codes else plan.tables.capacity(t.online, spare)
        row = {
            "id": t.id,
            "number": t.number,
            "online": t.online,
            "joined": joined.get(t.id, 0),
            "capacity": capacity,
            "last_minute": recent.get(t.id, 0),
            "refused": refused.get(t.id, 0),
        }
        row["burst"] = row["last_minute"] > size or row["refused"] > 0
        rows.append(row)
    return {
        "headroom": spare,
        "tables": rows,
        "online_refused": refused.get(None, 0),
        "crowd": crowd(s, plan, sum(joined.values())),
    }


def crowd(s: Session, plan: Plan, people: int) -> dict:
    """Who is in the room against the plan's target profile: counts per category and zone, never who.
    Shares are of the people who answered; `people` is everyone joined."""
    out: dict[str, Any] = {"people": people}
    for name, column, choices in (
        ("categories", Participant.category, plan.categories),
        ("zones", Participant.zone, plan.zones),
    ):
        counts = dict(
            s.exec(
                select(column, func.count())
                .where(column != None, PRESENT)  # noqa: E711
                .group_by(column)
            ).all()
        )
        answered = sum(counts.get(c.id, 0) for c in choices)
        out[name] = {
            "answered": answered,
            "groups": [
                {
                    "id": c.id,
                    "joined": counts.get(c.id, 0),
                    "target": c.target,
                    "share": round(100 * counts.get(c.id, 0) / answered, 1) if answered else None,
                }
                for c in choices
            ],
        }
    return out


def me(s: Session, plan: Plan, participant_id: int) -> dict:
    person = s.get(Participant, participant_id)
    row = current_round(s)
    return {
        "participant": participant_id,
        "table": person.table_id,
        "category": person.category,
        "zone": person.zone,
        **dots_view(round_rules(plan, row), allocation(s, participant_id, row.id)),
        "ballot_order": ballot_order(person.token, current_ballot(s, row)),
        "upvoted": sorted(
            s.exec(select(QuestionVote.question_id).where(QuestionVote.participant_id == participant_id))
        ),
        "poll_answers": {
            str(a.poll_id): a.choices
            for a in s.exec(select(PollAnswer).where(PollAnswer.participant_id == participant_id))
        },
    }


def live_ideas(s: Session, ungrouped: bool = False) -> list[Idea]:
    """The ideas on the wall (neither hidden, held nor merged), oldest first; with `ungrouped`, those in no
    theme yet: what the theme team still has to group."""
    query = select(Idea).where(LIVE_IDEA)
    if ungrouped:
        query = query.where(Idea.theme_id == None)  # noqa: E711
    return list(s.exec(query.order_by(col(Idea.id))))


def sees_results(who: Principal, row: VoteRound, plan: Plan) -> bool:
    """Whether `who` sees round `row`'s results now."""
    return results_visible(who.role, row.revealed, plan.voting.hide_results_until_reveal)


def snapshot(
    s: Session, plan: Plan, who: Principal, version: int, refused: Callable[[], dict[int | None, int]] = dict
) -> dict:
    """Everything one screen needs to draw itself from scratch, at `version`: the topics its audience is sent
    (facilitation.services.audience), plus the event, its own table and, for a phone, its own dots."""
    control = s.get(Control, 1)
    row = current_round(s)
    group = audience(who.role)
    tables = event_tables(s)
    view: dict[str, Any] = {"version": version, "role": who.role.value, "event": event_info(plan, tables)}
    scope, full = IDEAS[group]
    phone = who.role is Role.PARTICIPANT
    if phone:  # a phone's snapshot stays small however much its table wrote: the newest, and how many more
        view["ideas"] = ideas(s, full=full, table_id=who.table_id, newest=PHONE_IDEAS)
        view["ideas_more"] = (
            max(0, live_ideas_at(s, who.table_id) - len(view["ideas"])) if len(view["ideas"]) == PHONE_IDEAS else 0
        )
    else:  # a screen's snapshot stays small however many ideas there are: it asks for the rest in pages
        page = idea_page(s, full, who.table_id if scope == "own table" else None, after=0)
        view["ideas"], view["ideas_next"] = page["ideas"], page["next"]
    if scope == "own table":
        view["table"] = who.table_id
    if who.role is Role.PARTICIPANT:
        view["me"] = me(s, plan, who.participant_id)
    results_shown = sees_results(who, row, plan)
    staff = group == STAFF_AUDIENCE
    topics = {  # each topic's whole view (a room's tally without the staff's breakdowns), cut by the presenter
        "control": lambda: control_view(s, plan, control),
        "themes": lambda: themes(s),
        "tally": lambda: tally(s, plan, breakdowns=staff) if results_shown else None,
        "stats": lambda: stats(s),
        "seats": lambda: seats(s, plan, refused()),
        "questions": lambda: questions(s),
        "polls": lambda: polls(s),
        "alignments": lambda: alignments(s),
        "harvests": lambda: harvests(s),
    }
    view.update(
        {
            topic: present(topic, group, build(), results_shown=results_shown)
            for topic, build in topics.items()
            if sees(who.role, topic)
        }
    )
    return view
