"""The theme team's assistant: suggested groups of ideas and near-duplicates to merge (facilitation.grouping).

Both are heavy (a clustering of every idea not yet in a theme, an embedding per new idea), so a worker process
makes them (facilitation.workers.jobs) and the answer is kept for the event version it was made at: the
event loop only waits for it, and two clicks on *Suggest* while nothing changed are one computation.
"""

from __future__ import annotations

import json
import logging

from facilitation import grouping
from facilitation.domain.errors import Refused
from facilitation.domain.roles import Action, require
from facilitation.services.commands import Principal
from facilitation.services.event import EventService
from facilitation.workers.pool import Busy, Pool, WorkerFailed

log = logging.getLogger(__name__)

QUERIES = {
    "theme.suggest": "suggest",
    "suggestions": "duplicates",  # what a client asks: the worker's job
    "ideas.search": "search",
}
QUERY_MAX = 100  # characters of a search


def ask(pool: Pool, service: EventService, who: Principal, name: str, payload: object) -> dict:
    """The answer to `name` (a key of QUERIES) for `who`: `{"engine", "groups"}`, `{"engine", "pairs"}` or
    `{"q", "ideas"}`. Groups and pairs are kept per event version; searches are not (each is a new query, and
    kept they would push the reports out of the workers' cache)."""
    kind = QUERIES[name]
    # suggestions are the theme team's; a search reads what its reader sees already (the observer sees it all)
    require(who.role, Action.SEE_EVERYTHING if kind == "search" else Action.MANAGE_THEMES)
    if payload is not None and not isinstance(payload, dict):
        raise Refused("invalid_payload", fields="payload")
    allowed = {"cid", "q"} if kind == "search" else {"cid"}
    if unknown := sorted(str(key)[:20] for key in payload or {} if key not in allowed):
        raise Refused("invalid_payload", fields=", ".join(unknown[:3]))
    job: dict = {"kind": kind}
    if kind == "search":  # the console's search, by word forms ("treno" finds "treni")
        query = (payload or {}).get("q")
        if not isinstance(query, str) or not query.strip() or len(query) > QUERY_MAX:
            raise Refused("invalid_payload", fields="q")
        job["q"] = " ".join(query.split()).casefold()
    service.throttle(who)
    try:
        made = pool.run(job) if kind == "search" else pool.cached((kind,), service.current_version(), job)
        return json.loads(made)
    except Busy:
        raise Refused("assistant_busy") from None
    except WorkerFailed:
        raise Refused("assistant_failed") from None


class Prefetch:
    """With the embeddings engine, the ideas are embedded while they come in, by a worker, every EVERY seconds
    when the event changed: the team's first *Suggest groups* in the break finds them made (2,000 ideas are
    ~17 s to embed at once on a 2-core laptop, and a tenth of a second once they are)."""

    EVERY = 15.0

    def __init__(self, pool: Pool, service: EventService):
        self.pool, self.service = pool, service

    def run(self, sleep) -> None:
        if grouping.engine_name() != "embeddings":
            return
        seen = None
        while not self.pool.closed:  # its event deleted: done
            sleep(self.EVERY)
            if self.pool.closed:
                return
            version = self.service.current_version()
            if version == seen:
                continue
            try:
                self.pool.run({"kind": "embed"})
                seen = version
            except (Busy, WorkerFailed, Refused) as exc:  # the next round tries again; asking still works
                log.warning("the ideas could not be embedded ahead: %s", type(exc).__name__)
