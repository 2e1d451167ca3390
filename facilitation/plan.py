"""Session plan: the TOML file that declares an event, validated into typed objects."""

from __future__ import annotations

import datetime
import re
import tomllib
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from facilitation.domain.phases import PhaseKind
from facilitation.domain.voting import Method
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import PydanticCustomError

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Text = dict[str, str]  # language code -> text


def in_language(text: Text | None, lang: str) -> str:
    """A plan text in `lang`, else in the first language it has (a plan may leave a translation out); "" for none.
    Every page, report, export and label reads a plan text through here (static/js/ui.js `loc` on the screens)."""
    return "" if not text else text.get(lang) or next(iter(text.values()))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan, for a form: the field's path (`agenda.2.minutes`, "" for the whole plan), the
    rule it breaks (pydantic's error type or one of this module's, `plan_*`) and the rule's values."""

    field: str
    code: str
    params: dict = dataclasses.field(default_factory=dict)


class PlanError(ValueError):
    """A plan file that cannot be used; the message names the file, the field and the problem (in English, for a
    terminal); `problems` says the same for a form, which translates it (facilitation.messages.plan_problem)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or [Problem("", "invalid_plan", {"problem": message})]


def _rule(code: str, message: str, field: str, **params) -> PydanticCustomError:
    """A rule of the plan broken across fields: `message` for the terminal, `field` (a dotted path) for the form."""
    return PydanticCustomError(code, message, {"field": field, **params})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventInfo(_Strict):
    id: Slug
    title: Text
    subtitle: Text = Field(default_factory=dict)
    place: Text = Field(default_factory=dict)  # where it is held, for the report's cover
    date: datetime.date | None = None  # the day it is held (the report's cover; else the day it started)
    languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]] = Field(min_length=1)


class Axis(_Strict):
    id: Slug
    name: Text
    color: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = "#555555"


class Tables(_Strict):
    count: int = Field(ge=1, le=200)
    size: int = Field(ge=2, le=60)  # seats at a table (a thematic table seats more); with `headroom`: phones it takes
    online_groups: int = Field(default=0, ge=0, le=50)
    online_size: int | None = Field(default=None, ge=2, le=100)  # phones per online group (default: size)
    headroom: int = Field(default=2, ge=0, le=50)  # extra phones per table or group; the facilitator can change it
    # Printed one-person codes instead of one code per table: a sheet per table, cut apart, one slip per person.
    seat_codes: bool = False
    names: list[Text] = Field(default_factory=list)

    def seats(self, online: bool) -> int:
        return (self.online_size or self.size) if online else self.size

    @property
    def personal_online_links(self) -> bool:
        """Online people join by links of their own (seat codes, with online groups): the shared online link
        admits nobody."""
        return self.seat_codes and self.online_groups > 0

    def capacity(self, online: bool, spare: int) -> int:
        """Phones a table (or an online group) takes: its seats plus the headroom in force."""
        return self.seats(online) + spare


class Choice(_Strict):
    id: Slug
    name: Text
    target: float | None = Field(default=None, ge=0, le=100)  # the share of the room the team aims for, in %


class Step(_Strict):
    """A round inside a phase, on its own timer: a World Café round (a question, 20-30 minutes, people move and
    the table host stays) or a 1-2-4-All step (alone, in pairs, in fours, then each group shares one idea)."""

    title: Text
    minutes: int = Field(ge=1, le=240)
    prompt: Text = Field(default_factory=dict)
    harvest: bool = False  # each table keeps a short note of this round, for the theme team


class Phase(_Strict):
    id: Slug
    kind: PhaseKind
    title: Text
    minutes: int = Field(ge=1, le=600)
    prompt: Text = Field(default_factory=dict)
    steps: list[Step] = Field(default_factory=list, max_length=12)


class Voting(_Strict):
    dots_per_person: int = Field(ge=1, le=100)
    max_dots_per_item: int = Field(ge=1, le=100)
    hide_results_until_reveal: bool = True
    method: Method = Method.DOTS  # the first round's; the facilitator may choose another for each round
    points: int = Field(default=100, ge=10, le=1000)  # "points": what each person shares out, all of it
    rank_top: int = Field(default=3, ge=2, le=10)  # "borda": how many items each person ranks

    @model_validator(mode="after")
    def _cap_within_budget(self) -> "Voting":
        if self.max_dots_per_item > self.dots_per_person:
            raise _rule(
                "plan_cap_over_budget",
                "voting: max_dots_per_item cannot exceed dots_per_person",
                "voting.max_dots_per_item",
            )
        return self


class Privacy(_Strict):
    # groups with fewer people are never shown alone in breakdowns and exports (0 or 1: no limit)
    min_group: int = Field(default=5, ge=0, le=100)
    keep_months: int = Field(default=12, ge=1, le=120)  # how long the organisers keep the event's data (phones say)


class Ideas(_Strict):
    max_length: int = Field(default=400, ge=20, le=2000)
    # Ideas one phone, and one table screen, may add in one phase (each round of a phase anew): more than
    # anyone writes in a real phase, few enough that a script cannot bury its table's ideas.
    per_phone: int = Field(default=25, ge=1, le=500)
    per_table: int = Field(default=300, ge=1, le=5000)
    held_words: list[str] = Field(default_factory=list, max_length=500)  # beyond the bundled list: ideas wait


class Plan(_Strict):
    event: EventInfo
    axes: list[Axis] = Field(min_length=1, max_length=20)
    tables: Tables
    categories: list[Choice] = Field(default_factory=list)
    zones: list[Choice] = Field(default_factory=list)
    agenda: list[Phase] = Field(min_length=1)
    voting: Voting
    ideas: Ideas = Field(default_factory=Ideas)
    privacy: Privacy = Field(default_factory=Privacy)

    @model_validator(mode="after")
    def _consistent(self) -> "Plan":
        langs = self.event.languages
        for where, text in self._texts():
            missing = [lang for lang in langs if not text.get(lang, "").strip()]
            if missing:
                raise _rule(
                    "plan_text_missing",
                    "{where}: missing text for language(s) {languages}",
                    re.sub(r"\[(\d+)\]", r".\1", where) + "." + missing[0],
                    where=where,
                    languages=", ".join(missing),
                )
        for name, items in (
            ("axes", self.axes),
            ("categories", self.categories),
            ("zones", self.zones),
            ("agenda", self.agenda),
        ):
            ids = [item.id for item in items]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise _rule("plan_duplicate_id", "{name}: duplicate id(s) {ids}", name, name=name, ids=", ".join(dupes))
        for name, listed in (("categories", self.categories), ("zones", self.zones)):
            targets = [item.target for item in listed]
            if any(t is not None for t in targets):
                if None in targets:
                    first = targets.index(None)
                    lacking = ", ".join(item.id for item in listed if item.target is None)
                    raise _rule(
                        "plan_target_missing",
                        "{name}: a target is given for some but not for {ids}",
                        f"{name}.{first}.target",
                        name=name,
                        ids=lacking,
                    )
                total = sum(t or 0.0 for t in targets)  # every one given, by now
                if abs(total - 100) > 0.5:
                    raise _rule(
                        "plan_targets_sum",
                        "{name}: the targets add up to {total}%, not 100%",
                        f"{name}.{len(listed) - 1}.target",
                        name=name,
                        total=f"{total:g}",
                    )
        if self.tables.names and len(self.tables.names) != self.tables.count:
            raise _rule(
                "plan_table_names",
                "tables.names: {given} names given for {count} tables",
                "tables.names",
                given=len(self.tables.names),
                count=self.tables.count,
            )
        return self

    def _texts(self):
        yield "event.title", self.event.title
        for i, axis in enumerate(self.axes):
            yield f"axes[{i}].name", axis.name
        for label, items in (("categories", self.categories), ("zones", self.zones)):
            for i, item in enumerate(items):
                yield f"{label}[{i}].name", item.name
        for i, phase in enumerate(self.agenda):
            yield f"agenda[{i}].title", phase.title
            for j, step in enumerate(phase.steps):
                yield f"agenda[{i}].steps[{j}].title", step.title
        for i, name in enumerate(self.tables.names):
            yield f"tables.names[{i}]", name

    @property
    def axis_ids(self) -> set[str]:
        return {axis.id for axis in self.axes}


def _field_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def parse_plan(text: str, source: str = "<plan>") -> Plan:
    """Parse plan TOML text; any problem raises PlanError naming source, field and problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{source}: not valid TOML: {exc}") from None
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        lines, problems = [], []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field (check the spelling)"
            where = _field_path(err["loc"])
            context = {
                key: value for key, value in (err.get("ctx") or {}).items() if isinstance(value, (str, int, float))
            }
            if err["type"].startswith("plan_"):  # a rule across fields: its message names where
                lines.append(f"{source}: {message}")
            else:
                lines.append(f"{source}: {where}: {message}")
            dotted = ".".join(str(part) for part in err["loc"])
            problems.append(Problem(str(context.pop("field", dotted)), err["type"], context))
        raise PlanError("\n".join(lines), problems) from None


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the plan file: {exc.strerror}") from None
    return parse_plan(text, str(path))
