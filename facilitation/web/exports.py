"""Downloads for the facilitator and the steering committee, available at any moment of the event.

Every file is made by a worker process (facilitation.workers) from one consistent snapshot of the event,
and kept per event version and language: the event loop only waits for it, and serves everyone meanwhile.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale, gettext

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Action, allowed
from facilitation.messages import MESSAGES
from facilitation.web.identity import hosted, principal, service
from facilitation.workers.pool import Busy, Pool, WorkerFailed

bp = Blueprint("exports", __name__, url_prefix="/export")

DOWNLOADS = {  # what /export/<token>/<name> serves: (job kind, mimetype, file name suffix)
    "event.json": ("json", "application/json", "json"),
    "event.zip": ("zip", "application/zip", "zip"),  # the CSV tables and each round's Pabulib ballots
    "ballots.zip": ("ballots", "application/zip", "ballots.zip"),  # the anonymous raw ballots, to recount
    "event.xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "report.md": ("md", "text/markdown", "md"),  # the report for a wiki, an e-mail or a document to edit
    "report.pdf": ("pdf", "application/pdf", "pdf"),  # the steering committee's report
}


def workers() -> Pool:
    return hosted().workers


def made(kind: str, fresh: float = 0, stage: tuple = (), **job) -> bytes:
    """What a worker makes of the event as it is now, in the reader's language (kept per version; see
    Pool.cached for `fresh` and for a request that comes while the same is being made). A new `stage` (what
    must show at once: results revealed, a round closed) is never served from an older one."""
    lang = str(get_locale())
    family = (kind, lang, stage, *sorted(job.items()))
    return workers().cached(family, service().current_version(), {"kind": kind, "lang": lang, **job}, fresh)


@bp.get("/<token>/<name>")
def download(token: str, name: str):
    if name not in DOWNLOADS:
        abort(404)
    who = principal(token)
    if not allowed(who.role, Action.EXPORT):
        abort(403)
    kind, mimetype, suffix = DOWNLOADS[name]
    body = made(kind)
    stamp = time.strftime("%Y%m%d-%H%M")
    filename = f"{service().plan.event.id}-{stamp}.{suffix}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def refusal_of(exc: Busy | WorkerFailed) -> Refused:
    return Refused("reports_busy") if isinstance(exc, Busy) else Refused("report_failed")


@bp.app_errorhandler(Busy)
@bp.app_errorhandler(WorkerFailed)
def _not_made(exc):
    message = gettext(MESSAGES[refusal_of(exc).code])
    return render_template("error.html", status=503, message=message), 503, {"Retry-After": "30"}
