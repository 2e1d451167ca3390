"""Dot voting at burst speed: the vote's state is held in memory, and dots are checked there and written in
batches with plain SQL, many commands to one transaction.

Three hundred phones tap in the same two seconds when the vote opens. Through the ORM a dot cost nine
statements and a commit; here a batch of dots costs three `executemany` and one commit. The rules are the
domain's (`facilitation.domain.voting`), applied to the same allocations the database holds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlmodel import Session, select

from facilitation.domain import ranking
from facilitation.domain.errors import Refused
from facilitation.domain.events import BallotCast, DotPlaced, DotRemoved
from facilitation.domain.roles import Action, require
from facilitation.domain.voting import Rules, VoteState, check_cast, check_place, check_remove
from facilitation.plan import Plan
from facilitation.services.queries import current_ballot, current_round, dots_view, round_rules
from facilitation.services.writer import Job
from facilitation.store.models import Dot
from facilitation.store.unit import Unit

DOT_COMMANDS = {"dot.place": +1, "dot.remove": -1}


@dataclass
class VoteBook:
    """What checking a dot needs, for the round in progress: its state, rules and ballot, every participant's dots
    (or points) by theme; and the running totals the screens show (dots and voters per theme, voters in all),
    kept as dots are written so that a screen tick costs the same with one voter or a thousand."""

    round: int
    rules: Rules
    state: VoteState
    ballot: frozenset[int]
    allocations: dict[int, dict[int, int]]
    totals: ranking.Totals | None = None

    def __post_init__(self):
        if self.totals is None:
            dots, voters_per = ranking.totals(
                (theme, n) for mine in self.allocations.values() for theme, n in mine.items()
            )
            self.totals = ranking.Totals(dots, voters_per, sum(1 for mine in self.allocations.values() if mine))

    @classmethod
    def load(cls, s: Session, plan: Plan) -> "VoteBook":
        row = current_round(s)
        allocations: dict[int, dict[int, int]] = {}
        for dot in s.exec(select(Dot).where(Dot.round_id == row.id, Dot.count > 0)):
            allocations.setdefault(dot.participant_id, {})[dot.theme_id] = dot.count
        return cls(row.id, round_rules(plan, row), VoteState(row.state), frozenset(current_ballot(s, row)), allocations)

    def apply(self, changed: dict[int, dict[int, int]]) -> None:
        """Take a committed batch's allocations. The totals are replaced whole, never changed in place, so a
        screen reading them meanwhile sees the state before or after the batch, nothing in between."""
        dots, voters_per, voters = dict(self.totals.dots), dict(self.totals.voters_per), self.totals.voters
        for pid, mine in changed.items():
            before = self.allocations.get(pid, {})
            for theme in before.keys() | mine.keys():
                old, new = before.get(theme, 0), mine.get(theme, 0)
                dots[theme] = dots.get(theme, 0) + new - old
                voters_per[theme] = voters_per.get(theme, 0) + (new > 0) - (old > 0)
            voters += bool(mine) - bool(before)
            self.allocations[pid] = mine
        self.totals = ranking.Totals(
            {t: n for t, n in dots.items() if n}, {t: n for t, n in voters_per.items() if n}, voters
        )


@dataclass
class DotBatch:
    """What one batch did: each job's answer, the events to publish, the new allocations."""

    answers: list[tuple[Job, Refused | dict]]  # each job's answer: its result, or why it was refused
    events: list
    allocations: dict[int, dict[int, int]]


@functools.cache
def _upsert(dialect: str):
    """The batch's statement for the counts, built once: SQLAlchemy then reuses its compiled form."""
    table = Dot.__table__  # type: ignore[attr-defined]
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert  # type: ignore[assignment]
    else:  # pragma: no cover - the two databases this app supports
        raise RuntimeError(f"no upsert for {dialect}")
    statement = upsert(table)
    return statement.on_conflict_do_update(
        index_elements=["participant_id", "round_id", "theme_id"],
        set_={"count": table.c.count + statement.excluded.count},
    )


def _checked(book: VoteBook, name: str, cmd, who: int, mine: dict[int, int]) -> tuple[dict[int, int], object]:
    """Participant `who`'s new allocation after one command, and the event saying so; raises Refused."""
    if name == "ballot.cast":
        points = None if cmd.points is None else {int(k): n for k, n in cmd.points.items()}
        new = check_cast(book.rules, book.ballot, book.state, points, cmd.order)
        return new, BallotCast(who, book.round, {str(k): n for k, n in new.items()})
    delta = DOT_COMMANDS[name]
    if delta > 0:
        check_place(mine, cmd.theme, book.ballot, book.rules, book.state)
    else:
        check_remove(mine, cmd.theme, book.rules, book.state)
    new = dict(mine)
    new[cmd.theme] = new.get(cmd.theme, 0) + delta
    if not new[cmd.theme]:
        del new[cmd.theme]
    return new, (DotPlaced if delta > 0 else DotRemoved)(who, cmd.theme, book.round)


def write_dots(unit: Unit, book: VoteBook, jobs: list[Job], now: float) -> DotBatch:
    """Check each dot (or whole ballot) against the book and the batch's earlier ones, write the accepted ones as
    changes of each count, logged and remembered in the writer's unit of work (facilitation.store.unit), which
    commits them."""
    applied = unit.applied()
    retried = [job.payload["key"] for job in jobs if job.payload["key"] in applied]
    done = unit.answered(retried) if retried else {}
    changed: dict[int, dict[int, int]] = {}
    answers, events, dots = [], [], []
    for job in jobs:
        who, cmd, key, digest = (job.payload[k] for k in ("who", "cmd", "key", "digest"))
        if key in done:  # a retry: the first answer again, or a different request under a used id
            prior_digest, prior = done[key]
            answers.append((job, Refused("id_reused") if prior_digest != digest else {**prior, "replayed": True}))
            continue
        try:
            require(who.role, Action.CAST_DOT)
            # the batch's own allocation when it already changed (an emptied one too), else the book's
            mine = (
                changed[who.participant_id]
                if who.participant_id in changed
                else book.allocations.get(who.participant_id, {})
            )
            new, event = _checked(book, job.payload["name"], cmd, who.participant_id, mine)
        except Refused as refused:
            answers.append((job, refused))
            continue
        changed[who.participant_id] = new
        events.append(event)
        # a ballot sent again unchanged changes no count, but is answered and logged all the same
        result = {**dots_view(book.rules, new), "round": book.round, "version": unit.append(who.actor, [event], now)}
        done[key] = (digest, result)
        unit.remember(key, job.payload["name"], digest, result, now)
        dots += [
            {
                "participant_id": who.participant_id,
                "round_id": book.round,
                "theme_id": theme,
                "count": new.get(theme, 0) - mine.get(theme, 0),
            }
            for theme in sorted(mine.keys() | new.keys())
            if new.get(theme, 0) != mine.get(theme, 0)
        ]
        answers.append((job, result))
    if dots:
        unit.session.execute(_upsert(unit.session.get_bind().dialect.name), dots)
    return DotBatch(answers, events, changed)
