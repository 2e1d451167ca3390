"""Ranking ballot items by dots, overall and broken down by any grouping of the voters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    rank: int  # competition ranking: equal dots share a rank (1, 2, 2, 4)
    item: int
    dots: int
    voters: int


def shares(values: list[int]) -> list[float]:
    """Each value's bar, as a percentage of the largest (the longest bar is 100): every screen draws the bars of a
    ranking, a poll or the themes as the read models send them, so no two screens size one bar two ways."""
    top = max(values, default=0) or 1
    return [round(100 * value / top, 1) for value in values]


def rank(items: Iterable[int], dots: Mapping[int, int], voters: Mapping[int, int] | None = None) -> list[Place]:
    """Every item gets a place, zero dots included; ties keep the ballot's id order for a stable display."""
    voters = voters or {}
    ordered = sorted(items, key=lambda item: (-dots.get(item, 0), item))
    places, previous, current_rank = [], None, 0
    for position, item in enumerate(ordered, start=1):
        count = dots.get(item, 0)
        if count != previous:
            current_rank, previous = position, count
        places.append(Place(current_rank, item, count, voters.get(item, 0)))
    return places


@dataclass(frozen=True)
class Totals:
    """A vote's running totals: dots per item, voters per item, voters in all."""

    dots: dict[int, int]
    voters_per: dict[int, int]
    voters: int


def totals(allocations: Iterable[tuple[int, int]]) -> tuple[dict[int, int], dict[int, int]]:
    """(item, count) rows -> dots per item and number of distinct allocations (voters) per item."""
    dots: dict[int, int] = defaultdict(int)
    voters: dict[int, int] = defaultdict(int)
    for item, count in allocations:
        if count > 0:
            dots[item] += count
            voters[item] += 1
    return dict(dots), dict(voters)


OTHERS = "_others"  # the groups too small to show alone, together


def breakdown(
    items: list[int], rows: Iterable[tuple[str | None, int, int, int]], min_group: int = 0
) -> dict[str, list[Place]]:
    """(group, voter, item, count) rows -> a ranking per group; voters with no group fall under '' (unknown).
    Privacy of small groups: a group with fewer than `min_group` voters is not shown alone (a zone with two
    people would tell what those two chose); such groups are merged into OTHERS, which is left out too if it
    is itself still too small."""
    grouped: dict[str, list[tuple[int, int]]] = defaultdict(list)
    voters: dict[str, set[int]] = defaultdict(set)
    for group, voter, item, count in rows:
        grouped[group or ""].append((item, count))
        voters[group or ""].add(voter)
    small = [group for group in grouped if len(voters[group]) < min_group]
    if small:
        merged = [alloc for group in small for alloc in grouped.pop(group)]
        if sum(len(voters[group]) for group in small) >= min_group:
            grouped[OTHERS] = merged
    return {group: rank(items, *totals(allocs)) for group, allocs in sorted(grouped.items())}
