"""Voting rules (dots, 100 points, Borda, rounds), against the domain alone."""

import pytest

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Role
from facilitation.domain.ranking import rank
from facilitation.domain.voting import (
    Method,
    NextBallot,
    Rules,
    VoteState,
    ballot_order,
    check_cast,
    check_open,
    check_place,
    check_remove,
    next_ballot,
    require_ballot_editable,
    results_visible,
)

RULES = Rules(Method.DOTS, budget=5, cap=3)
POINTS = Rules(Method.POINTS, budget=100, cap=100)
BORDA = Rules(Method.BORDA, budget=3, cap=3)
BALLOT = {1, 2, 3}


def refused(fn, *args) -> str:
    with pytest.raises(Refused) as exc:
        fn(*args)
    return exc.value.code


def test_a_dot_within_budget_and_cap_is_allowed():
    check_place({1: 2, 2: 2}, 3, BALLOT, RULES, VoteState.OPEN)


def test_a_dot_beyond_the_budget_is_refused():
    assert refused(check_place, {1: 3, 2: 2}, 3, BALLOT, RULES, VoteState.OPEN) == "no_dots_left"


def test_a_dot_beyond_the_per_item_cap_is_refused():
    assert refused(check_place, {1: 3}, 1, BALLOT, RULES, VoteState.OPEN) == "item_cap_reached"


def test_a_dot_on_an_item_off_the_ballot_is_refused():
    assert refused(check_place, {}, 9, BALLOT, RULES, VoteState.OPEN) == "not_on_ballot"


@pytest.mark.parametrize("state", [VoteState.NOT_OPEN, VoteState.CLOSED])
def test_dots_move_only_while_the_vote_is_open(state):
    assert refused(check_place, {}, 1, BALLOT, RULES, state) == "vote_not_open"
    assert refused(check_remove, {1: 1}, 1, RULES, state) == "vote_not_open"


def test_removing_a_dot_that_is_not_there_is_refused():
    assert refused(check_remove, {2: 1}, 1, RULES, VoteState.OPEN) == "no_dot_here"


def test_a_vote_needs_two_items_to_open():
    assert refused(check_open, VoteState.NOT_OPEN, 1) == "ballot_too_small"
    check_open(VoteState.CLOSED, 2, reopen=True)  # a closed vote may be reopened, when asked for by name


def test_a_closed_vote_does_not_reopen_on_a_plain_open():
    assert refused(check_open, VoteState.CLOSED, 2) == "vote_closed"


def test_the_ballot_is_frozen_once_voting_opened():
    require_ballot_editable(VoteState.NOT_OPEN)
    assert refused(require_ballot_editable, VoteState.CLOSED) == "ballot_frozen"


def test_hidden_results_are_seen_by_staff_only_until_revealed():
    assert results_visible(Role.FACILITATOR, False, True)
    assert results_visible(Role.OBSERVER, False, True)
    assert not results_visible(Role.PROJECTOR, False, True)
    assert not results_visible(Role.PARTICIPANT, False, True)
    assert results_visible(Role.PARTICIPANT, True, True)


def test_a_plan_may_show_results_live():
    assert results_visible(Role.PROJECTOR, False, False)


def test_each_voter_gets_a_stable_ballot_order_of_their_own():
    items = list(range(1, 11))
    first = ballot_order("phone-a", items)
    assert first == ballot_order("phone-a", items) and sorted(first) == items
    orders = {tuple(ballot_order(f"phone-{n}", items)) for n in range(20)}
    assert len(orders) > 15


# --- whole ballots: 100 points and Borda ------------------------------------------------------------------


def test_a_hundred_points_must_add_up_to_a_hundred():
    assert check_cast(POINTS, BALLOT, VoteState.OPEN, {1: 60, 2: 40}, None) == {1: 60, 2: 40}
    assert check_cast(POINTS, BALLOT, VoteState.OPEN, {1: 100, 2: 0}, None) == {1: 100}
    assert refused(check_cast, POINTS, BALLOT, VoteState.OPEN, {1: 60, 2: 30}, None) == "points_must_total"
    assert refused(check_cast, POINTS, BALLOT, VoteState.OPEN, {1: 60, 2: 50}, None) == "points_must_total"
    assert check_cast(POINTS, BALLOT, VoteState.OPEN, {}, None) == {}  # nothing: the ballot is withdrawn


def test_points_stay_on_the_ballot_and_within_the_cap():
    assert refused(check_cast, POINTS, BALLOT, VoteState.OPEN, {9: 100}, None) == "not_on_ballot"
    capped = Rules(Method.POINTS, budget=100, cap=50)
    assert refused(check_cast, capped, BALLOT, VoteState.OPEN, {1: 60, 2: 40}, None) == "item_cap_reached"
    assert refused(check_cast, POINTS, BALLOT, VoteState.OPEN, None, [1, 2, 3]) == "points_needed"


def test_a_whole_dot_ballot_keeps_the_budget_and_the_cap_but_need_not_spend_it_all():
    assert check_cast(RULES, BALLOT, VoteState.OPEN, {1: 3, 2: 1}, None) == {1: 3, 2: 1}
    assert refused(check_cast, RULES, BALLOT, VoteState.OPEN, {1: 3, 2: 3}, None) == "no_dots_left"
    assert refused(check_cast, RULES, BALLOT, VoteState.OPEN, {1: 4}, None) == "item_cap_reached"


def test_borda_gives_k_points_to_the_first_down_to_one_for_the_last():
    assert check_cast(BORDA, {1, 2, 3, 4}, VoteState.OPEN, None, [4, 1, 3]) == {4: 3, 1: 2, 3: 1}


def test_a_borda_ranking_has_exactly_k_different_items_from_the_ballot():
    ballot = {1, 2, 3, 4}
    assert refused(check_cast, BORDA, ballot, VoteState.OPEN, None, [4, 1]) == "ranking_length"
    assert refused(check_cast, BORDA, ballot, VoteState.OPEN, None, [4, 4, 1]) == "ranking_repeats"
    assert refused(check_cast, BORDA, ballot, VoteState.OPEN, None, [4, 1, 9]) == "not_on_ballot"
    assert refused(check_cast, BORDA, ballot, VoteState.OPEN, {1: 3}, None) == "ranking_needed"
    assert check_cast(BORDA, ballot, VoteState.OPEN, None, []) == {}


def test_whole_ballots_are_cast_only_while_the_vote_is_open():
    assert refused(check_cast, POINTS, BALLOT, VoteState.CLOSED, {1: 100}, None) == "vote_not_open"


def test_single_dots_are_for_dot_rounds_only():
    assert refused(check_place, {}, 1, BALLOT, POINTS, VoteState.OPEN) == "whole_ballot_needed"
    assert refused(check_remove, {1: 1}, 1, BORDA, VoteState.OPEN) == "whole_ballot_needed"


def test_borda_totals_rank_like_dots():
    # three voters: [1, 2, 3], [2, 1, 3], [2, 3, 1] -> 1: 3+2+1, 2: 2+3+3, 3: 1+1+2
    totals = {}
    for order in ([1, 2, 3], [2, 1, 3], [2, 3, 1]):
        for item, points in check_cast(BORDA, {1, 2, 3}, VoteState.OPEN, None, order).items():
            totals[item] = totals.get(item, 0) + points
    assert [(p.rank, p.item, p.dots) for p in rank([1, 2, 3], totals)] == [(1, 2, 8), (2, 1, 6), (3, 3, 4)]


# --- the next round ----------------------------------------------------------------------------------------

PLACES = rank([1, 2, 3, 4, 5, 6], {1: 9, 2: 7, 3: 5, 4: 5, 5: 1})  # ranks 1, 2, 3, 3, 5, 6


def test_a_second_round_takes_the_top_n():
    assert next_ballot(PLACES, NextBallot.TOP, 2) == [1, 2]


def test_the_top_n_takes_every_item_tied_at_the_edge():
    assert next_ballot(PLACES, NextBallot.TOP, 3) == [1, 2, 3, 4]


def test_a_run_off_takes_the_items_tied_at_a_place():
    assert next_ballot(PLACES, NextBallot.TIE, 3) == [3, 4]
    assert next_ballot(PLACES, NextBallot.TIE, 4) == [3, 4]


def test_a_run_off_needs_a_tie():
    assert refused(next_ballot, PLACES, NextBallot.TIE, 1) == "no_tie"
    assert refused(next_ballot, PLACES, NextBallot.TIE, 9) == "no_tie"


def test_a_next_round_needs_two_items():
    assert refused(next_ballot, PLACES, NextBallot.TOP, 1) == "ballot_too_small"
    assert next_ballot(PLACES, NextBallot.SAME, 0) == [1, 2, 3, 4, 5, 6]
