"""Reads shared by the commands, the vote book and the read models: the rules in force and small counts."""
from __future__ import annotations

from sqlmodel import Session, func, select

from facilitation.domain import voting
from facilitation.plan import Plan
from facilitation.store.models import Dot, Participant, Setting, Theme


def dot_rules(plan: Plan) -> voting.DotRules:
    v = plan.voting
    return voting.DotRules(v.dots_per_person, v.max_dots_per_item, v.hide_results_until_reveal)


def headroom(session: Session, plan: Plan) -> int:
    """Phones each table and online group takes beyond its seats: the plan's, or the facilitator's since."""
    row = session.get(Setting, "headroom")
    return int(row.value) if row else plan.tables.headroom


def joined_per_table(session: Session) -> dict[int, int]:
    return dict(session.exec(select(Participant.table_id, func.count()).group_by(Participant.table_id)).all())


def ballot_ids(session: Session) -> list[int]:
    return list(session.exec(select(Theme.id).where(Theme.on_ballot == True).order_by(Theme.id)))  # noqa: E712


def allocation(session: Session, participant_id: int) -> dict[int, int]:
    rows = session.exec(select(Dot).where(Dot.participant_id == participant_id, Dot.count > 0))
    return {dot.theme_id: dot.count for dot in rows}


def dots_view(plan: Plan, mine: dict[int, int]) -> dict:
    """A participant's dots as phones see them: per theme (string keys, as JSON has them) and how many are left."""
    return {"dots": {str(k): v for k, v in mine.items()}, "left": plan.voting.dots_per_person - sum(mine.values())}
