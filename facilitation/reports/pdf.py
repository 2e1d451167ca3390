"""The report for the steering committee: one PDF in the plan's language, made from the export's data, the same
afternoon. fpdf2 draws it (pure Python: it installs with pip alone on Debian, macOS and Windows) with the
DejaVu Sans fonts shipped in `static/fonts`, so accented Italian renders the same on every laptop; the charts
are drawn bars, no plotting library.

What it says is `facilitation.reports.content`'s blocks, which the printable web page shows too."""

from __future__ import annotations

from collections.abc import Callable

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from facilitation import resources
from facilitation.plan import Plan
from facilitation.reports import content

FONT = "DejaVu"
INK, MUTED, LINE, TRACK = (20, 24, 31), (95, 102, 115), (205, 210, 218), (232, 236, 242)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


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

    def text(self, text: str, size: float = 10, bold: bool = False, color=INK) -> None:  # type: ignore[override]  # noqa: A003, E501
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.48, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bars(self, rows: list[tuple[str, str, float, str, tuple[int, int, int]]], size: float = 9.5) -> None:
        """A bar chart as rows: (rank, label, value, value text, colour). Bars are scaled to the largest value."""
        top = max([value for _, _, value, _, _ in rows] or [1]) or 1
        width = self.w - self.l_margin - self.r_margin
        label_w, bar_w, value_w = width * 0.50, width * 0.34, width * 0.16 - 8
        self.set_font(FONT, "", size)
        line = 4.6  # mm a label's line: a long title takes two or three, never an ellipsis
        for rank, label, value, shown, color in rows:
            self.set_font(FONT, "", size)
            lines = self.multi_cell(label_w - 2, line, label, dry_run=True, output=MethodReturnValue.LINES)
            height = max(6, len(lines) * line + 1.4)  # type: ignore[arg-type]  # LINES asked: a list
            if self.get_y() + height > self.h - 20:
                self.add_page()
            y = self.get_y()
            self.set_text_color(*MUTED)
            self.cell(8, 6, rank, align="R")
            self.set_text_color(*INK)
            x = self.get_x()
            self.set_xy(x, y + 0.7)
            self.multi_cell(label_w - 2, line, label, align="L")
            x += label_w
            self.set_fill_color(*TRACK)
            self.rect(x, y + 1.2, bar_w, 3.6, style="F")
            self.set_fill_color(*color)
            if value > 0:
                self.rect(x, y + 1.2, max(0.6, bar_w * value / top), 3.6, style="F")
            self.set_xy(x + bar_w, y)
            self.set_font(FONT, "B", size)
            if self.get_string_width(shown) > value_w:  # a word, not a number ("fewer than 5"): whole, smaller
                self.set_font_size(size * value_w / self.get_string_width(shown))
            self.cell(value_w, 6, shown, align="R")
            self.set_xy(self.l_margin, y + height)
        self.set_font(FONT, "", size)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
        if not rows:
            return
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*INK)
        self.set_draw_color(*LINE)
        self.set_fill_color(255, 255, 255)  # the rows alternate white and light grey
        with self.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=4.6,
            padding=1.2,
            headings_style=_heading_style(),
            borders_layout="HORIZONTAL_LINES",
            cell_fill_color=(247, 248, 250),
            cell_fill_mode="ROWS",
        ) as table:
            for row in [header, *rows]:
                line = table.row()
                for value in row:
                    line.cell(str(value))
        self.ln(2)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", color=INK, fill_color=TRACK)


STYLES = {  # text style -> (size, bold, colour)
    "lead": (12, False, MUTED),
    "title": (22, True, INK),
    "body": (10, False, INK),
    "strong": (10.5, True, INK),
    "quote": (9, False, INK),
    "note": (8.5, False, MUTED),
    "bullet": (9.5, False, INK),
}


def build(data: dict, plan: Plan, gettext: Callable[..., str]) -> bytes:
    """The report as PDF bytes, from `facilitation.reports.export.collect` data."""
    pdf = Report(data["event"]["title"], gettext("page"))
    pdf.add_page()
    pdf.set_y(40)  # the cover starts lower
    blocks = content.blocks(data, plan, gettext)
    for index, block in enumerate(blocks):
        keep_together(pdf, block, blocks[index + 1] if index + 1 < len(blocks) else None)
        draw(pdf, block)
    return bytes(pdf.output())


def _height(block: content.Block) -> float:
    """About how tall a block is drawn, in mm (for keeping a short chart or a heading on one page)."""
    if block.kind == "bars":
        return 6 * len(block.bars) + 2
    if block.kind == "grid":
        return 5 * min(len(block.rows), 4) + 8
    return 8 if block.kind == "text" else 0


def keep_together(pdf: Report, block: content.Block, following: content.Block | None) -> None:
    """A new page rather than a heading alone at the foot of one, or a short chart split over two."""
    if pdf.get_y() <= pdf.t_margin + 30:
        return
    room = pdf.h - pdf.b_margin - 7 - pdf.get_y()
    if block.kind == "heading" and following is not None:
        need = 16 + min(_height(following), 90)
    elif block.kind == "bars":
        need = _height(block) if _height(block) <= 90 else 0
    else:
        return
    if need > room:
        pdf.add_page()


def draw(pdf: Report, block: content.Block) -> None:
    if block.kind == "page":
        pdf.add_page()
    elif block.kind == "heading":
        pdf.heading(block.text, 16 if block.level == 1 else 12)
    elif block.kind == "text":
        size, bold, color = STYLES[block.style]
        pdf.text(("• " if block.style == "bullet" else "") + block.text, size, bold=bold, color=color)
        if block.style in ("lead", "title") and pdf.page_no() == 1:
            pdf.ln(2)
    elif block.kind == "bars":
        pdf.bars(
            [(b.rank, b.label, b.value, b.shown, _rgb(b.color)) for b in block.bars],
            9 if block.style == "small" else 9.5,
        )
    elif block.kind == "grid":
        pdf.grid(block.header, block.rows, block.widths)
    elif block.kind == "facts":
        pdf.ln(4)
        for label, value in block.facts:
            pdf.set_font(FONT, "B", 11)
            pdf.set_text_color(*MUTED)
            pdf.cell(40, 7, label)
            pdf.set_font(FONT, "", 11)
            pdf.set_text_color(*INK)
            pdf.multi_cell(0, 7, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif block.kind == "space":
        pdf.ln(2)
