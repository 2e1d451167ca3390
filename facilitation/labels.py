"""What people read as a table's name, decided once for every screen, page and report: the plan's name for a
thematic table ("Mobilità sostenibile"), else "Tavolo 3" / "Table 3"; an online group is "Gruppo online 1" /
"Online group 1". Screens receive it ready in each language (readmodels.event_info `label`), pages and reports
ask here, so a phone, its table screen, the console and the report never name one table two ways."""

from __future__ import annotations

import functools
from collections.abc import Callable

from facilitation.i18n import translator
from facilitation.plan import Plan, in_language


@functools.cache
def _gettext(lang: str) -> Callable[..., str]:
    return translator(lang=lang)


def table_label(plan: Plan, number: int, online: bool, lang: str) -> str:
    _ = _gettext(lang)
    if online:
        return _("Online group %(n)s", n=number)
    if plan.tables.names and 0 < number <= len(plan.tables.names):
        name = plan.tables.names[number - 1]
        return in_language(name, lang)
    return _("Table %(n)s", n=number)


def table_labels(plan: Plan, number: int, online: bool) -> dict[str, str]:
    """The table's label in each of the event's languages."""
    return {lang: table_label(plan, number, online, lang) for lang in plan.event.languages}


def key_label(key: str, lang: str, plan: Plan | None = None) -> str:
    """A table as an export names it ("3", "online-2"): with `plan`, one of this event's tables by its label;
    without, a table of another event (an imported idea's origin), by its number."""
    online = key.startswith("online-")
    number = key.removeprefix("online-")
    if not number.isdigit():
        return key
    if plan is None:
        _ = _gettext(lang)
        return _("Online group %(n)s", n=number) if online else _("Table %(n)s", n=number)
    return table_label(plan, int(number), online, lang)


def every_language(name: dict, texts: list[dict]) -> str:
    """A table's name on its card in each of the card's languages, once each: "Tavolo Salute · Table Health"."""
    seen = [in_language(name, text["lang"]) for text in texts]
    return " · ".join(dict.fromkeys(seen))


# Rounds of voting as people read them, on every screen and in the report: "Turno 2 · 100 punti da distribuire ·
# le prime 3 del turno 1". Screens receive them ready in each language (readmodels.control_view `label`).
def method_label(method: str, budget: int, gettext: Callable[..., str]) -> str:
    if method == "points":
        return gettext("%(n)s points to share", n=budget)
    if method == "borda":
        return gettext("ranking of the top %(n)s", n=budget)
    return gettext("%(n)s dots each", n=budget)


def origin_label(origin: dict | None, gettext: Callable[..., str]) -> str:
    """How a round's ballot was made from an earlier round's results; "" for a ballot of its own."""
    if not origin:
        return ""
    return {
        "top": lambda: gettext("top %(n)s of round %(round)s", n=origin["n"], round=origin["from"]),
        "tie": lambda: gettext(
            "run-off of the tie at place %(n)s in round %(round)s", n=origin["n"], round=origin["from"]
        ),
        "same": lambda: gettext("the ballot of round %(round)s again", round=origin["from"]),
    }[origin["ballot"]]()


def round_label(view: dict, gettext: Callable[..., str]) -> str:
    """`view`: readmodels.round_view's round (round, method, budget, origin)."""
    parts = [
        gettext("Round %(n)s", n=view["round"]),
        method_label(view["method"], view["budget"], gettext),
        origin_label(view["origin"], gettext),
    ]
    return " · ".join(part for part in parts if part)


def round_labels(view: dict, languages: list[str]) -> dict[str, str]:
    return {lang: round_label(view, _gettext(lang)) for lang in languages}
