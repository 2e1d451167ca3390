"""Which ideas wait for a moderator before the room sees them: all of a participant's under pre-moderation,
and any that contains a held word (Italian and English insults and slurs, plus the plan's own words)."""

from __future__ import annotations

import re
import unicodedata

# Kept short and plain on purpose: a word here only holds an idea for a human to look at, it never refuses it.
HELD_WORDS = frozenset(
    {
        # Italian
        "cazzo",
        "cazzi",
        "coglione",
        "coglioni",
        "stronzo",
        "stronzi",
        "stronza",
        "vaffanculo",
        "fanculo",
        "merda",
        "puttana",
        "puttane",
        "troia",
        "bastardo",
        "bastardi",
        "frocio",
        "froci",
        "negro",
        "negri",
        "ritardato",
        "ritardati",
        "idiota",
        "idioti",
        "deficiente",
        "deficienti",
        "imbecille",
        "imbecilli",
        # English
        "fuck",
        "fucking",
        "shit",
        "bitch",
        "bastard",
        "asshole",
        "idiot",
        "idiots",
        "moron",
        "morons",
        "retard",
        "retarded",
        "slut",
        "whore",
        "nigger",
        "faggot",
    }
)

_WORD = re.compile(r"\w+", re.UNICODE)


def _plain(text: str) -> str:
    """Lower case without accents, so 'Stronzò' and 'STRONZO' read the same."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def held_words(text: str, extra: frozenset[str] = frozenset()) -> list[str]:
    """The held words the text contains (whole words, any case or accent), in order."""
    words = HELD_WORDS | {_plain(w) for w in extra}
    return [w for w in _WORD.findall(_plain(text)) if w in words]


def is_held(premoderated: bool, from_participant: bool, text: str, extra: frozenset[str] = frozenset()) -> bool:
    """Held for review: every participant's idea under pre-moderation, anyone's idea with a held word."""
    return (premoderated and from_participant) or bool(held_words(text, extra))
