"""Questions from the floor, against the domain alone."""

import pytest

from facilitation.domain.errors import Refused
from facilitation.domain.questions import Status, check_upvote, clean_name, clean_question, first_status, room_order


def refused(fn, *args) -> str:
    with pytest.raises(Refused) as exc:
        fn(*args)
    return exc.value.code


def test_one_upvote_per_participant_and_it_can_be_taken_back():
    check_upvote(Status.SHOWN, False, True)
    assert refused(check_upvote, Status.SHOWN, True, True) == "already_upvoted"
    check_upvote(Status.SHOWN, True, False)
    assert refused(check_upvote, Status.SHOWN, False, False) == "not_upvoted"


def test_a_question_the_room_cannot_see_cannot_be_upvoted():
    assert refused(check_upvote, Status.PENDING, False, True) == "unknown_question"
    assert refused(check_upvote, Status.HIDDEN, False, True) == "unknown_question"


def test_pre_moderation_holds_participants_questions_not_the_staffs():
    assert first_status(True, True) is Status.PENDING
    assert first_status(True, False) is Status.SHOWN
    assert first_status(False, True) is Status.SHOWN


def test_the_room_sees_pinned_first_then_by_upvotes_and_answered_last():
    def q(id_, votes, pinned=False, answered=False):
        return {"id": id_, "votes": votes, "pinned": pinned, "answered": answered}

    ordered = sorted([q(1, 3), q(2, 9, answered=True), q(3, 1, pinned=True), q(4, 3), q(5, 7)], key=room_order)
    assert [x["id"] for x in ordered] == [3, 5, 1, 4, 2]


def test_a_question_is_a_question_and_a_name_is_optional():
    assert clean_question("  Quando  arriva la   metro 2? ") == "Quando arriva la metro 2?"
    assert refused(clean_question, "x" * 301) == "text_too_long"
    assert refused(clean_question, "?") == "text_too_short"
    assert clean_name(None) == "" and clean_name("  Anna \u202e B. ") == "Anna B."
    assert refused(clean_name, "n" * 61) == "text_too_long"
