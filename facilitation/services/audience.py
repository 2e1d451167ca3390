"""Who sees what: one table for the snapshot a screen loads and for the updates it receives afterwards.

Screens fall into four audiences. A topic goes to the audiences listed here — in the snapshot (`sync`) and
in every `update` — and nowhere else, so what a screen loads and what it is sent cannot drift apart; what each
audience is shown of it is facilitation.services.presenter.
"""

from __future__ import annotations

from facilitation.domain.roles import STAFF, Role

# The audiences: staff (facilitator, theme team, observers: everything, hidden ideas and live tally included),
# the projector (the room's public screen), table screens (scribes), phones (participants).
STAFF_AUDIENCE, PROJECTOR_AUDIENCE, SCRIBE_AUDIENCE, PHONE_AUDIENCE = "staff", "projector", "scribe", "phone"
# and the public: whoever opens the results page the facilitator published (no screen, no topics: what it is
# shown of the event is facilitation.services.presenter.public_report)
PUBLIC_AUDIENCE = "public"

TOPICS: dict[str, frozenset[str]] = {
    # the plan as every screen shows it (titles, agenda, minutes): sent again when it changes
    "event": frozenset({STAFF_AUDIENCE, PROJECTOR_AUDIENCE, SCRIBE_AUDIENCE, PHONE_AUDIENCE}),
    "control": frozenset({STAFF_AUDIENCE, PROJECTOR_AUDIENCE, SCRIBE_AUDIENCE, PHONE_AUDIENCE}),
    # table screens need the ballot for their paper ballots
    "themes": frozenset({STAFF_AUDIENCE, PROJECTOR_AUDIENCE, SCRIBE_AUDIENCE, PHONE_AUDIENCE}),
    # staff: the full tally with breakdowns, always; the others: the ranking once revealed, else null
    "tally": frozenset({STAFF_AUDIENCE, PROJECTOR_AUDIENCE, PHONE_AUDIENCE}),
    "stats": frozenset({STAFF_AUDIENCE, PROJECTOR_AUDIENCE}),
    "seats": frozenset({STAFF_AUDIENCE}),
    # staff: every question with its status; the others: the shown ones
    "questions": frozenset({STAFF_AUDIENCE, PROJECTOR_AUDIENCE, SCRIBE_AUDIENCE, PHONE_AUDIENCE}),
    # staff: every poll with live results; the others: open and revealed polls, results once revealed
    "polls": frozenset({STAFF_AUDIENCE, PROJECTOR_AUDIENCE, SCRIBE_AUDIENCE, PHONE_AUDIENCE}),
    # marks against the zones' local plans: for the people who make them
    "alignments": frozenset({STAFF_AUDIENCE, SCRIBE_AUDIENCE}),
    # the tables' notes of each round at tables (World Café, 1-2-4-All): the theme team reads them, and table
    # hosts see what the other tables found (cross-pollination is the point of a World Café)
    "harvests": frozenset({STAFF_AUDIENCE, SCRIBE_AUDIENCE}),
}
# Ideas are scoped: (whose ideas, seen in full). In full means hidden and merged ideas with their text, the
# author and the original; otherwise such an idea arrives as {"id", "table", "gone": true}.
IDEAS: dict[str, tuple[str, bool]] = {
    STAFF_AUDIENCE: ("all", True),
    PROJECTOR_AUDIENCE: ("all", False),
    SCRIBE_AUDIENCE: ("own table", True),
    PHONE_AUDIENCE: ("own table", False),
}


def audience(role: Role) -> str:
    if role in STAFF:
        return STAFF_AUDIENCE
    return {Role.PROJECTOR: PROJECTOR_AUDIENCE, Role.SCRIBE: SCRIBE_AUDIENCE}.get(role, PHONE_AUDIENCE)


def sees(role: Role, topic: str) -> bool:
    return audience(role) in TOPICS[topic]
