"""What the steering committee's report says, once: a list of blocks (headings, texts, bar charts, tables) made
from the export's data. `facilitation.reports.pdf` draws them as the PDF; `templates/report.html` shows them as
the printable web page and, without what is for the committee only, as the public results page.

Sections: the cover (where, when, who came: room and online, by category and zona omogenea), the agenda as
run, the ranking of every round overall and per axis, the breakdowns by channel, category, zone and table,
the themes with their ideas and quotes, questions, polls, alignments with local plans, the tables' notes,
and the method notes (the rules of each round, how many voted, ties)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from facilitation.domain.ranking import OTHERS
from facilitation.labels import key_label, method_label
from facilitation.plan import Plan, in_language

QUOTES_PER_THEME = 4
BREAKDOWN_TOP = 3  # places shown per group in the breakdown tables
BREAKDOWN_CHART = 5  # places charted per group where the groups are few (room and online, categories)
CHARTED = ("by_channel", "by_category")
NEUTRAL, PEOPLE, UNSAID = "#6e7887", "#466eaa", "#aaafb9"


@dataclass(frozen=True)
class Bar:
    rank: str
    label: str
    value: float
    shown: str
    color: str  # "#rrggbb"


@dataclass
class Block:
    """kind: page (a new page in print), heading (level 1 or 2), text (style: lead, title, body, strong, quote,
    note, bullet), bars, grid (header, rows, widths in mm of an A4 page), facts (label, value pairs), space."""

    kind: str
    text: str = ""
    level: int = 1
    style: str = "body"
    bars: list[Bar] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)


def blocks(data: dict, plan: Plan, gettext: Callable[..., str], public: bool = False) -> list[Block]:
    """The report as blocks. `public`: worded for the results page for everyone, whose data the presenter has
    already cut (facilitation.services.presenter.public_report): only revealed results, and none of the
    committee's working material (breakdowns by group, marks against local plans, tables' notes)."""
    _ = gettext
    out: list[Block] = []
    page = lambda: out.append(Block("page"))  # noqa: E731
    heading = lambda text, level=1: out.append(Block("heading", text, level=level))  # noqa: E731
    text = lambda value, style="body": out.append(Block("text", value, style=style))  # noqa: E731
    bars = lambda rows, small=False: out.append(Block("bars", bars=rows, style="small" if small else "body"))  # noqa: E731

    lang = data["event"]["language"]
    event = data["event"]
    themes = {t["id"]: t for t in data["themes"]}
    axis = {a.id: a for a in plan.axes}
    color = lambda axis_id: axis[axis_id].color if axis_id in axis else NEUTRAL  # noqa: E731
    # a theme's title in the report's language when the theme team wrote it, else in the plan's first
    title_in = lambda t: t.get(f"title_{lang}") or t["title"]  # noqa: E731
    title_of = lambda theme_id: title_in(themes[theme_id]) if theme_id in themes else f"#{theme_id}"  # noqa: E731
    axis_of = lambda theme_id: themes.get(theme_id, {}).get("axis", "")  # noqa: E731
    live = [i for i in data["ideas"] if not i["hidden"] and not i["held"] and not i["merged_into"]]

    def table_label(label: str) -> str:
        """This event's table "3" by its name in the plan (a thematic table), else "Table 3"."""
        return key_label(label, lang, plan)

    # --- cover ---------------------------------------------------------------------------------------
    people = data["participants"]
    room = sum(1 for p in people if p["channel"] == "room")
    online = sum(1 for p in people if p["channel"] == "online")
    text(_("What came of the event") if public else _("Report to the steering committee"), "lead")
    text(event["title"], "title")
    if event.get("subtitle"):
        text(event["subtitle"], "lead")
    facts = [
        (_("Date"), event.get("date", "")),
        (_("Venue"), event.get("place", "")),
        (
            _("Participants"),
            _("%(n)s in all: %(room)s in the room, %(online)s online", n=len(people), room=room, online=online),
        ),
        (_("Ideas"), _ideas_fact(live, _)),
        (_("Voters"), str(data["ranking"]["voters"])),
    ]
    out.append(Block("facts", facts=[(label, value) for label, value in facts if value]))
    for title, key, choices in (
        (_("Who came, by category"), "category", plan.categories),
        (_("Who came, by zona omogenea"), "zone", plan.zones),
    ):
        if not choices:
            continue
        counts = Counter(p[key] for p in people)
        pooled = set(data.get("small_groups", {}).get(key, ()))
        few = _("fewer than %(n)s", n=plan.privacy.min_group)  # counted together below: some, never "0"
        heading(title, 2)
        rows = [
            Bar("", in_language(c.name, lang), 0, few, PEOPLE)
            if c.id in pooled
            else Bar("", in_language(c.name, lang), counts.get(c.id, 0), str(counts.get(c.id, 0)), PEOPLE)
            for c in choices
        ]
        if counts.get(OTHERS):
            rows.append(Bar("", _("Other groups together"), counts[OTHERS], str(counts[OTHERS]), PEOPLE))
        rows.append(Bar("", _("not said"), counts.get("", 0), str(counts.get("", 0)), UNSAID))
        bars(rows, small=True)

    # --- agenda as run -------------------------------------------------------------------------------
    if data["agenda_as_run"]:
        page()
        heading(_("The agenda as run"))
        out.append(
            Block(
                "grid",
                header=[_("Started"), _("Phase"), _("Planned")],
                rows=[[row["started_local"], row["title"], f"{row['minutes']} min"] for row in data["agenda_as_run"]],
                widths=[18, 120, 24],
            )
        )

    # --- what people said, by axis -------------------------------------------------------------------
    if live:
        per_axis = Counter(i["axis"] for i in live)
        heading(_("Ideas by axis"), 2)
        bars(
            [
                Bar("", in_language(a.name, lang), per_axis.get(a.id, 0), str(per_axis.get(a.id, 0)), a.color)
                for a in plan.axes
            ],
            small=True,
        )

    # --- results -------------------------------------------------------------------------------------
    tally = data["ranking"]
    by_round = tally.get("by_round") or {str(tally["round"]): tally["ranking"]}
    rounds = {r["round"]: r for r in data["rounds"]}
    voted = [
        number
        for number in sorted(by_round, key=int, reverse=True)
        if by_round[number] and rounds.get(int(number), {}).get("state") != "not_open"
    ]
    unit = {"dots": _("dots"), "points": _("points"), "borda": _("points (Borda)")}
    if voted:
        page()
        heading(_("The priorities"))
    for number in voted:
        places, info = by_round[number], rounds.get(int(number), {})
        heading(_("Round %(n)s: %(method)s", n=number, method=_method(info, _)), 2)
        bars(
            [
                Bar(str(p["rank"]), title_of(p["theme"]), p["dots"], str(p["dots"]), color(axis_of(p["theme"])))
                for p in places
            ]
        )
        text(
            _(
                "In %(unit)s; the number of voters per theme is in the tables below.",
                unit=unit.get(info.get("method", "dots"), _("dots")),
            )
            if not public
            else _("In %(unit)s.", unit=unit.get(info.get("method", "dots"), _("dots"))),
            "note",
        )
    current_shown = str(tally["round"]) in voted
    by_axis = {axis_id: places for axis_id, places in (tally.get("by_axis") or {}).items() if places}
    if current_shown and by_axis:
        heading(_("By axis (round %(n)s)", n=tally["round"]), 2)
        for axis_id, places in by_axis.items():
            text(in_language(axis[axis_id].name, lang) if axis_id in axis else axis_id, "strong")
            bars(
                [
                    Bar(str(i + 1), title_of(p["theme"]), p["dots"], str(p["dots"]), color(axis_id))
                    for i, p in enumerate(places)
                ],
                small=True,
            )
            out.append(Block("space"))

    # --- breakdowns ----------------------------------------------------------------------------------
    groups = [
        ("by_channel", _("In the room and online"), lambda k: _("online") if k == "online" else _("room")),
        (
            "by_category",
            _("By category"),
            lambda k: in_language(next((c.name for c in plan.categories if c.id == k), None), lang) or _("not said"),
        ),
        (
            "by_zone",
            _("By zona omogenea"),
            lambda k: in_language(next((z.name for z in plan.zones if z.id == k), None), lang) or _("not said"),
        ),
        ("by_table", _("By table"), lambda k: table_label(data["table_labels"].get(k, k))),
    ]
    if voted and any(tally.get(key) for key, _title, _label in groups):
        page()
        heading(_("Who preferred what (round %(n)s)", n=tally["round"]))
        text(
            _(
                "Room and online, and the categories: the first %(chart)s places of each, charted. Zones and "
                "tables: the first %(n)s places of each, with their score and voters.",
                chart=BREAKDOWN_CHART,
                n=BREAKDOWN_TOP,
            ),
            "note",
        )
        if plan.privacy.min_group > 1:
            text(
                _(
                    "Groups of fewer than %(n)s people are not shown alone: they are counted together as "
                    "'other groups'.",
                    n=plan.privacy.min_group,
                ),
                "note",
            )
        for key, title, label in groups:
            grouped = tally.get(key) or {}
            if not grouped:
                continue
            heading(title, 2)
            grid_rows: list[list[str]] = []
            # tables 1, 2 ... 10; the unknown and the merged small groups last
            order = (lambda g: (len(g), g)) if key == "by_table" else (lambda g: (g in ("", OTHERS), g))
            if key in CHARTED:  # a few large groups: a chart each, to compare at a glance
                for group, places in sorted(grouped.items(), key=lambda item: order(item[0])):
                    firsts = [p for p in places if p["dots"] > 0][:BREAKDOWN_CHART]
                    field = key.removeprefix("by_")
                    voters = len(
                        {
                            v["participant"]
                            for v in data["votes"]
                            if v["round"] == tally["round"] and (v[field] or "") == group
                        }
                    )
                    name = _("Other groups together") if group == OTHERS else label(group)
                    text(_("%(group)s · %(n)s voters", group=name, n=voters), "strong")
                    bars(
                        [
                            Bar(
                                str(p["rank"]),
                                title_of(p["theme"]),
                                p["dots"],
                                str(p["dots"]),
                                color(axis_of(p["theme"])),
                            )
                            for p in firsts
                        ],
                        small=True,
                    )
                continue
            for group, places in sorted(grouped.items(), key=lambda item: order(item[0])):
                firsts = [p for p in places if p["dots"] > 0][:BREAKDOWN_TOP]
                name = _("Other groups together") if group == OTHERS else label(group)
                shown = " · ".join(f"{p['rank']}. {title_of(p['theme'])} ({p['dots']})" for p in firsts) or "—"
                grid_rows.append([name, shown, str(max((p["voters"] for p in places), default=0))])
            out.append(
                Block(
                    "grid",
                    header=[_("Group of participants"), _("First places"), _("Voters, most")],
                    rows=grid_rows,
                    widths=[40, 105, 29],
                )
            )

    # --- themes and their ideas ----------------------------------------------------------------------
    ideas_by_theme = defaultdict(list)
    for idea in live:
        if idea["theme"]:
            ideas_by_theme[idea["theme"]].append(idea)

    def quote(idea: dict) -> None:
        where = table_label(idea["table"]) if idea["table"] else ""
        origin = idea.get("origin_event")
        if origin:  # imported from the listening event: the table it was written at there
            at = key_label(str(idea["origin_table"]), lang) if idea.get("origin_table") else ""
            where = ", ".join(x for x in (at, _("from %(event)s", event=origin)) if x)
        text(f"“{idea['text']}”" + (f"  — {where}" if where else ""), "quote")

    if themes:
        page()
        heading(_("The themes and what people said"))
        for theme in data["themes"]:
            if theme.get("emptied"):  # regrouping left it with no idea: nothing to say of it
                continue
            ideas = ideas_by_theme.get(theme["id"], [])
            text(title_in(theme), "strong")
            text(_("%(axis)s · %(n)s ideas", axis=theme["axis_name"] or "—", n=len(ideas)), "note")
            for idea in sorted(ideas, key=lambda i: (not i["starred"], i["id"]))[:QUOTES_PER_THEME]:
                quote(idea)
            out.append(Block("space"))

    ungrouped = [i for i in live if not i["theme"]]
    if ungrouped:
        if themes:
            out.append(Block("space"))
        else:
            page()
        heading(_("Ideas not grouped into a theme, by axis") if themes else _("What people said, by axis"))
        for a in plan.axes:
            here = sorted((i for i in ungrouped if i["axis"] == a.id), key=lambda i: (not i["starred"], i["id"]))
            if not here:
                continue
            text(in_language(a.name, lang), "strong")
            text(_("%(n)s ideas; the starred ones first", n=len(here)), "note")
            for idea in here[:QUOTES_PER_THEME]:
                quote(idea)
            out.append(Block("space"))

    # --- questions, polls, alignments, notes ---------------------------------------------------------
    questions = [q for q in data["questions"] if q["status"] == "shown"]
    if questions:
        page()
        heading(_("Questions from the floor and online"))
        out.append(
            Block(
                "grid",
                header=[_("Supporters"), _("Question"), _("Answered by")],
                rows=[
                    [
                        str(q["votes"]),
                        q["text"] + (f" ({q['name']})" if q["name"] else ""),
                        q["speaker"] or (_("answered") if q["answered"] else ""),
                    ]
                    for q in sorted(questions, key=lambda q: -q["votes"])
                ],
                widths=[18, 110, 46],
            )
        )
    answered_polls = [p for p in data["polls"] if p["state"] != "draft" and p["results"]["answers"]]
    if answered_polls:
        heading(_("Polls"))
        for poll in answered_polls:
            text(poll["question"], "strong")
            labels = ["1", "2", "3", "4", "5"] if poll["kind"] == "scale" else poll["options"]
            counts = poll["results"]["counts"]
            bars([Bar("", label, counts[i], str(counts[i]), PEOPLE) for i, label in enumerate(labels)], small=True)
            mean = poll["results"].get("mean")
            text(_("%(n)s answers", n=poll["results"]["answers"]) + (f" · {_('mean')} {mean}" if mean else ""), "note")
    if data["alignments"]:
        heading(_("Alignment with local plans, by zona omogenea"))
        verdicts = {"aligned": _("in line"), "partly": _("partly"), "misaligned": _("at odds")}
        out.append(
            Block(
                "grid",
                header=[_("Zone"), _("About"), _("Verdict"), _("Note")],
                rows=[
                    [a["zone_name"], a["text"], verdicts.get(a["verdict"], a["verdict"]), a["note"]]
                    for a in data["alignments"]
                ],
                widths=[36, 70, 22, 46],
            )
        )
    if data["harvests"]:
        heading(_("The tables' notes of each round"))
        out.append(
            Block(
                "grid",
                header=[_("Round"), _("Table"), _("Note")],
                rows=[[h["step_title"], h["table"], h["text"]] for h in data["harvests"]],
                widths=[44, 16, 114],
            )
        )

    # --- method --------------------------------------------------------------------------------------
    heading(_("Method notes"))
    for r in data["rounds"]:
        if r["state"] == "not_open" or (public and str(r["round"]) not in voted):
            continue
        voters = len({v["participant"] for v in data["votes"] if v["round"] == r["round"]})
        places = by_round.get(str(r["round"]), [])
        ties = [
            [title_of(p["theme"]) for p in places if p["rank"] == rank]
            for rank in sorted({p["rank"] for p in places if p["dots"] > 0})
        ]
        ties = [names for names in ties if len(names) > 1]
        line = _(
            "Round %(n)s: %(method)s; %(voters)s people voted on %(items)s themes.",
            n=r["round"],
            method=_method(r, _),
            voters=voters,
            items=len(r["ballot"]),
        )
        if ties:
            line += " " + _("Ties: %(ties)s.", ties="; ".join(" = ".join(names) for names in ties))
        text(line, "bullet")
    imported = Counter(i["origin_event"] for i in data["ideas"] if i.get("origin_event"))
    for origin, n in sorted(imported.items()):
        text(
            _(
                "%(n)s ideas came from the listening event %(event)s, with their axis, table and theme.",
                n=n,
                event=origin,
            ),
            "bullet",
        )
    proxied = sum(1 for p in people if p["proxied"])
    if voted:
        notes = [
            _("Results were hidden until the facilitator revealed them.")
            if plan.voting.hide_results_until_reveal
            else _("Results were shown live."),
            _("Each phone saw the ballot in an order of its own, against order bias."),
        ]
    else:
        notes = [
            _("There was no vote at this event: what people said, and the themes gathered from it, are its result.")
        ]
    notes.append(_("Participants are anonymous: no names are asked; category and zone are optional."))
    if proxied:
        notes.append(
            _("%(n)s people without a phone voted on paper ballots, entered by their table facilitator.", n=proxied)
        )
    for note in notes:
        text(note, "bullet")
    return out


def _method(info: dict, _) -> str:
    """The round's method as the screens name it (facilitation.labels), with what a reader of a report also wants
    to know: how many dots one theme could take, which count a ranking used."""
    method, budget = info.get("method", "dots"), info.get("budget", 0)
    named = method_label(method, budget, _)
    if method == "borda":
        return _("%(method)s (Borda count)", method=named)
    if method == "dots":
        return _("%(method)s, at most %(cap)s on one theme", method=named, cap=info.get("cap", budget))
    return named


def _ideas_fact(live: list[dict], _) -> str:
    """The ideas counted on the cover: those of an earlier event (an import) are said apart, never added silently."""
    imported = Counter(i["origin_event"] for i in live if i.get("origin_event"))
    if not imported:
        return str(len(live))
    here = len(live) - sum(imported.values())
    earlier = ", ".join(_("%(n)s imported from %(event)s", n=n, event=event) for event, n in sorted(imported.items()))
    return _("%(n)s: %(here)s from this event, %(earlier)s", n=len(live), here=here, earlier=earlier)
