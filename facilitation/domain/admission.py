"""Who may take a seat: joining's rules, apart from how seats are stored (issue 22). The service asks these with
what it read (phones joined per table, the plan's sizes, the seats a phone holds) and refuses with their code."""

from __future__ import annotations

from collections.abc import Sequence


def shared_code_refusal(seat_codes: bool, online: bool) -> str | None:
    """With seat codes, a code many people share (a table's card, the online link) admits nobody new: the
    refusal that says which personal code to use instead; else None."""
    if not seat_codes:
        return None
    return "personal_link_needed" if online else "seat_code_needed"


def phone_may_sit(held: int, seats_per_phone: int) -> bool:
    """One phone, a person's share: it may take another seat while it holds fewer than `seats_per_phone`
    (0: no limit, or the address is not known to be one phone)."""
    return not seats_per_phone or held < seats_per_phone


def has_room(joined: int, capacity: int) -> bool:
    return joined < capacity


def online_group(groups: Sequence[tuple[int, int]], seats: int, capacity: int) -> int | None:
    """The online group a new online person joins, from `(group id, phones joined)` in the groups' order: each
    group fills to its seats before the next one opens (three people in three groups of one cannot talk); once
    every group is at its seats, the headroom goes to the emptiest (the first of equals); None when all are full."""
    filling = next((group for group, joined in groups if joined < seats), None)
    if filling is not None:
        return filling
    room = [(joined, group) for group, joined in groups if has_room(joined, capacity)]
    return min(room)[1] if room else None


def code_budget(capacity: int, groups: int = 1) -> tuple[float, float]:
    """How fast one join code may admit new phones: twice what it opens at once (moves and retries), then what
    it opens per minute. The online code opens every online group."""
    opens = capacity * groups
    return 2 * opens, opens / 60
