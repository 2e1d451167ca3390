"""Permissions, phase gates, idea text and the timer."""

import pytest

from facilitation.domain.errors import Refused
from facilitation.domain.ideas import check_merge, clean_text
from facilitation.domain.phases import PhaseKind, Timer, require_idea_capture
from facilitation.domain.roles import Action, Role, allowed, require, require_idea_moderation


def test_the_projector_and_observer_can_do_nothing_but_look():
    for action in Action:
        assert not allowed(Role.PROJECTOR, action)
    assert [a for a in Action if allowed(Role.OBSERVER, a)] == [Action.SEE_EVERYTHING, Action.EXPORT]


def test_only_participants_cast_dots():
    require(Role.PARTICIPANT, Action.CAST_DOT)
    for role in set(Role) - {Role.PARTICIPANT}:
        with pytest.raises(Refused):
            require(role, Action.CAST_DOT)


def test_a_scribe_moderates_only_its_own_table():
    require_idea_moderation(Role.SCRIBE, 3, 3)
    with pytest.raises(Refused, match="not_your_table"):
        require_idea_moderation(Role.SCRIBE, 3, 4)
    require_idea_moderation(Role.THEME, None, 4)
    with pytest.raises(Refused, match="forbidden"):
        require_idea_moderation(Role.PARTICIPANT, 3, 3)


@pytest.mark.parametrize("kind", [None, PhaseKind.PLENARY, PhaseKind.VOTING, PhaseKind.CLUSTERING])
def test_phones_and_scribes_add_ideas_only_during_capture(kind):
    for role in (Role.PARTICIPANT, Role.SCRIBE):
        with pytest.raises(Refused, match="ideas_closed"):
            require_idea_capture(role, kind)
    require_idea_capture(Role.FACILITATOR, kind)


def test_idea_text_is_trimmed_and_bounded():
    assert clean_text("  more   trains \n\n\n\n to Susa  ", 100) == "more trains\n\nto Susa"
    with pytest.raises(Refused, match="text_too_short"):
        clean_text("  a ", 100)
    with pytest.raises(Refused) as exc:
        clean_text("x" * 101, 100)
    assert exc.value.params == {"max": 100, "length": 101}


def test_merges_do_not_chain():
    check_merge(1, None, 2, None)
    for args, code in [
        ((1, None, 1, None), "merge_into_itself"),
        ((1, 5, 2, None), "already_merged"),
        ((1, None, 2, 7), "merge_target_merged"),
    ]:
        with pytest.raises(Refused, match=code):
            check_merge(*args)


def test_the_timer_counts_down_pauses_resumes_and_extends():
    timer = Timer.start(600, now=1000)
    assert timer.left(1100) == 500
    paused = timer.pause(1100)
    assert paused.left(5000) == 500 and not paused.running
    resumed = paused.resume(2000)
    assert resumed.left(2100) == 400
    assert resumed.add(60, 2100).left(2100) == 460
    assert timer.left(9999) == 0
    with pytest.raises(Refused, match="timer_not_paused"):
        timer.resume(1100)
