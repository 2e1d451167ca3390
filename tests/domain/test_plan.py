"""Session plans: the demo is complete, and every mistake names the file, the field and the problem."""

from pathlib import Path

import pytest

from facilitation.domain.phases import PhaseKind
from facilitation.plan import PlanError, load_plan

DEMO = Path(__file__).resolve().parents[2] / "sessions" / "psm-torino-2024.toml"


def test_the_demo_plan_carries_the_psm():
    plan = load_plan(DEMO)
    assert plan.event.languages == ["it", "en"]
    assert [a.name["it"] for a in plan.axes][2] == "Mobilità sostenibile"
    assert len(plan.axes) == 6 and all(a.name["en"] for a in plan.axes)
    assert (plan.tables.count, plan.tables.size, plan.tables.online_groups) == (30, 10, 3)
    assert [c.id for c in plan.categories] == ["istituzioni", "stakeholder", "cittadini"]
    assert len(plan.zones) == 11 and plan.zones[10].name["it"] == "11 · Chierese - Carmagnolese"
    assert {p.kind for p in plan.agenda} >= {PhaseKind.CAPTURE, PhaseKind.CLUSTERING, PhaseKind.VOTING}
    assert (plan.voting.dots_per_person, plan.voting.max_dots_per_item) == (5, 3)
    assert plan.voting.hide_results_until_reveal


def broken(tmp_path, old: str, new: str) -> str:
    text = DEMO.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PlanError) as exc:
        load_plan(path)
    message = str(exc.value)
    assert str(path) in message
    return message


def test_a_missing_translation_is_named(tmp_path):
    message = broken(tmp_path, 'en = "Sustainable mobility"', 'de = "Nachhaltige Mobilität"')
    assert "axes[2].name: missing text for language(s) en" in message


def test_a_misspelt_field_is_named(tmp_path):
    message = broken(tmp_path, "dots_per_person = 5", "dot_per_person = 5")
    assert "voting.dots_per_person: Field required" in message
    assert "voting.dot_per_person: unknown field (check the spelling)" in message


def test_a_cap_above_the_budget_is_refused(tmp_path):
    assert "voting: max_dots_per_item cannot exceed dots_per_person" in broken(
        tmp_path, "max_dots_per_item = 3", "max_dots_per_item = 9"
    )


def test_an_unknown_phase_kind_is_named(tmp_path):
    assert "agenda[2].kind: Input should be" in broken(tmp_path, 'kind = "capture"', 'kind = "brainstorm"')


def test_duplicate_axis_ids_are_refused(tmp_path):
    assert "axes: duplicate id(s) verde" in broken(tmp_path, 'id = "digitale"', 'id = "verde"')


def test_a_bad_colour_is_named(tmp_path):
    assert "axes[0].color" in broken(tmp_path, 'color = "#1f6fb2"', 'color = "blue"')


def test_invalid_toml_is_reported_with_its_line(tmp_path):
    assert "not valid TOML" in broken(tmp_path, "[voting]", "[voting")


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(PlanError, match="cannot read the plan file"):
        load_plan(tmp_path / "nope.toml")


def test_a_target_profile_adds_up_to_100_and_covers_every_group(tmp_path):
    assert "categories: the targets add up to 90%, not 100%" in broken(tmp_path, "target = 40", "target = 30")
    text = DEMO.read_text(encoding="utf-8").replace("target = 40\n", "", 1)
    path = tmp_path / "no-target.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as exc:
        load_plan(path)
    assert "categories: a target is given for some but not for cittadini" in str(exc.value)


def test_the_launch_plan_runs_a_round_table_a_world_cafe_and_a_one_two_four_all(tmp_path):
    launch = DEMO.with_name("psm-torino-lancio.toml")
    plan = load_plan(launch)
    by_id = {phase.id: phase for phase in plan.agenda}
    assert len(by_id["tavola-rotonda"].steps) == 6 and not any(s.harvest for s in by_id["tavola-rotonda"].steps)
    cafe = by_id["world-cafe"].steps
    assert [s.minutes for s in cafe] == [25, 25, 25] and all(s.harvest and s.prompt["en"] for s in cafe)
    assert [s.minutes for s in by_id["uno-due-quattro"].steps] == [1, 2, 4, 5]
    assert [s.harvest for s in by_id["uno-due-quattro"].steps] == [False, False, False, True]
    # a round's title is checked in every language, like the rest of the plan
    path = tmp_path / "launch.toml"
    path.write_text(
        launch.read_text(encoding="utf-8").replace('en = "Round 2 · The proposals"', 'de = "Runde 2"'), encoding="utf-8"
    )
    with pytest.raises(PlanError) as exc:
        load_plan(path)
    assert "agenda[3].steps[1].title: missing text for language(s) en" in str(exc.value)
