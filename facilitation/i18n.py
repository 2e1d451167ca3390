"""Translations outside a web request, for what the command line tells the facilitator."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from babel.support import Translations

CATALOGUES = Path(__file__).parent / "translations"
DEFAULT_LANGUAGES = ("it", "en")  # before a plan is read: Italian first


def terminal_language(languages: list[str] | tuple[str, ...]) -> str:
    """The terminal's language (LANG=it_IT.UTF-8 -> it) when the plan offers it, else the plan's first."""
    lang = (os.environ.get("LC_ALL") or os.environ.get("LANG") or "")[:2].lower()
    return lang if lang in languages else languages[0]


def translator(languages: list[str] | tuple[str, ...] = DEFAULT_LANGUAGES) -> Callable[..., str]:
    """A gettext for the terminal: `_("Wrote %(n)s files", n=3)`."""
    catalogue = Translations.load(str(CATALOGUES), [terminal_language(languages)])

    def gettext(message: str, **params) -> str:
        text = catalogue.gettext(message)
        return text % params if params else text
    return gettext
