"""Ranking and breakdowns."""
from facilitation.domain.ranking import breakdown, rank, totals


def test_equal_dots_share_a_rank():
    places = rank([1, 2, 3, 4], {1: 5, 2: 9, 3: 5})
    assert [(p.rank, p.item, p.dots) for p in places] == [(1, 2, 9), (2, 1, 5), (2, 3, 5), (4, 4, 0)]


def test_totals_count_dots_and_distinct_voters():
    dots, voters = totals([(1, 2), (1, 1), (2, 3), (2, 0)])
    assert dots == {1: 3, 2: 3} and voters == {1: 2, 2: 1}


def test_breakdown_ranks_each_group_and_keeps_unknowns():
    groups = breakdown([1, 2], [("z01", 1, 2), ("z01", 2, 3), (None, 1, 1)])
    assert [p.item for p in groups["z01"]] == [2, 1]
    assert groups[""][0].item == 1 and groups[""][0].dots == 1
