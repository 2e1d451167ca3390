"""The report for the steering committee: one PDF in the plan's language, made from the export's data, the same
afternoon. fpdf2 draws it (pure Python: it installs with pip alone on Debian, macOS and Windows) with the
DejaVu Sans fonts shipped in `static/fonts`, so accented Italian renders the same on every laptop; the charts
are drawn bars, no plotting library.

Sections: the cover (where, when, who came: room and online, by category and zona omogenea), the agenda as
run, the ranking of every round overall and per axis, the breakdowns by channel, category, zone and table,
the themes with their ideas and quotes, questions, polls, alignments with local plans, the tables' notes,
and the method notes (the rules of each round, how many voted, ties)."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from facilitation import resources
from facilitation.domain.ranking import OTHERS
from facilitation.plan import Plan

FONT = "DejaVu"
INK, MUTED, LINE, TRACK = (20, 24, 31), (95, 102, 115), (205, 210, 218), (232, 236, 242)
QUOTES_PER_THEME = 4
BREAKDOWN_TOP = 3  # places shown per group in the breakdown tables


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def _name(text: dict | None, lang: str) -> str:
    return "" if not text else text.get(lang) or next(iter(text.values()))


class Report(FPDF):
    def __init__(self, title: str, footer: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        fonts = resources.folder("static") / "fonts"
        self.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.doc_title, self.footer_text = title, footer
        self.set_title(title)
        self.set_creator("facilitation")

    def footer(self):
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.doc_title} · {self.footer_text} {self.page_no()}", align="C")

    # --- building blocks ---------------------------------------------------------------------------

    def heading(self, text: str, size: float = 16) -> None:
        if self.get_y() > self.h - 60:
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.set_text_color(*INK)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def text(self, text: str, size: float = 10, bold: bool = False, color=INK) -> None:  # noqa: A003
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.48, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bars(self, rows: list[tuple[str, str, float, str, tuple[int, int, int]]], size: float = 9.5) -> None:
        """A bar chart as rows: (rank, label, value, value text, colour). Bars are scaled to the largest value."""
        top = max([value for _, _, value, _, _ in rows] or [1]) or 1
        width = self.w - self.l_margin - self.r_margin
        label_w, bar_w, value_w = width * 0.50, width * 0.34, width * 0.16 - 8
        self.set_font(FONT, "", size)
        for rank, label, value, shown, color in rows:
            if self.get_y() > self.h - 25:
                self.add_page()
                self.set_font(FONT, "", size)
            y = self.get_y()
            self.set_text_color(*MUTED)
            self.cell(8, 6, rank, align="R")
            self.set_text_color(*INK)
            self.cell(label_w, 6, self._fit(label, label_w - 2))
            x = self.get_x()
            self.set_fill_color(*TRACK)
            self.rect(x, y + 1.2, bar_w, 3.6, style="F")
            self.set_fill_color(*color)
            if value > 0:
                self.rect(x, y + 1.2, max(0.6, bar_w * value / top), 3.6, style="F")
            self.set_x(x + bar_w)
            self.set_font(FONT, "B", size)
            self.cell(value_w, 6, shown, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_font(FONT, "", size)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
        if not rows:
            return
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*INK)
        self.set_draw_color(*LINE)
        self.set_fill_color(255, 255, 255)  # the rows alternate white and light grey
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.6, padding=1.2,
                        headings_style=_heading_style(), borders_layout="HORIZONTAL_LINES",
                        cell_fill_color=(247, 248, 250), cell_fill_mode="ROWS") as table:
            for row in [header, *rows]:
                line = table.row()
                for value in row:
                    line.cell(str(value))
        self.ln(2)

    def _fit(self, text: str, width: float) -> str:
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"


def _heading_style():
    from fpdf.fonts import FontFace
    return FontFace(emphasis="BOLD", color=INK, fill_color=TRACK)


def build(data: dict, plan: Plan, gettext: Callable[..., str]) -> bytes:
    """The report as PDF bytes, from `facilitation.reports.export.collect` data."""
    _ = gettext
    lang = data["event"]["language"]
    event = data["event"]
    themes = {t["id"]: t for t in data["themes"]}
    axis = {a.id: a for a in plan.axes}
    color = lambda axis_id: _rgb(axis[axis_id].color) if axis_id in axis else (110, 120, 135)  # noqa: E731
    title_of = lambda theme_id: themes[theme_id]["title"] if theme_id in themes else f"#{theme_id}"  # noqa: E731
    axis_of = lambda theme_id: themes.get(theme_id, {}).get("axis", "")  # noqa: E731

    live = [i for i in data["ideas"] if not i["hidden"] and not i["held"] and not i["merged_into"]]
    pdf = Report(event["title"], _("page"))
    pdf.add_page()

    # --- cover ---------------------------------------------------------------------------------------
    people = data["participants"]
    room = sum(1 for p in people if p["channel"] == "room")
    online = sum(1 for p in people if p["channel"] == "online")
    pdf.set_y(40)
    pdf.text(_("Report to the steering committee"), 12, color=MUTED)
    pdf.ln(2)
    pdf.text(event["title"], 22, bold=True)
    if event.get("subtitle"):
        pdf.text(event["subtitle"], 12, color=MUTED)
    pdf.ln(6)
    facts = [(_("Date"), event.get("date", "")), (_("Venue"), event.get("place", "")),
             (_("Participants"), _("%(n)s in all: %(room)s in the room, %(online)s online", n=len(people),
                                   room=room, online=online)),
             (_("Ideas"), str(len(live))),
             (_("Voters"), str(data["ranking"]["voters"]))]
    for label, value in facts:
        if value:
            pdf.set_font(FONT, "B", 11)
            pdf.set_text_color(*MUTED)
            pdf.cell(40, 7, label)
            pdf.set_font(FONT, "", 11)
            pdf.set_text_color(*INK)
            pdf.multi_cell(0, 7, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for heading, key, choices in ((_("Who came, by category"), "category", plan.categories),
                                  (_("Who came, by zona omogenea"), "zone", plan.zones)):
        if not choices:
            continue
        counts = Counter(p[key] for p in people)
        pdf.heading(heading, 12)
        rows = [("", _name(c.name, lang), counts.get(c.id, 0), str(counts.get(c.id, 0)), (70, 110, 170))
                for c in choices]
        rows.append(("", _("not said"), counts.get("", 0), str(counts.get("", 0)), (170, 175, 185)))
        pdf.bars(rows, 9)

    # --- agenda as run -------------------------------------------------------------------------------
    if data["agenda_as_run"]:
        pdf.add_page()
        pdf.heading(_("The agenda as run"))
        pdf.grid([_("Started"), _("Phase"), _("Planned")],
                 [[row["started_local"], row["title"], f"{row['minutes']} min"] for row in data["agenda_as_run"]],
                 widths=[18, 120, 24])

    # --- what people said, by axis -------------------------------------------------------------------
    if live:
        per_axis = Counter(i["axis"] for i in live)
        pdf.heading(_("Ideas by axis"), 12)
        pdf.bars([("", _name(a.name, lang), per_axis.get(a.id, 0), str(per_axis.get(a.id, 0)), _rgb(a.color))
                  for a in plan.axes], 9)

    # --- results -------------------------------------------------------------------------------------
    tally = data["ranking"]
    by_round = tally.get("by_round") or {str(tally["round"]): tally["ranking"]}
    rounds = {r["round"]: r for r in data["rounds"]}
    voted = [number for number in sorted(by_round, key=int, reverse=True)
             if by_round[number] and rounds.get(int(number), {}).get("state") != "not_open"]
    unit = {"dots": _("dots"), "points": _("points"), "borda": _("points (Borda)")}
    if voted:
        pdf.add_page()
        pdf.heading(_("The priorities"))
    for number in voted:
        places, info = by_round[number], rounds.get(int(number), {})
        pdf.heading(_("Round %(n)s: %(method)s", n=number, method=_method(info, _)), 12)
        pdf.bars([(str(p["rank"]), title_of(p["theme"]), p["dots"], str(p["dots"]), color(axis_of(p["theme"])))
                  for p in places])
        pdf.text(_("In %(unit)s; the number of voters per theme is in the tables below.", unit=unit.get(
            info.get("method", "dots"), _("dots"))), 8, color=MUTED)
    by_axis = {axis_id: places for axis_id, places in (tally.get("by_axis") or {}).items() if places}
    if voted and by_axis:
        pdf.heading(_("By axis (round %(n)s)", n=tally["round"]), 12)
        for axis_id, places in by_axis.items():
            pdf.text(_name(axis[axis_id].name, lang) if axis_id in axis else axis_id, 10, bold=True)
            pdf.bars([(str(i + 1), title_of(p["theme"]), p["dots"], str(p["dots"]), color(axis_id))
                      for i, p in enumerate(places)], 9)
            pdf.ln(1)

    # --- breakdowns ----------------------------------------------------------------------------------
    groups = [("by_channel", _("In the room and online"), lambda k: _("online") if k == "online" else _("room")),
              ("by_category", _("By category"),
               lambda k: _name(next((c.name for c in plan.categories if c.id == k), None), lang) or _("not said")),
              ("by_zone", _("By zona omogenea"),
               lambda k: _name(next((z.name for z in plan.zones if z.id == k), None), lang) or _("not said")),
              ("by_table", _("By table"), lambda k: _table_label(data["table_labels"].get(k, k), _))]
    if voted and any(tally.get(key) for key, _title, _label in groups):
        pdf.add_page()
        pdf.heading(_("Who preferred what (round %(n)s)", n=tally["round"]))
        pdf.text(_("The first %(n)s places of each group, with their score and voters.", n=BREAKDOWN_TOP), 9,
                 color=MUTED)
        if plan.privacy.min_group > 1:
            pdf.text(_("Groups of fewer than %(n)s people are not shown alone: they are counted together as "
                       "'other groups'.", n=plan.privacy.min_group), 9, color=MUTED)
        for key, heading, label in groups:
            grouped = tally.get(key) or {}
            if not grouped:
                continue
            pdf.heading(heading, 12)
            rows = []
            # tables 1, 2 ... 10; the unknown and the merged small groups last
            order = (lambda g: (len(g), g)) if key == "by_table" else (lambda g: (g in ("", OTHERS), g))
            for group, places in sorted(grouped.items(), key=lambda item: order(item[0])):
                voted = [p for p in places if p["dots"] > 0][:BREAKDOWN_TOP]
                name = _("Other groups together") if group == OTHERS else label(group)
                firsts = " · ".join(f"{p['rank']}. {title_of(p['theme'])} ({p['dots']})" for p in voted) or "—"
                rows.append([name, firsts, str(max((p["voters"] for p in places), default=0))])
            pdf.grid([_("Group of participants"), _("First places"), _("Voters, most")], rows, widths=[40, 105, 29])

    # --- themes and their ideas ----------------------------------------------------------------------
    ideas_by_theme = defaultdict(list)
    for idea in data["ideas"]:
        if idea["theme"] and not idea["hidden"] and not idea["merged_into"]:
            ideas_by_theme[idea["theme"]].append(idea)
    if themes:
        pdf.add_page()
        pdf.heading(_("The themes and what people said"))
        for theme in data["themes"]:
            ideas = ideas_by_theme.get(theme["id"], [])
            pdf.text(theme["title"], 11, bold=True)
            pdf.text(_("%(axis)s · %(n)s ideas", axis=theme["axis_name"] or "—", n=len(ideas)), 8.5, color=MUTED)
            quotes = sorted(ideas, key=lambda i: (not i["starred"], i["id"]))[:QUOTES_PER_THEME]
            for idea in quotes:
                where = _table_label(idea["table"], _) if idea["table"] else ""
                pdf.text(f"“{idea['text']}”" + (f"  — {where}" if where else ""), 9)
            pdf.ln(2)

    ungrouped = [i for i in live if not i["theme"]]
    if ungrouped:
        if themes:
            pdf.ln(2)
        else:
            pdf.add_page()
        pdf.heading(_("Ideas not grouped into a theme, by axis") if themes else _("What people said, by axis"))
        for a in plan.axes:
            here = sorted((i for i in ungrouped if i["axis"] == a.id), key=lambda i: (not i["starred"], i["id"]))
            if not here:
                continue
            pdf.text(_name(a.name, lang), 11, bold=True)
            pdf.text(_("%(n)s ideas; the starred ones first", n=len(here)), 8.5, color=MUTED)
            for idea in here[:QUOTES_PER_THEME]:
                where = _table_label(idea["table"], _) if idea["table"] else ""
                pdf.text(f"“{idea['text']}”" + (f"  — {where}" if where else ""), 9)
            pdf.ln(1)

    # --- questions, polls, alignments, notes ---------------------------------------------------------
    shown = [q for q in data["questions"] if q["status"] == "shown"]
    if shown:
        pdf.add_page()
        pdf.heading(_("Questions from the floor and online"))
        pdf.grid([_("Supporters"), _("Question"), _("Answered by")],
                 [[str(q["votes"]), q["text"] + (f" ({q['name']})" if q["name"] else ""),
                   q["speaker"] or (_("answered") if q["answered"] else "")]
                  for q in sorted(shown, key=lambda q: -q["votes"])], widths=[18, 110, 46])
    answered_polls = [p for p in data["polls"] if p["state"] != "draft" and p["results"]["answers"]]
    if answered_polls:
        pdf.heading(_("Polls"))
        for poll in answered_polls:
            pdf.text(poll["question"], 10, bold=True)
            labels = ["1", "2", "3", "4", "5"] if poll["kind"] == "scale" else poll["options"]
            counts = poll["results"]["counts"]
            pdf.bars([("", label, counts[i], str(counts[i]), (70, 110, 170)) for i, label in enumerate(labels)], 9)
            mean = poll["results"].get("mean")
            pdf.text(_("%(n)s answers", n=poll["results"]["answers"]) + (f" · {_('mean')} {mean}" if mean else ""),
                     8.5, color=MUTED)
    if data["alignments"]:
        pdf.heading(_("Alignment with local plans, by zona omogenea"))
        verdicts = {"aligned": _("in line"), "partly": _("partly"), "misaligned": _("at odds")}
        pdf.grid([_("Zone"), _("About"), _("Verdict"), _("Note")],
                 [[a["zone_name"], a["text"], verdicts.get(a["verdict"], a["verdict"]), a["note"]]
                  for a in data["alignments"]], widths=[36, 70, 22, 46])
    if data["harvests"]:
        pdf.heading(_("The tables' notes of each round"))
        pdf.grid([_("Round"), _("Table"), _("Note")],
                 [[h["step_title"], h["table"], h["text"]] for h in data["harvests"]], widths=[44, 16, 114])

    # --- method --------------------------------------------------------------------------------------
    pdf.heading(_("Method notes"))
    for r in data["rounds"]:
        if r["state"] == "not_open":
            continue
        voters = len({v["participant"] for v in data["votes"] if v["round"] == r["round"]})
        places = by_round.get(str(r["round"]), [])
        ties = [[title_of(p["theme"]) for p in places if p["rank"] == rank]
                for rank in sorted({p["rank"] for p in places if p["dots"] > 0})]
        ties = [names for names in ties if len(names) > 1]
        line = _("Round %(n)s: %(method)s; %(voters)s people voted on %(items)s themes.", n=r["round"],
                 method=_method(r, _), voters=voters, items=len(r["ballot"]))
        if ties:
            line += " " + _("Ties: %(ties)s.", ties="; ".join(" = ".join(names) for names in ties))
        pdf.text("• " + line, 9.5)
    proxied = sum(1 for p in people if p["proxied"])
    notes = [_("Results were hidden until the facilitator revealed them.") if plan.voting.hide_results_until_reveal
             else _("Results were shown live."),
             _("Each phone saw the ballot in an order of its own, against order bias."),
             _("Participants are anonymous: no names are asked; category and zone are optional.")]
    if proxied:
        notes.append(_("%(n)s people without a phone voted on paper ballots, entered by their table facilitator.",
                       n=proxied))
    for note in notes:
        pdf.text("• " + note, 9.5)
    return bytes(pdf.output())


def _table_label(label: str, _) -> str:
    """"3" -> "Table 3"; "online-2" -> "Online group 2"."""
    if label.startswith("online-"):
        return _("Online group %(n)s", n=label.removeprefix("online-"))
    return _("Table %(n)s", n=label)


def _method(info: dict, _) -> str:
    method, budget = info.get("method", "dots"), info.get("budget", 0)
    if method == "points":
        return _("%(n)s points to share", n=budget)
    if method == "borda":
        return _("ranking of the top %(n)s (Borda count)", n=budget)
    return _("%(n)s dots each, at most %(cap)s on one theme", n=budget, cap=info.get("cap", budget))
