"""Changing a plan from the browser (issue 22): every field the TOML holds, set from a form and written into the
plan's own TOML text (comments, order and layout kept: the file exported afterwards is the file imported, plus the
changes), then checked by the TOML loader's own rules (facilitation.plan: one set of rules, the problem named by
its field).

What may change once doors are open is decided here, once (`RULES`, `Locks`):
- at any time, even during the event: every text people read, the date, each phase's and round's minutes, the
  colours, the headroom, table names, targets, idea limits, moderation words, the smallest group shown;
- until someone joins (their phones already show it): removing a language, seat codes, how long data is kept;
- while nothing uses it: an axis with ideas stays, a category or zone someone chose stays, a table or online
  group with people or ideas keeps its place (tables may be added, empty ones removed);
- until the phase begins: a phase's kind, place and rounds (a phase that has begun, or is over, stays);
- until a vote opens: the voting rules (later rounds get theirs in the console)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from facilitation.domain.phases import PhaseKind
from facilitation.domain.voting import Method
from facilitation.plan import Plan, Text

TEXT_MAX = 2000
LANG = r"([a-z]{2})"
N = r"([0-9]{1,3})"
# field path -> (what it holds, what locks it): the kinds are read by `_value`, the locks checked by `_lock`
_FIELDS = (
    (rf"event\.(title|subtitle|place)\.{LANG}", "text", None),
    (r"event\.date", "date", None),
    (r"event\.languages", "languages", None),  # adding is free; removing one is locked once people joined
    (rf"axes\.{N}\.name\.{LANG}", "text", None),
    (rf"axes\.{N}\.color", "color", None),
    (r"tables\.(count|online_groups)", "int", "tables"),
    (r"tables\.(size|headroom)", "int", None),
    (r"tables\.online_size", "optional_int", None),
    (r"tables\.seat_codes", "bool", "joined"),
    (rf"tables\.names\.{LANG}", "names", None),
    (rf"(categories|zones)\.{N}\.name\.{LANG}", "text", None),
    (rf"(categories|zones)\.{N}\.target", "optional_number", None),
    (rf"agenda\.{N}\.(title|prompt)\.{LANG}", "text", None),
    (rf"agenda\.{N}\.minutes", "int", None),
    (rf"agenda\.{N}\.kind", "phase_kind", "phase"),
    (rf"agenda\.{N}\.steps\.{N}\.(title|prompt)\.{LANG}", "text", None),
    (rf"agenda\.{N}\.steps\.{N}\.minutes", "int", None),
    (rf"agenda\.{N}\.steps\.{N}\.harvest", "bool", None),
    (r"voting\.(dots_per_person|max_dots_per_item|points|rank_top)", "int", "voting"),
    (r"voting\.method", "method", "voting"),
    (r"voting\.hide_results_until_reveal", "bool", "voting"),
    (r"ideas\.(max_length|per_phone|per_table)", "int", None),
    (r"ideas\.held_words", "words", None),
    (r"privacy\.min_group", "int", None),
    (r"privacy\.keep_months", "int", "joined"),
)
RULES = tuple((re.compile(f"^{pattern}$"), kind, lock) for pattern, kind, lock in _FIELDS)
ACTION = re.compile(
    r"^(add|remove|up|down):(axes|categories|zones|agenda)(?:\.([0-9]{1,3}))?"
    r"(?:(\.steps)(?:\.([0-9]{1,2}))?)?$"
)
COLOURS = ("#1f6fb2", "#2e8b3d", "#c2571a", "#7b3fa0", "#b8860b", "#c0283e", "#00838f", "#5d4037", "#455a64", "#ad1457")
ID_STEM = {"axes": "axis", "categories": "category", "zones": "zone", "agenda": "phase"}


@dataclass(frozen=True)
class Locks:
    """What the event's data holds on to now (read from its database by facilitation.services.queries)."""

    joined: bool = False  # someone has joined
    axes: frozenset[str] = frozenset()  # axes with ideas or themes
    chosen: frozenset[tuple[str, str]] = frozenset()  # ("categories" or "zones", id) someone chose
    tables: frozenset[int] = frozenset()  # table ids with people or ideas
    phase: int | None = None  # the phase running (None: the event has not begun)
    voting: bool = False  # a vote has opened

    def begun(self, index: int) -> bool:
        return self.phase is not None and index <= self.phase


class FieldProblem(ValueError):
    """A field (or an action) that cannot be set: `field` is its path, `code` what is wrong (a message code)."""

    def __init__(self, path: str, code: str, **params):
        super().__init__(f"{path}: {code}")
        self.field, self.code, self.params = path, code, params


def kind_of(field: str) -> tuple[str, str | None, tuple[str, ...]] | None:
    for pattern, kind, lock in RULES:
        found = pattern.match(field)
        if found:
            return kind, lock, found.groups()
    return None


@dataclass
class _Edit:
    document: tomlkit.TOMLDocument
    plan: Plan
    locks: Locks
    languages: list[str] = field(default_factory=list)

    def section(self, name: str) -> Table:
        if name not in self.document:
            self.document[name] = tomlkit.table()
        return self.document[name]

    def items(self, name: str) -> AoT:
        if name not in self.document:
            self.document[name] = tomlkit.aot()
        return self.document[name]

    def item(self, field: str, name: str, index: str, steps: str | None = None) -> Table:
        items = self.document.get(name)
        if items is None or int(index) >= len(items):
            raise FieldProblem(field, "plan_field_locked")
        item = items[int(index)]
        if steps is not None:
            if "steps" not in item or int(steps) >= len(item["steps"]):
                raise FieldProblem(field, "plan_field_locked")
            item = item["steps"][int(steps)]
        return item


def apply(
    plan_text: str,
    changes: dict[str, str],
    plan: Plan,
    locks: Locks | None = None,
    action: str | None = None,
    label: Text | None = None,
) -> str:
    """The plan's text with `changes` (field path -> value as typed) written in, then `action` (add, remove or
    move an item: `add:axes`, `remove:agenda.4`, `up:agenda.3.steps.1`) done; raises FieldProblem. The result
    is for facilitation.plan.parse_plan to judge: this only writes, and refuses what the locks hold."""
    locks = locks or Locks()
    edit = _Edit(tomlkit.parse(plan_text), plan, locks, list(plan.event.languages))
    ordered = sorted(changes.items(), key=lambda change: change[0] != "event.languages")  # a new language first
    for field_path, raw in ordered:
        found = kind_of(field_path)
        if found is None:
            raise FieldProblem(field_path, "plan_field_locked")
        kind, lock, groups = found
        _set(edit, field_path, kind, lock, groups, raw)
    if action:
        _act(edit, action, label or {})
    _check_tables(edit)
    return tomlkit.dumps(edit.document)


def _set(edit: _Edit, path: str, kind: str, lock: str | None, groups: tuple[str, ...], raw: str) -> None:
    if kind == "languages":
        _languages(edit, path, raw)
        return
    parts = path.split(".")
    if kind in ("text", "names") and groups[-1] not in edit.languages:
        raise FieldProblem(path, "plan_field_locked")
    value = _value(path, kind, raw)
    if kind == "names":
        _names(edit, groups[-1], value)
        return
    if kind == "text":
        container, key = _container(edit, path, parts[:-2]), parts[-2]
        language = parts[-1]
        now = container.get(key, {}).get(language, "")
        if value == now:
            return
        _lock(edit, path, lock, groups)
        if not value:
            if key in container and language in container[key]:
                del container[key][language]
                if not container[key] and key != "title":
                    del container[key]
            return
        if key not in container:
            container[key] = tomlkit.inline_table()
        container[key][language] = value
        return
    key = parts[-1]
    found: Any = _container(edit, path, parts[:-1]) if parts[0] in edit.document else {}
    now = found[key] if key in found else _effective(edit.plan, parts)  # a default is the value too
    now = now.unwrap() if hasattr(now, "unwrap") else now
    if value == now or (value is None and key not in found):
        return
    _lock(edit, path, lock, groups)
    container = _container(edit, path, parts[:-1])
    if value is None:
        del container[key]
    else:
        container[key] = value


def _effective(plan: Plan, parts: list[str]):
    """The value the plan has at `parts` (the loader's default when the file leaves it out)."""
    value: Any = plan
    for part in parts:
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return getattr(value, "value", value)  # an enum's text


def _container(edit: _Edit, path: str, parts: list[str]) -> Table:
    if parts[0] in ("axes", "categories", "zones", "agenda"):
        return edit.item(path, parts[0], parts[1], parts[3] if len(parts) > 3 else None)
    return edit.section(parts[0])


def _value(path: str, kind: str, raw: str):
    """What a form's text means for a field of this kind (the loader judges the range)."""
    text = raw.strip()
    if kind == "text":
        text = " ".join(raw.split())
        if len(text) > TEXT_MAX:
            raise FieldProblem(path, "plan_text_long")
        return text
    if kind in ("int", "optional_int"):
        if not text and kind == "optional_int":
            return None
        if not re.fullmatch(r"[0-9]{1,6}", text):
            raise FieldProblem(path, "plan_int_parsing")
        return int(text)
    if kind == "optional_number":
        if not text:
            return None
        if not re.fullmatch(r"[0-9]{1,3}([.,][0-9]{1,2})?", text):
            raise FieldProblem(path, "plan_float_parsing")
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number
    if kind == "bool":
        return text in ("1", "on", "true", "yes")
    if kind == "date":
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise FieldProblem(path, "plan_date") from None
    if kind == "color":
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            raise FieldProblem(path, "plan_color")
        return text.lower()
    if kind == "phase_kind":
        if text not in {k.value for k in PhaseKind}:
            raise FieldProblem(path, "plan_enum", expected=", ".join(k.value for k in PhaseKind))
        return text
    if kind == "method":
        if text not in {m.value for m in Method}:
            raise FieldProblem(path, "plan_enum", expected=", ".join(m.value for m in Method))
        return text
    if kind == "names":
        lines = [" ".join(line.split()) for line in raw.splitlines()]
        while lines and not lines[-1]:
            lines.pop()
        if any(len(line) > TEXT_MAX for line in lines):
            raise FieldProblem(path, "plan_text_long")
        return lines
    if kind == "words":
        words = sorted({" ".join(word.split()).lower() for word in re.split(r"[,\n]", raw) if word.strip()})
        if len(words) > 500 or any(len(word) > 100 for word in words):
            raise FieldProblem(path, "plan_words")
        return words
    raise AssertionError(kind)


def _lock(edit: _Edit, path: str, lock: str | None, groups: tuple[str, ...]) -> None:
    """Refuse a change that the event's data holds on to (the module's docstring says which)."""
    locks = edit.locks
    if lock == "joined" and locks.joined:
        raise FieldProblem(path, "plan_locked_joined")
    if lock == "voting" and locks.voting:
        raise FieldProblem(path, "plan_locked_voting")
    if lock == "phase" and locks.begun(int(groups[0])):
        raise FieldProblem(path, "plan_locked_phase")


def _languages(edit: _Edit, path: str, raw: str) -> None:
    wanted = [code for code in re.split(r"[\s,;]+", raw.strip().lower()) if code]
    if (
        not wanted
        or any(not re.fullmatch(r"[a-z]{2}", code) for code in wanted)
        or len(set(wanted)) != len(wanted)
        or len(wanted) > 10
    ):
        raise FieldProblem(path, "plan_languages")
    if wanted == edit.languages:
        return
    gone = [code for code in edit.languages if code not in wanted]
    if gone and edit.locks.joined:
        raise FieldProblem(path, "plan_locked_joined")
    first = edit.languages[0]
    for text in _texts(edit.document):
        for code in gone:
            if code in text:
                del text[code]
        source = text.get(first) or next(iter(text.values()), None)
        for code in wanted:  # a new language starts with the first language's text, to translate
            if code not in text and source:
                text[code] = str(source)
    edit.document["event"]["languages"] = wanted
    edit.languages = wanted


def _texts(document):
    """Every text table of the plan (one text in each language)."""
    event = document.get("event", {})
    for key in ("title", "subtitle", "place"):
        if key in event:
            yield event[key]
    for name in ("axes", "categories", "zones"):
        for item in document.get(name, []):
            if "name" in item:
                yield item["name"]
    for phase in document.get("agenda", []):
        for holder in (phase, *phase.get("steps", [])):
            for key in ("title", "prompt"):
                if key in holder:
                    yield holder[key]
    yield from document.get("tables", {}).get("names", [])


def _names(edit: _Edit, language: str, lines: list[str]) -> None:
    tables = edit.section("tables")
    names = [dict(name) for name in tables.get("names", [])]
    if [name.get(language, "") for name in names] == lines + [""] * (len(names) - len(lines)):
        return
    while len(names) < len(lines):
        names.append({})
    for index, name in enumerate(names):
        line = lines[index] if index < len(lines) else ""
        if line:
            name[language] = line
        else:
            name.pop(language, None)
    while names and not names[-1]:
        names.pop()
    if not names:
        if "names" in tables:
            del tables["names"]
        return
    array = tomlkit.array()
    array.multiline(True)
    for name in names:
        table = tomlkit.inline_table()
        table.update(name)
        array.append(table)
    tables["names"] = array


def _act(edit: _Edit, action: str, label: Text) -> None:
    found = ACTION.match(action)
    if found is None:
        raise FieldProblem(action, "plan_field_locked")
    verb, name, index, on_steps, step = found.groups()
    items = edit.items(name)
    if index is not None and int(index) >= len(items):
        raise FieldProblem(action, "plan_field_locked")
    if on_steps:
        if name != "agenda" or index is None:
            raise FieldProblem(action, "plan_field_locked")
        if edit.locks.begun(int(index)):
            raise FieldProblem(action, "plan_locked_phase")
        phase = items[int(index)]
        if "steps" not in phase:
            phase["steps"] = tomlkit.aot()
        _act_on(edit, action, verb, phase["steps"], step, "step", label)
        return
    if verb == "remove":
        item = items[int(index)] if index is not None else None
        if item is None:
            raise FieldProblem(action, "plan_field_locked")
        if name == "axes" and item["id"] in edit.locks.axes:
            raise FieldProblem(action, "plan_locked_axis")
        if name in ("categories", "zones") and (name, item["id"]) in edit.locks.chosen:
            raise FieldProblem(action, "plan_locked_choice")
    if (
        name == "agenda"
        and verb != "add"
        and (edit.locks.begun(int(index)) or (verb == "up" and edit.locks.begun(int(index) - 1)))
    ):
        raise FieldProblem(action, "plan_locked_phase")
    if (
        name == "agenda"
        and verb == "add"
        and index is not None
        and edit.locks.phase is not None
        and int(index) < edit.locks.phase
    ):
        raise FieldProblem(action, "plan_locked_phase")
    _act_on(edit, action, verb, items, index, name, label)


def _act_on(edit: _Edit, action: str, verb: str, items: AoT, index: str | None, name: str, label: Text) -> None:
    if verb == "add":
        position = len(items) if index is None else int(index) + 1
        items.insert(position, _new(edit, name, items, label))
        return
    if index is None or int(index) >= len(items):
        raise FieldProblem(action, "plan_field_locked")
    at = int(index)
    if verb == "remove":
        del items[at]
        return
    other = at - 1 if verb == "up" else at + 1
    if not 0 <= other < len(items):
        return
    moved = items[at]
    del items[at]
    items.insert(other, moved)


def _new(edit: _Edit, name: str, items: AoT, label: Text) -> Table:
    """A new item, valid as it is, for the organiser to fill in: named `label` in each language."""
    table = tomlkit.table()
    count = len(items) + 1
    text = tomlkit.inline_table()
    for code in edit.languages:
        text[code] = (label.get(code) or label.get(edit.languages[0]) or f"{ID_STEM.get(name, name)} {count}")[:200]
    if name in ID_STEM:
        taken = {str(item["id"]) for item in items}
        table["id"] = next(
            f"{ID_STEM[name]}-{n}" for n in range(count, count + 1000) if f"{ID_STEM[name]}-{n}" not in taken
        )
    if name == "axes":
        table["name"] = text
        table["color"] = COLOURS[(count - 1) % len(COLOURS)]
    elif name in ("categories", "zones"):
        table["name"] = text
        if any("target" in item for item in items):
            table["target"] = 0  # the others' targets still add up to 100
    elif name == "agenda":
        table["kind"] = PhaseKind.PLENARY.value
        table["minutes"] = 10
        table["title"] = text
    else:  # a round of a phase
        table["title"] = text
        table["minutes"] = 10
    return table


def layout(count: int, online_groups: int) -> dict[int, tuple[bool, int]]:
    """Each table id -> (online, number): the room's tables first, then the online groups (services.event)."""
    return {
        table_id: (table_id > count, table_id - count if table_id > count else table_id)
        for table_id in range(1, count + online_groups + 1)
    }


def _check_tables(edit: _Edit) -> None:
    """Tables may be added or removed while every table with people or ideas keeps its id and number."""
    if not edit.locks.tables:
        return
    tables = edit.document.get("tables", {})
    before = layout(edit.plan.tables.count, edit.plan.tables.online_groups)
    after = layout(int(tables.get("count", 1)), int(tables.get("online_groups", 0)))
    moved = sorted(table_id for table_id in edit.locks.tables if before.get(table_id) != after.get(table_id))
    if moved:
        field_name = "tables.count" if not before[moved[0]][0] else "tables.online_groups"
        raise FieldProblem(field_name, "plan_locked_table")
