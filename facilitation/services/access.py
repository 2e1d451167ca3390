"""Who a token is (issue 22): the staff's secrets, a table screen's, a phone's device token. Every door asks
here: the web pages, the API, the socket handshake."""

from __future__ import annotations

import re
import secrets

from sqlmodel import Session, select

from facilitation.domain.roles import Role
from facilitation.services.commands import Principal
from facilitation.services.queries import PRESENT
from facilitation.store.models import EventTable, Participant, Setting

# The event's settings holding each staff secret, and the role it opens.
STAFF_TOKENS = {
    "facilitator_token": Role.FACILITATOR,
    "theme_token": Role.THEME,
    "projector_token": Role.PROJECTOR,
    "observer_token": Role.OBSERVER,
}
LONGEST_TOKEN = 100  # longer is nobody's: not even looked up
TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # every token is made so (secrets.token_urlsafe): other text is nobody's


def principal(s: Session, token: str | None) -> Principal | None:
    """A capability token (staff, scribe or a phone's device token) -> who it is, or None. Staff secrets are
    compared in constant time."""
    if not token or len(token) > LONGEST_TOKEN or not TOKEN.fullmatch(token):
        return None
    given = token.encode("utf-8", "replace")  # compare_digest refuses non-ASCII str: compare bytes
    for key, role in STAFF_TOKENS.items():
        row = s.get(Setting, key)
        if row and secrets.compare_digest(row.value.encode(), given):
            return Principal(role)
    table = s.exec(select(EventTable).where(EventTable.scribe_token == token)).first()
    if table:
        return Principal(Role.SCRIBE, table_id=table.id)
    person = participant(s, token)
    if person:
        assert person.id is not None  # a row read back has its key
        return Principal(Role.PARTICIPANT, table_id=person.table_id, participant_id=person.id)
    return None


def participant(s: Session, device_token: str | None) -> Participant | None:
    """The participant a phone's device token names, unless the staff took them out."""
    if not device_token or not TOKEN.fullmatch(device_token):
        return None
    return s.exec(select(Participant).where(Participant.token == device_token, PRESENT)).first()
