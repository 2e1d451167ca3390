"""Printable join cards: one per table (and one for online participants), with QR code and short link."""
from __future__ import annotations

from dataclasses import dataclass

from facilitation import qr
from facilitation.services.event import EventService


@dataclass(frozen=True)
class Card:
    table_id: int | None
    number: int | None
    online: bool
    name: dict | None
    url: str
    code: str
    scribe_url: str | None

    def qr_svg(self) -> str:
        return qr.svg(self.url)

    def qr_png(self) -> bytes:
        return qr.png(self.url)


def join_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/j/{code}"


def cards(service: EventService, base_url: str) -> list[Card]:
    """Room tables get a card each; online groups share the online link, which places people by itself."""
    names = service.plan.tables.names
    result = [Card(t.id, t.number, False, names[t.number - 1] if names else None,
                   join_url(base_url, t.join_code), t.join_code, f"{base_url.rstrip('/')}/table/{t.scribe_token}")
              for t in service.tables() if not t.online]
    if service.plan.tables.online_groups:
        code = service.settings()["online_code"]
        result.append(Card(None, None, True, None, join_url(base_url, code), code, None))
    return result


def card_texts(languages: list[str]) -> list[dict]:
    """The card's words in every language of the plan: a card on the table speaks to everyone at once."""
    from flask_babel import force_locale, gettext

    texts = []
    for lang in languages:
        with force_locale(lang):
            texts.append({"lang": lang, "table": gettext("Table"), "online": gettext("Join online"),
                          "how": gettext("Scan the QR code with your phone: no account, no name needed.")})
    return texts
