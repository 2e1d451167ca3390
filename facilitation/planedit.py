"""Changing a plan from the browser (issue 22): the fields a form may set, written into the plan's own TOML text
(comments, order and layout kept: the file exported afterwards is the file imported, plus the changes) and
checked by the same rules as the TOML loader.

What may change once doors are open is decided here, once: the texts people read (the event's titles and place,
each phase's title and prompt) and each phase's minutes, at any time, even during the event. What holds the
event's data together (languages, axes, tables, the agenda's phases and kinds, the voting rules) is changed in
the plan file for now, before the event."""
from __future__ import annotations

import re

import tomlkit

from facilitation.plan import Plan

MINUTES = (1, 600)  # a phase's minutes, as the plan allows (plan.Phase)
TEXT_MAX = 2000
# field path -> what it is: "text" (one language of a text) or "minutes"
EDITABLE = (
    (re.compile(r"^event\.(title|subtitle|place)\.([a-z]{2})$"), "text"),
    (re.compile(r"^agenda\.([0-9]{1,3})\.(title|prompt)\.([a-z]{2})$"), "text"),
    (re.compile(r"^agenda\.([0-9]{1,3})\.minutes$"), "minutes"),
)


class FieldProblem(ValueError):
    """A field a form sent that cannot be set: `field` is its path, `code` what is wrong (a message code)."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field, self.code = field, code


def kind_of(field: str) -> str | None:
    return next((kind for pattern, kind in EDITABLE if pattern.match(field)), None)


def apply(plan_text: str, changes: dict[str, str], plan: Plan) -> str:
    """The plan's text with `changes` (field path -> value as typed) written in; raises FieldProblem."""
    document = tomlkit.parse(plan_text)
    for field, raw in changes.items():
        kind = kind_of(field)
        if kind is None:
            raise FieldProblem(field, "plan_field_locked")
        parts = field.split(".")
        if parts[0] == "agenda" and int(parts[1]) >= len(plan.agenda):
            raise FieldProblem(field, "plan_field_locked")
        language = parts[-1] if kind == "text" else None
        if language is not None and language not in plan.event.languages:
            raise FieldProblem(field, "plan_field_locked")
        if kind == "minutes":
            value = raw.strip()
            if not re.fullmatch(r"[0-9]{1,4}", value) or not MINUTES[0] <= int(value) <= MINUTES[1]:
                raise FieldProblem(field, "plan_minutes")
            document["agenda"][int(parts[1])]["minutes"] = int(value)
            continue
        text = " ".join(raw.split())
        if len(text) > TEXT_MAX:
            raise FieldProblem(field, "plan_text_long")
        table = document["event"] if parts[0] == "event" else document["agenda"][int(parts[1])]
        name = parts[1] if parts[0] == "event" else parts[2]
        if not text:
            if name == "title" and language == plan.event.languages[0]:
                raise FieldProblem(field, "plan_title_needed")
            if name in table and language in table[name]:
                del table[name][language]
            continue
        if name not in table:
            table[name] = tomlkit.inline_table()
        table[name][language] = text
    return tomlkit.dumps(document)

