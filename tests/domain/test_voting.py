"""Dot voting rules, against the domain alone."""
import pytest

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Role
from facilitation.domain.voting import (
    DotRules, VoteState, ballot_order, check_open, check_place, check_remove, require_ballot_editable, results_visible,
)

RULES = DotRules(dots_per_person=5, max_dots_per_item=3)
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
    assert refused(check_remove, {1: 1}, 1, state) == "vote_not_open"


def test_removing_a_dot_that_is_not_there_is_refused():
    assert refused(check_remove, {2: 1}, 1, VoteState.OPEN) == "no_dot_here"


def test_a_vote_needs_two_items_to_open():
    assert refused(check_open, VoteState.NOT_OPEN, 1) == "ballot_too_small"
    check_open(VoteState.CLOSED, 2, reopen=True)  # a closed vote may be reopened, when asked for by name


def test_a_closed_vote_does_not_reopen_on_a_plain_open():
    assert refused(check_open, VoteState.CLOSED, 2) == "vote_closed"


def test_the_ballot_is_frozen_once_voting_opened():
    require_ballot_editable(VoteState.NOT_OPEN)
    assert refused(require_ballot_editable, VoteState.CLOSED) == "ballot_frozen"


def test_hidden_results_are_seen_by_staff_only_until_revealed():
    assert results_visible(Role.FACILITATOR, False, RULES)
    assert results_visible(Role.OBSERVER, False, RULES)
    assert not results_visible(Role.PROJECTOR, False, RULES)
    assert not results_visible(Role.PARTICIPANT, False, RULES)
    assert results_visible(Role.PARTICIPANT, True, RULES)


def test_a_plan_may_show_results_live():
    assert results_visible(Role.PROJECTOR, False, DotRules(5, 3, hide_results_until_reveal=False))


def test_each_voter_gets_a_stable_ballot_order_of_their_own():
    items = list(range(1, 11))
    first = ballot_order("phone-a", items)
    assert first == ballot_order("phone-a", items) and sorted(first) == items
    orders = {tuple(ballot_order(f"phone-{n}", items)) for n in range(20)}
    assert len(orders) > 15
