"""An earlier event's export brought in as starting material, in slices: read and checked once (in a worker
process when the server is running), then written one short `material.import` transaction per slice.

A slice of IMPORT_SLICE ideas keeps the writer for milliseconds: however big the import, no single write
stalls the hall (beside a vote it still adds work: see the README's mixed-day figures). Each slice is
idempotent (an idea or theme already imported from that event is not written again), so an import cut short
(a full disk) is completed by importing the same file again.
"""

from __future__ import annotations

import json
import time

from facilitation.services.commands import Principal, check_import
from facilitation.services.payloads import ImportMaterial, import_command, validated

IMPORT_SLICE = 50  # ideas per transaction: 15-35 ms of the writer each (200 took 100 ms, a stall the room shares)
BETWEEN_SLICES = 0.005  # seconds, at least: a real turn of the event loop (timers, sockets) between two slices
QUIET = 0.1  # seconds without a change from anyone else: the room pauses, a slice may go
BUSY_PAUSE = 0.5  # seconds: the longest pause between two slices while the room keeps writing


def parsed(body: bytes) -> object:
    """An export file's JSON, or None when it is not JSON at all (not UTF-8, malformed, nested past Python's
    limit, or a number too long to read: each a ValueError or a RecursionError): `slices` then refuses it as
    `import_not_export`, never a 500."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None


def slices(source: object, digest: str, plan) -> list[str]:
    """The export `source` (parsed JSON), checked in full against this event's `plan` (nothing is written of a
    file refused as a whole), as `material.import` payloads (JSON text).

    The themes come first, a slice of their own (written in one statement: every phone hears of new themes,
    once); an idea comes after the idea it was merged into, so every slice finds what it points to already
    written. `digest` (of the file) makes the client ids: the same file sent again is the same import."""
    whole = validated(ImportMaterial, import_command(source, digest)).source
    check_import(whole, plan)
    first_text: dict[int, str] = {}
    for revision in whole.idea_history:
        first_text.setdefault(revision.idea, revision.text)
    ideas = sorted(whole.ideas, key=_merge_depth(whole.ideas))
    parts: list[tuple[list, list]] = [(whole.themes, [])] if whole.themes else []
    parts += [([], ideas[start : start + IMPORT_SLICE]) for start in range(0, len(ideas), IMPORT_SLICE)]
    payloads = []
    for n, (themes, part) in enumerate(parts or [([], [])]):  # an empty export still answers where it came from
        payloads.append(
            json.dumps(
                {
                    "cid": f"import-{digest[:32]}-{n}",
                    "source": {
                        "event": whole.event.model_dump(),
                        "themes": [t.model_dump() for t in themes],
                        "ideas": [i.model_dump(mode="json") for i in part],
                        "idea_history": [
                            {"idea": i.id, "action": "created", "text": first_text[i.id]}
                            for i in part
                            if i.id in first_text
                        ],
                    },
                }
            )
        )
    return payloads


def apply(service, who: Principal, payloads: list[str]) -> dict:
    """Write the slices in order, each its own command, each after the room's turn; returns the import's totals."""
    totals = {"ideas": 0, "themes": 0, "already": 0}
    source, replayed = None, True
    for n, payload in enumerate(payloads):
        started = time.monotonic()
        result = service.execute(who, "material.import", json.loads(payload))
        if n + 1 < len(payloads):
            _room_turn(service, took=time.monotonic() - started)
        source, replayed = result["source"], replayed and result.get("replayed", False)
        for key in totals:
            totals[key] += result[key]
    if replayed:  # the same file again, every slice answered from its first time: nothing new was written
        return {"source": source, "ideas": 0, "themes": 0, "already": sum(totals.values()), "replayed": True}
    return {"source": source, **totals}


def _room_turn(service, took: float) -> None:
    """The pause after a slice (a green sleep under gevent): at least as long as the slice took, so the import
    has at most half of the event loop; while the room writes (a vote), until it pauses for QUIET or
    BUSY_PAUSE has passed. Slices then fill the gaps between the room's bursts and come about two a second
    during one: the vote hardly feels the import (see the README's mixed-day figures), which takes longer."""
    begun, seen = time.monotonic(), service.submitted()  # changes submitted so far, this import's own included
    time.sleep(max(BETWEEN_SLICES, took))
    while service.submitted() != seen and time.monotonic() - begun < BUSY_PAUSE:
        seen = service.submitted()  # others wrote meanwhile: wait for a quiet moment
        time.sleep(QUIET)


def _merge_depth(ideas):
    """Sort key: how many merges lead from an idea to one nobody merged (0 for that one)."""
    into = {i.id: i.merged_into for i in ideas if i.merged_into}
    known: dict[int, int] = {}

    def depth(idea) -> int:
        chain, current = [], idea.id
        while current in into and current not in known and current not in chain:
            chain.append(current)
            current = into[current]
        base = known.get(current, 0)
        for step, idea_id in enumerate(reversed(chain), 1):
            known[idea_id] = base + step
        return known.get(idea.id, 0)

    return depth
