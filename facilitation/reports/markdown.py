"""The report as Markdown: the same blocks as the PDF and the web page (facilitation.reports.content), for a
wiki, an e-mail or a document to edit. Charts become tables with a bar of block characters."""

from __future__ import annotations

import re
from collections.abc import Callable

from facilitation.plan import Plan
from facilitation.reports import content

BAR_WIDTH = 20  # characters for the largest value of a chart


_INLINE = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "<": "&lt;"})


def _inline(text: object) -> str:
    """One line of participants' text, as text: no HTML a Markdown viewer would run, and no link or image (a
    `javascript:` link, a remote image that reports who opened the file) made of brackets."""
    return " ".join(str(text).split()).translate(_INLINE)


def _cell(text: object) -> str:
    """`_inline`, with pipes escaped too (a table's cell)."""
    return _inline(text).replace("|", "\\|")


_MARKUP_START = re.compile(r"^(#|>|[-+*]\s|\||\d+[.)]\s)")


def _line(text: str) -> str:
    """A paragraph: Markdown's own characters at the start of a line kept as text."""
    text = _inline(text)
    return "\\" + text if _MARKUP_START.match(text) else text


def build(data: dict, plan: Plan, gettext: Callable[..., str]) -> str:
    out: list[str] = []
    for block in content.blocks(data, plan, gettext):
        if block.kind == "heading":
            out += ["#" * (block.level + 1) + " " + _cell(block.text), ""]
        elif block.kind == "text":
            if block.style == "title":
                out += ["# " + _cell(block.text), ""]
            elif block.style == "bullet":
                out.append("- " + _cell(block.text))
            elif block.style == "quote":
                out += ["> " + _cell(block.text), ""]
            elif block.style in ("strong",):
                out += [f"**{_cell(block.text)}**", ""]
            elif block.style in ("note", "lead"):
                out += [f"*{_cell(block.text)}*", ""]
            else:
                out += [_line(block.text), ""]
        elif block.kind == "facts":
            out += [f"- **{_cell(label)}:** {_cell(value)}" for label, value in block.facts] + [""]
        elif block.kind == "bars":
            top = max((bar.value for bar in block.bars), default=0) or 1
            ranked = any(bar.rank for bar in block.bars)
            out += [
                "| " + (" | ".join(["#", "", "", ""]) if ranked else " | ".join(["", "", ""])) + " |",
                "|" + ("---:|" if ranked else "") + "---|---|---:|",
            ]
            for bar in block.bars:
                drawn = "█" * round(BAR_WIDTH * bar.value / top) if bar.value > 0 else ""
                cells = ([bar.rank] if ranked else []) + [_cell(bar.label), drawn or "·", bar.shown]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        elif block.kind == "grid" and block.rows:
            out += ["| " + " | ".join(_cell(h) for h in block.header) + " |", "|" + "---|" * len(block.header)]
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows] + [""]
        elif block.kind in ("space", "page") and out and out[-1] != "":
            out.append("")
    return "\n".join(out).rstrip() + "\n"
