"""Exports of everything an event produced: JSON (one document) and CSV (one file per table, zipped)."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlmodel import col, func, select

from facilitation.domain.ranking import OTHERS
from facilitation.i18n import translator
from facilitation.labels import origin_label
from facilitation.messages import N_
from facilitation.plan import in_language
from facilitation.reports import EXPORT_FORMAT
from facilitation.services import readmodels as rm
from facilitation.services.queries import emptied
from facilitation.services.event import EventService
from facilitation.store.models import (
    Alignment,
    Dot,
    EventTable,
    Harvest,
    Idea,
    IdeaRevision,
    LogEntry,
    Participant,
    Theme,
    VoteRound,
)


def collect(service: EventService, lang: str | None = None) -> dict:
    """The whole event as plain data; participants are anonymous numbers, never names."""
    plan = service.plan
    lang = lang or plan.event.languages[0]
    axis_name = {a.id: in_language(a.name, lang) for a in plan.axes}
    with service.reading() as s:
        tables = {t.id: t for t in s.exec(select(EventTable))}
        people = {p.id: p for p in s.exec(select(Participant))}
        themes = {t.id: t for t in s.exec(select(Theme).order_by(col(Theme.id)))}
        left_out = emptied(s)

        def table_label(table_id):
            t = tables.get(table_id)
            return "" if t is None else (f"online-{t.number}" if t.online else str(t.number))

        # Privacy of small groups: a category or zone chosen by fewer than the plan's min_group people is written
        # as OTHERS, so nobody's votes or ideas can be read back through a rare category or zone.
        present = [p for p in people.values() if p.removed_at is None]
        small = {
            field: {
                value
                for value, n in Counter(getattr(p, field) for p in present).items()
                if value and n < plan.privacy.min_group
            }
            for field in ("category", "zone")
        }

        def group(p: Participant, field: str) -> str:
            value = getattr(p, field) or ""
            return OTHERS if value in small[field] else value

        def who(p: Participant | None) -> dict:
            if p is None:
                return {"participant": None, "table": "", "channel": "", "category": "", "zone": "", "proxied": ""}
            return {
                "participant": p.id,
                "table": table_label(p.table_id),
                "channel": "online" if tables[p.table_id].online else "room",
                "category": group(p, "category"),
                "zone": group(p, "zone"),
                "proxied": p.proxied,
            }

        ideas = []
        for idea in s.exec(select(Idea).order_by(col(Idea.id))):
            author = people.get(int(idea.author.split(":")[1])) if idea.author.startswith("participant:") else None
            origin = idea.origin or {}
            ideas.append(
                {
                    "id": idea.id,
                    "table": table_label(idea.table_id),
                    "channel": "" if idea.table_id is None else ("online" if tables[idea.table_id].online else "room"),
                    "axis": idea.axis,
                    "axis_name": axis_name.get(idea.axis, ""),
                    "kind": idea.kind,
                    "text": idea.text,
                    "author_role": idea.author.split(":")[0],
                    "category": group(author, "category") if author else origin.get("category", ""),
                    "zone": group(author, "zone") if author else origin.get("zone", ""),
                    "hidden": idea.hidden,
                    "held": idea.held,
                    "starred": idea.starred,
                    "merged_into": idea.merged_into or "",
                    "theme": idea.theme_id or "",
                    "theme_title": themes[idea.theme_id].title if idea.theme_id in themes else "",
                    "created_at": _iso(idea.created_at),
                    # an idea imported from an earlier event (the listening day): which, and where it was written
                    "origin_event": origin.get("event", ""),
                    "origin_idea": origin.get("idea", ""),
                    "origin_table": origin.get("table", ""),
                    "origin_channel": origin.get("channel", ""),
                }
            )
        history = [
            {
                "idea": r.idea_id,
                "action": r.action,
                "text": r.text,
                "axis": r.axis,
                "kind": r.kind,
                "by": r.by.split(":")[0],
                "at": _iso(r.at),
            }
            for r in s.exec(select(IdeaRevision).order_by(col(IdeaRevision.id)))
        ]
        rounds = list(s.exec(select(VoteRound).order_by(col(VoteRound.id))))
        method = {r.id: r.method for r in rounds}
        votes = [
            {
                "round": d.round_id,
                "method": method[d.round_id],
                **who(people.get(d.participant_id)),
                "theme": d.theme_id,
                "theme_title": themes[d.theme_id].title,
                "axis": themes[d.theme_id].axis or "",
                "dots": d.count,
            }
            for d in s.exec(
                select(Dot).where(Dot.count > 0).order_by(col(Dot.round_id), col(Dot.participant_id), col(Dot.theme_id))
            )
        ]
        tally = rm.tally(s, plan, breakdowns=True)
        round_rows = [{**rm.round_view(r), "ballot": r.ballot if r.state != "not_open" else []} for r in rounds]
        for row in round_rows:  # "le prime 3 del turno 1" and the like, for a reader, as the screens say it
            row["made_from"] = origin_label(row["origin"], translator(plan.event.languages, lang))
        zone_name = {z.id: in_language(z.name, lang) for z in plan.zones}
        idea_rows = {i["id"]: i for i in ideas}
        marks = []
        for a in s.exec(select(Alignment).order_by(col(Alignment.zone), col(Alignment.id))):
            target: Any = idea_rows.get(a.idea_id) if a.idea_id else themes.get(a.theme_id)  # a dict, or a Theme
            axis = (target["axis"] if a.idea_id else target.axis) if target else ""
            marks.append(
                {
                    "zone": a.zone,
                    "zone_name": zone_name.get(a.zone, a.zone),
                    "about": "idea" if a.idea_id else "theme",
                    "id": a.idea_id or a.theme_id,
                    "text": (target["text"] if a.idea_id else target.title) if target else "",
                    "axis": axis or "",
                    "axis_name": axis_name.get(axis, ""),
                    "verdict": a.verdict,
                    "note": a.note,
                    "by": a.by.split(":")[0],
                }
            )
        step_title = {
            (phase.id, n): in_language(step.title, lang) for phase in plan.agenda for n, step in enumerate(phase.steps)
        }
        harvests = [
            {
                "table": table_label(h.table_id),
                "phase": h.phase,
                "step": h.step + 1,
                "step_title": step_title.get((h.phase, h.step), ""),
                "text": h.text,
                "by": h.by.split(":")[0],
                "at": _iso(h.at),
            }
            for h in s.exec(select(Harvest).order_by(col(Harvest.phase), col(Harvest.step), col(Harvest.table_id)))
        ]
        questions = [
            {
                "text": q["text"],
                "name": q["name"],
                "votes": q["votes"],
                "answered": q["answered"],
                "speaker": q["speaker"],
                "status": q["status"],
                "channel": _channel(tables, q["table"]),
            }
            for q in rm.questions(s)
            if q["status"] != "hidden"
        ]
        polls = [
            {
                "question": poll["question"],
                "kind": poll["kind"],
                "options": poll["options"],
                "state": poll["state"],
                "revealed": poll["revealed"],
                "results": poll["results"],
            }
            for poll in rm.polls(s)
        ]
        started = [
            (e.at, e.data)
            for e in s.exec(select(LogEntry).where(LogEntry.kind == "PhaseStarted").order_by(col(LogEntry.version)))
        ]
        agenda = [
            {
                "phase": data["phase_id"],
                "title": in_language(plan.agenda[data["phase"]].title, lang),
                "kind": plan.agenda[data["phase"]].kind.value,
                "minutes": plan.agenda[data["phase"]].minutes,
                "started_at": _iso(at),
                "started_local": time.strftime("%H:%M", time.localtime(at)),
            }
            for at, data in started
            if data["phase"] < len(plan.agenda)
        ]
        first = s.exec(select(func.min(LogEntry.at))).one()
        return {
            "event": {
                "id": plan.event.id,
                "title": in_language(plan.event.title, lang),
                "subtitle": in_language(plan.event.subtitle, lang),
                "place": in_language(plan.event.place, lang),
                "date": plan.event.date.isoformat()
                if plan.event.date
                else time.strftime("%Y-%m-%d", time.localtime(first))
                if first
                else "",
                "exported_at": _iso(time.time()),
                "version": service.version(s),
                "voting": plan.voting.model_dump(),
                "language": lang,
                "export_format": EXPORT_FORMAT,
            },
            "table_labels": {str(t): table_label(t) for t in tables},
            "agenda_as_run": agenda,
            "questions": questions,
            "polls": polls,
            "axes": [{"id": a.id, "name": axis_name[a.id]} for a in plan.axes],
            "participants": [who(p) for p in present],  # not those taken out
            # the categories and zones written as OTHERS: each had people, fewer than min_group (never "0")
            "small_groups": {field: sorted(values) for field, values in small.items()},
            "ideas": ideas,
            "idea_history": history,
            "themes": [
                {
                    "id": t.id,
                    "title": t.title,
                    **{f"title_{lang}": t.titles.get(lang, "") for lang in plan.event.languages[1:]},
                    "axis": t.axis or "",
                    "axis_name": axis_name.get(t.axis or "", ""),
                    "on_ballot": t.on_ballot,
                    "emptied": t.id in left_out,
                    "origin_event": (t.origin or {}).get("event", ""),
                    "origin_theme": (t.origin or {}).get("theme", ""),
                }
                for t in themes.values()
            ],
            "rounds": round_rows,
            "votes": votes,
            "ranking": tally,
            "alignments": marks,
            "harvests": harvests,
        }


def _channel(tables: dict, table_id: int | None) -> str:
    return "" if table_id not in tables else ("online" if tables[table_id].online else "room")


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet will show as text, never run as a formula (OWASP's CSV injection rule): control
    characters are dropped and a cell starting like a formula gets a leading apostrophe. JSON keeps the exact text."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv(rows: list[dict], columns: list[str]) -> str:
    """UTF-8 with a byte-order mark, so Excel reads the accents right; comma-separated (docs/export-format.md
    says how to open it in an Excel set to Italian, whose own separator is the semicolon)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def ranking_rows(data: dict) -> list[dict]:
    """The overall ranking and every breakdown, as (dimension, group) rows of one table."""
    titles = {t["id"]: t for t in data["themes"]}
    tally = data["ranking"]
    current = str(tally["round"])
    sections = [("overall", "", tally["ranking"])]
    sections += [("round", number, places) for number, places in tally.get("by_round", {}).items() if number != current]
    sections += [("axis", axis, places) for axis, places in tally.get("by_axis", {}).items()]
    for dimension in ("table", "channel", "category", "zone"):
        sections += [(dimension, group, places) for group, places in tally.get(f"by_{dimension}", {}).items()]
    return [
        {
            "dimension": dim,
            "group": group,
            "rank": p["rank"],
            "theme": p["theme"],
            "theme_title": titles[p["theme"]]["title"],
            "axis": titles[p["theme"]]["axis"],
            "dots": p["dots"],
            "voters": p["voters"],
        }
        for dim, group, places in sections
        for p in places
    ]


Table = tuple[list[str], list[dict]]  # columns, rows


def tables(data: dict) -> dict[str, Table]:
    """Every table of the export, by name: the CSV zip has one file each, the workbook one sheet each."""
    first = lambda rows, default: list(rows[0]) if rows else default  # noqa: E731
    return {
        "ideas": (
            [
                "id",
                "table",
                "channel",
                "axis",
                "axis_name",
                "kind",
                "text",
                "author_role",
                "category",
                "zone",
                "hidden",
                "held",
                "starred",
                "merged_into",
                "theme",
                "theme_title",
                "created_at",
                "origin_event",
                "origin_idea",
                "origin_table",
                "origin_channel",
            ],
            data["ideas"],
        ),
        "idea_history": (["idea", "action", "text", "axis", "kind", "by", "at"], data["idea_history"]),
        "alignments": (
            ["zone", "zone_name", "about", "id", "text", "axis", "axis_name", "verdict", "note", "by"],
            data["alignments"],
        ),
        "harvests": (["table", "phase", "step", "step_title", "text", "by", "at"], data["harvests"]),
        "themes": (
            first(
                data["themes"],
                ["id", "title", "axis", "axis_name", "on_ballot", "emptied", "origin_event", "origin_theme"],
            ),
            data["themes"],
        ),
        "votes": (
            [
                "round",
                "method",
                "participant",
                "table",
                "channel",
                "category",
                "zone",
                "proxied",
                "theme",
                "theme_title",
                "axis",
                "dots",
            ],
            data["votes"],
        ),
        "rounds": (
            ["round", "method", "budget", "cap", "state", "revealed", "made_from", "ballot"],
            [{**r, "ballot": " ".join(map(str, r["ballot"]))} for r in data["rounds"]],
        ),
        "ranking": (
            ["dimension", "group", "rank", "theme", "theme_title", "axis", "dots", "voters"],
            ranking_rows(data),
        ),
        "participants": (
            first(data["participants"], ["participant", "table", "channel", "category", "zone", "proxied"]),
            data["participants"],
        ),
    }


def to_csv_files(data: dict) -> dict[str, str]:
    return {f"{name}.csv": _csv(rows, columns) for name, (columns, rows) in tables(data).items()}


# The workbook is read by people (the steering committee filters it in Excel): its sheets and column headers are in
# the export's language. The CSV files and the JSON keep the stable keys below, for programs.
SHEET_NAMES = {
    "ideas": N_("Ideas"),
    "idea_history": N_("Idea history"),
    "alignments": N_("Alignments"),
    "harvests": N_("Table notes"),
    "themes": N_("Themes"),
    "votes": N_("Votes"),
    "rounds": N_("Rounds"),
    "ranking": N_("Ranking"),
    "participants": N_("Participants"),
}
COLUMN_HEADERS = {
    "id": N_("Number"),
    "idea": N_("Idea"),
    "table": N_("Table"),
    "channel": N_("Channel"),
    "axis": N_("Axis"),
    "axis_name": N_("Axis name"),
    "kind": N_("Kind"),
    "text": N_("Text"),
    "author_role": N_("Written by"),
    "category": N_("Category"),
    "zone": N_("Zone"),
    "zone_name": N_("Zone name"),
    "hidden": N_("Hidden"),
    "held": N_("Held for approval"),
    "starred": N_("Starred"),
    "merged_into": N_("Merged into"),
    "theme": N_("Theme"),
    "theme_title": N_("Theme title"),
    "created_at": N_("Written at (UTC)"),
    "origin_event": N_("From event"),
    "origin_idea": N_("Idea there"),
    "origin_table": N_("Table there"),
    "origin_channel": N_("Channel there"),
    "action": N_("Action"),
    "by": N_("By"),
    "at": N_("At (UTC)"),
    "about": N_("About"),
    "verdict": N_("Verdict"),
    "note": N_("Note"),
    "phase": N_("Phase"),
    "step": N_("Step"),
    "step_title": N_("Step title"),
    "title": N_("Title"),
    "on_ballot": N_("On the ballot"),
    "emptied": N_("Emptied by regrouping"),
    "origin_theme": N_("Theme there"),
    "round": N_("Round"),
    "method": N_("Method"),
    "participant": N_("Participant"),
    "proxied": N_("Voted by a helper"),
    "dots": N_("Dots or points"),
    "budget": N_("Budget"),
    "cap": N_("Cap"),
    "state": N_("State"),
    "revealed": N_("Revealed"),
    "made_from": N_("Made from"),
    "ballot": N_("Ballot"),
    "dimension": N_("Breakdown"),
    "group": N_("Group name"),
    "rank": N_("Place"),
    "voters": N_("Voters"),
}


def column_header(column: str, gettext: Callable[..., str]) -> str:
    """A column's header for people: "Testo", "Titolo (en)"; a column this table does not know keeps its key."""
    if column in COLUMN_HEADERS:
        return gettext(COLUMN_HEADERS[column])
    if column.startswith("title_"):
        return gettext("Title (%(lang)s)", lang=column.removeprefix("title_"))
    return column


def to_xlsx(data: dict, gettext: Callable[..., str]) -> bytes:
    """One workbook, a sheet per table of the CSV zip, its sheets and headers in the export's language: the header
    bold, frozen and filtered, columns as wide as their content (within reason), numbers as numbers, and the same
    formula-safe text as the CSVs."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in tables(data).items():
        sheet = book.create_sheet(gettext(SHEET_NAMES[name])[:31])
        headers = [column_header(column, gettext) for column in columns]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(row.get(column)) for column in columns])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions  # a filter on every column: "only table 3", "only axis 2"
        for index, (column, header) in enumerate(zip(columns, headers, strict=True), start=1):
            longest = max([len(header), *(len(str(row.get(column, ""))) for row in rows[:2000])])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, max(8, longest + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def to_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# --- Pabulib ---------------------------------------------------------------------------------------------

PABULIB_VOTE_TYPE = {"dots": "cumulative", "points": "cumulative", "borda": "ordinal"}


def _pb_text(value: object) -> str:
    """A field of a Pabulib file: one line (readers split the file into lines before the CSV parser)."""
    return re.sub(r"[\r\n\x00-\x1f\x7f]+", " ", str(value)).strip()


def to_pabulib(data: dict) -> dict[str, str]:
    """Each opened round's anonymous raw ballots as a Pabulib file (pabulib.org; `docs/export-format.md`), so
    anyone can recount it with their own tools: META (the round's rules), PROJECTS (the items on its ballot,
    with their totals) and VOTES (one line per voter: the items, and the dots or points given to each; for a
    Borda round the items in the voter's order, first preferred first). Voters are numbered anew 1, 2, 3 …
    per file; no name, token or participant number is in it."""
    files = {}
    event = data["event"]
    themes = {t["id"]: t for t in data["themes"]}
    for r in data["rounds"]:
        if r["state"] == "not_open":
            continue
        method = r["method"]
        ballots: dict[Any, list[dict]] = {}
        for vote in data["votes"]:
            if vote["round"] == r["round"]:
                ballots.setdefault(vote["participant"], []).append(vote)
        totals: Counter[object] = Counter()
        voters: Counter[object] = Counter()
        for given in ballots.values():
            for vote in given:
                totals[vote["theme"]] += vote["dots"]
                voters[vote["theme"]] += 1
        meta = {
            "description": f"{event['title']} — round {r['round']} ({method})",
            "country": "Italy" if event["language"] == "it" else "",
            "unit": event.get("place", ""),
            "instance": f"{event['id']} round {r['round']}",
            "num_projects": len(r["ballot"]),
            "num_votes": len(ballots),
            "budget": len(r["ballot"]),  # a ranking of priorities, not money: every item costs 1
            "vote_type": PABULIB_VOTE_TYPE[method],
            "rule": "borda" if method == "borda" else "greedy",
            "date_begin": event.get("date", ""),
            "date_end": event.get("date", ""),
            "language": event["language"],
            "edition": r["round"],
            "comment": f"facilitation export format {EXPORT_FORMAT}; {r.get('made_from') or 'ballot set by hand'}",
        }
        if method == "borda":
            meta |= {"min_length": 1, "max_length": r["budget"]}
        else:
            meta |= {"max_sum_points": r["budget"], "max_points": r["cap"]}
            if method == "points":
                meta["min_sum_points"] = r["budget"]
        buffer = io.StringIO()
        out = csv.writer(buffer, delimiter=";", lineterminator="\n")
        out.writerow(["META"])
        out.writerow(["key", "value"])
        out.writerows([key, _pb_text(value)] for key, value in meta.items() if value != "")
        out.writerow(["PROJECTS"])
        out.writerow(["project_id", "cost", "votes", "score", "name", "category"])
        for theme_id in r["ballot"]:
            theme = themes.get(theme_id, {})
            out.writerow(
                [
                    theme_id,
                    1,
                    voters[theme_id],
                    totals[theme_id],
                    _pb_text(theme.get("title", "")),
                    _pb_text(theme.get("axis", "")) or "none",
                ]
            )
        out.writerow(["VOTES"])
        header = ["voter_id", "vote"] if method == "borda" else ["voter_id", "vote", "points"]
        out.writerow([*header, "voting_method", "district"])
        for number, (_participant, given) in enumerate(sorted(ballots.items(), key=lambda kv: kv[0] or 0), 1):
            given = sorted(given, key=lambda v: (-v["dots"], v["theme"]))
            row = [number, ",".join(str(v["theme"]) for v in given)]
            if method != "borda":
                row.append(",".join(str(v["dots"]) for v in given))
            first = given[0]
            row += [
                "paper" if first["proxied"] else "internet" if first["channel"] == "online" else "in-room",
                first["zone"] or "none",
            ]
            out.writerow(row)
        files[f"{event['id']}-round-{r['round']}.pb"] = buffer.getvalue()
    return files
