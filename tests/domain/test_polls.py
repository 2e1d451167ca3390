"""Quick polls, against the domain alone."""

import pytest

from facilitation.domain.errors import Refused
from facilitation.domain.polls import PollKind, PollState, check_answer, check_options, results


def refused(fn, *args) -> str:
    with pytest.raises(Refused) as exc:
        fn(*args)
    return exc.value.code


def test_a_choice_poll_needs_two_to_eight_answers_and_a_scale_none():
    assert check_options(PollKind.SINGLE, ["  Sì ", "No", " "]) == ["Sì", "No"]
    assert refused(check_options, PollKind.SINGLE, ["Solo una"]) == "poll_options"
    assert refused(check_options, PollKind.MULTIPLE, [f"r{n}" for n in range(9)]) == "poll_options"
    assert check_options(PollKind.SCALE, ["ignored"]) == []


def test_answers_fit_the_kind_of_poll():
    assert check_answer(PollKind.SINGLE, PollState.OPEN, 3, [2]) == [2]
    assert refused(check_answer, PollKind.SINGLE, PollState.OPEN, 3, [0, 1]) == "poll_answer"
    assert check_answer(PollKind.MULTIPLE, PollState.OPEN, 3, [2, 0, 2]) == [0, 2]
    assert refused(check_answer, PollKind.MULTIPLE, PollState.OPEN, 3, [3]) == "poll_answer"
    assert check_answer(PollKind.SCALE, PollState.OPEN, 0, [4]) == [4]
    assert refused(check_answer, PollKind.SCALE, PollState.OPEN, 0, [0]) == "poll_answer"
    assert refused(check_answer, PollKind.SINGLE, PollState.CLOSED, 3, [1]) == "poll_not_open"


def test_results_count_each_option_and_the_scale_has_a_mean():
    assert results(PollKind.MULTIPLE, 3, [[0, 2], [2], [1, 2]]) == {
        "counts": [1, 1, 3],
        "shares": [33.3, 33.3, 100.0],
        "answers": 3,
    }
    assert results(PollKind.SCALE, 0, [[4], [5], [3]]) == {
        "counts": [0, 0, 1, 1, 1],
        "shares": [0.0, 0.0, 100.0, 100.0, 100.0],
        "answers": 3,
        "mean": 4.0,
    }
    assert results(PollKind.SCALE, 0, [])["mean"] is None
