"""Voting in rounds: each round has its ballot and its method (dots, 100 points, or ranking the top k by Borda
count), its states and who sees its results; a next round takes the top of the last one, or its tie."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.ranking import Place
from facilitation.domain.roles import Action, Role, allowed


class VoteState(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


class Method(StrEnum):
    DOTS = "dots"  # `budget` dots, at most `cap` on one item, given one at a time
    POINTS = "points"  # exactly `budget` points (100) shared out, at most `cap` on one item, sent whole
    BORDA = "borda"  # the top `budget` items in order, sent whole: the first gets `budget` points, the last 1


@dataclass(frozen=True)
class Rules:
    """A round's rules. Every method stores what each person gives each item as a number (dots, points, Borda
    points), so one ranking, one breakdown and one export serve them all."""

    method: Method
    budget: int
    cap: int
    hide_results_until_reveal: bool = True


def require_open(state: VoteState) -> None:
    if state is not VoteState.OPEN:
        raise Refused("vote_not_open")


def check_place(allocation: Mapping[int, int], item: int, ballot: Set[int], rules: Rules, state: VoteState) -> None:
    """A dot may go on a ballot item while the vote is open, within the budget and the per-item cap."""
    require_open(state)
    if rules.method is not Method.DOTS:
        raise Refused("whole_ballot_needed")
    if item not in ballot:
        raise Refused("not_on_ballot")
    if sum(allocation.values()) >= rules.budget:
        raise Refused("no_dots_left", budget=rules.budget)
    if allocation.get(item, 0) >= rules.cap:
        raise Refused("item_cap_reached", cap=rules.cap)


def check_remove(allocation: Mapping[int, int], item: int, rules: Rules, state: VoteState) -> None:
    require_open(state)
    if rules.method is not Method.DOTS:
        raise Refused("whole_ballot_needed")
    if allocation.get(item, 0) <= 0:
        raise Refused("no_dot_here")


def check_cast(
    rules: Rules, ballot: Set[int], state: VoteState, points: Mapping[int, int] | None, order: Sequence[int] | None
) -> dict[int, int]:
    """A whole ballot at once: what it gives each item, replacing the voter's earlier one. Nothing (no points,
    an empty order) withdraws it. Dots: within the budget and the cap. Points: exactly the budget, within the cap.
    Borda: `budget` different items in order of preference, scored budget, budget - 1, ... 1."""
    require_open(state)
    if rules.method is Method.BORDA:
        if points is not None or order is None:
            raise Refused("ranking_needed", n=rules.budget)
        if len(set(order)) != len(order):
            raise Refused("ranking_repeats")
        if any(item not in ballot for item in order):
            raise Refused("not_on_ballot")
        if order and len(order) != rules.budget:
            raise Refused("ranking_length", n=rules.budget)
        return {item: rules.budget - place for place, item in enumerate(order)}
    if order is not None or points is None:
        raise Refused("points_needed")
    given = {item: n for item, n in points.items() if n}
    if any(item not in ballot for item in given):
        raise Refused("not_on_ballot")
    if any(n < 0 for n in given.values()):
        raise Refused("invalid_payload", fields="points")
    if any(n > rules.cap for n in given.values()):
        raise Refused("item_cap_reached", cap=rules.cap)
    total = sum(given.values())
    if rules.method is Method.DOTS and total > rules.budget:
        raise Refused("no_dots_left", budget=rules.budget)
    if rules.method is Method.POINTS and given and total != rules.budget:
        raise Refused("points_must_total", total=rules.budget, given=total)
    return given


def check_open(state: VoteState, ballot_size: int, reopen: bool = False) -> None:
    """A closed vote opens again only when the facilitator asks to reopen it: a stray "open" (a second tab, a
    stale button) must not let the room change its dots after the results were seen."""
    if state is VoteState.OPEN:
        raise Refused("vote_already_open")
    if state is VoteState.CLOSED and not reopen:
        raise Refused("vote_closed")
    if ballot_size < 2:
        raise Refused("ballot_too_small", min=2)


def check_close(state: VoteState) -> None:
    if state is not VoteState.OPEN:
        raise Refused("vote_not_open")


def require_ballot_editable(state: VoteState) -> None:
    """No new options once voting has opened (dot-voting hygiene)."""
    if state is not VoteState.NOT_OPEN:
        raise Refused("ballot_frozen")


def results_visible(role: Role, revealed: bool, hide_until_reveal: bool) -> bool:
    """Staff and observers always see the tally; everyone else only once revealed (or if the plan shows it live)."""
    return allowed(role, Action.SEE_EVERYTHING) or revealed or not hide_until_reveal


class NextBallot(StrEnum):
    TOP = "top"  # the items placed in the top n (all of them when a tie straddles place n)
    TIE = "tie"  # a run-off between the items tied at place n
    SAME = "same"  # the same ballot again (to be edited before it opens)


def next_ballot(places: Sequence[Place], how: NextBallot, n: int) -> list[int]:
    """The ballot of the round after a closed one, from that round's ranking (competition ranks: 1, 2, 2, 4)."""
    if how is NextBallot.SAME:
        items = [p.item for p in places]
    elif how is NextBallot.TOP:
        items = [p.item for p in places if p.rank <= n]
    else:
        if not 1 <= n <= len(places):
            raise Refused("no_tie", place=n)
        at = places[n - 1].rank
        items = [p.item for p in places if p.rank == at]
        if len(items) < 2:
            raise Refused("no_tie", place=n)
    if len(items) < 2:
        raise Refused("ballot_too_small", min=2)
    return sorted(items)


def ballot_order(voter_key: str, items: Sequence[int]) -> list[int]:
    """The ballot in an order of its own for each voter (against order bias), stable across reloads."""
    seed = int.from_bytes(hashlib.sha256(voter_key.encode()).digest()[:8], "big")
    order = sorted(items)
    random.Random(seed).shuffle(order)
    return order
