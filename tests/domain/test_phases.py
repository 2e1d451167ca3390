"""Rounds within a phase (World Café, 1-2-4-All) and their notes, against the domain alone."""

import pytest

from facilitation.domain.errors import Refused
from facilitation.domain.phases import check_harvest, check_step

# --- rounds within a phase (World Café, 1-2-4-All) ----------------------------------------------------------


def test_a_round_is_one_of_the_phase_s_own():
    check_step(3, 0)
    check_step(3, 2)
    for steps, step, code in ((3, 3, "unknown_step"), (3, -1, "unknown_step"), (0, 0, "no_steps")):
        with pytest.raises(Refused) as refused:
            check_step(steps, step)
        assert refused.value.code == code


def test_a_table_keeps_a_note_only_of_the_rounds_the_plan_asks_for():
    check_harvest(True)
    with pytest.raises(Refused) as refused:
        check_harvest(False)
    assert refused.value.code == "no_harvest"
