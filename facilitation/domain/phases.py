"""The agenda's phase kinds, what each one lets people do, and the countdown timer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Action, Role, allowed


class PhaseKind(StrEnum):
    PLENARY = "plenary"
    CAPTURE = "capture"  # ideas come in from phones and scribes
    CLUSTERING = "clustering"  # the theme team groups ideas; capture is closed
    VOTING = "voting"
    RESULTS = "results"
    BREAK = "break"


def require_idea_capture(role: Role, kind: PhaseKind | None) -> None:
    """Phones and scribes add ideas only during a capture phase; staff may add at any time."""
    if allowed(role, Action.MANAGE_THEMES):
        return
    if kind is not PhaseKind.CAPTURE:
        raise Refused("ideas_closed")


HARVEST_MAX_LENGTH = 1000  # a table's note of one round: a few lines, not a report


def check_step(steps: int, step: int) -> None:
    """A phase's rounds (World Café, 1-2-4-All) are started by number, one of the phase's own."""
    if not steps:
        raise Refused("no_steps")
    if not 0 <= step < steps:
        raise Refused("unknown_step", id=step)


def check_harvest(harvested: bool) -> None:
    """A table keeps a note only of the rounds the plan asks one for."""
    if not harvested:
        raise Refused("no_harvest")


@dataclass(frozen=True)
class Timer:
    """A countdown: running when `ends_at` is set, paused when `paused_left` is set (seconds)."""

    ends_at: float | None = None
    paused_left: float | None = None

    @classmethod
    def start(cls, seconds: float, now: float) -> "Timer":
        return cls(ends_at=now + seconds)

    def left(self, now: float) -> float:
        if self.ends_at is not None:
            return max(0.0, self.ends_at - now)
        return self.paused_left or 0.0

    @property
    def running(self) -> bool:
        return self.ends_at is not None

    def pause(self, now: float) -> "Timer":
        if not self.running:
            raise Refused("timer_not_running")
        return Timer(paused_left=self.left(now))

    def resume(self, now: float) -> "Timer":
        if self.running or self.paused_left is None:
            raise Refused("timer_not_paused")
        return Timer(ends_at=now + self.paused_left)

    def add(self, seconds: float, now: float) -> "Timer":
        if self.running:
            return replace(self, ends_at=max(now, (self.ends_at or now) + seconds))  # running: ends_at is set
        return replace(self, paused_left=max(0.0, (self.paused_left or 0.0) + seconds))
