"""Ranking and breakdowns."""

from facilitation.domain.ranking import OTHERS, breakdown, rank, totals


def test_equal_dots_share_a_rank():
    places = rank([1, 2, 3, 4], {1: 5, 2: 9, 3: 5})
    assert [(p.rank, p.item, p.dots) for p in places] == [(1, 2, 9), (2, 1, 5), (2, 3, 5), (4, 4, 0)]


def test_totals_count_dots_and_distinct_voters():
    dots, voters = totals([(1, 2), (1, 1), (2, 3), (2, 0)])
    assert dots == {1: 3, 2: 3} and voters == {1: 2, 2: 1}


def test_breakdown_ranks_each_group_and_keeps_unknowns():
    groups = breakdown([1, 2], [("z01", 7, 1, 2), ("z01", 8, 2, 3), (None, 9, 1, 1)])
    assert [p.item for p in groups["z01"]] == [2, 1]
    assert groups[""][0].item == 1 and groups[""][0].dots == 1


def votes(group: str, people: range, item: int = 1) -> list[tuple[str, int, int, int]]:
    return [(group, person, item, 1) for person in people]


def test_a_group_smaller_than_the_threshold_is_never_shown_alone():
    rows = votes("z01", range(0, 6)) + votes("z05", range(10, 12), item=2) + votes("z08", range(20, 23), item=2)
    groups = breakdown([1, 2], rows, min_group=5)
    assert set(groups) == {"z01", OTHERS}  # the 2 of z05 and the 3 of z08 only together
    assert [(p.item, p.dots, p.voters) for p in groups[OTHERS]] == [(2, 5, 5), (1, 0, 0)]


def test_small_groups_still_too_few_together_are_left_out():
    rows = votes("z01", range(0, 6)) + votes("z05", range(10, 12), item=2)
    assert set(breakdown([1, 2], rows, min_group=5)) == {"z01"}
    assert set(breakdown([1, 2], rows, min_group=0)) == {"z01", "z05"}  # no threshold: every group


def test_a_bar_is_its_share_of_the_longest_and_nothing_is_no_bar():
    from facilitation.domain.ranking import shares

    assert shares([12, 6, 3, 0]) == [100.0, 50.0, 25.0, 0.0]
    assert shares([2, 1, 1]) == [100.0, 50.0, 50.0]
    assert shares([0, 0]) == [0.0, 0.0] and shares([]) == []
