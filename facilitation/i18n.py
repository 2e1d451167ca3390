"""The translation catalogues, and translations outside a web request for what the command line prints."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path

from babel.support import Translations

from facilitation import resources
from facilitation.catalogues import compile_catalogues

DEFAULT_LANGUAGES = ("it", "en")  # before a plan is read: Italian first
log = logging.getLogger(__name__)


@functools.cache
def catalogues() -> Path:
    """The folder of compiled catalogues. In a checkout the .po files are the source: stale ones are compiled
    here, so nothing depends on a build step having run; an installed wheel carries them compiled."""
    folder = resources.translations()
    try:
        compile_catalogues(folder)
    except OSError as exc:
        log.warning("could not compile the translation catalogues in %s: %s", folder, exc)
    return folder


def terminal_language(languages: list[str] | tuple[str, ...]) -> str:
    """The terminal's language (LANG=it_IT.UTF-8 -> it) when the plan offers it, else the plan's first."""
    lang = (os.environ.get("LC_ALL") or os.environ.get("LANG") or "")[:2].lower()
    return lang if lang in languages else languages[0]


def translator(
    languages: list[str] | tuple[str, ...] = DEFAULT_LANGUAGES, lang: str | None = None
) -> Callable[..., str]:
    """A gettext outside a request, in `lang` or else the terminal's language: `_("Wrote %(n)s files", n=3)`."""
    catalogue = Translations.load(str(catalogues()), [lang or terminal_language(languages)])

    def gettext(message: str, **params) -> str:
        text = catalogue.gettext(message)
        return text % params if params else text

    return gettext
