"""`/healthz`: is the server up and its database answering, at which event version, whether it writes the event
or follows its writer (several processes on it), how many connections it holds, how long its event loop stalled
and what its worker processes did (for monitors and scripts)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from facilitation import __version__
from facilitation.web.identity import hosted, service

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    event = service().plan.event.id
    try:
        with service().reading() as s:
            version = service().version(s)
    except SQLAlchemyError as exc:
        return jsonify({"ok": False, "event": event, "app": __version__, "error": type(exc).__name__}), 503
    answer = {"ok": True, "event": event, "version": version, "app": __version__}
    host = current_app.extensions.get("facilitation.host")
    if host is not None and host.several:
        answer["events"] = host.ids()  # the others: /healthz?event=<id> (which opens it)
        answer["asleep"] = list(host.asleep)  # not opened since the server started
    door = current_app.extensions.get("facilitation.door")
    if door is not None:
        answer["connections"] = door.state()
    if hosted().relay is not None:  # several processes on the event: this one writes it, or follows its writer
        answer["role"] = "follower" if service().forward is not None else "writer"
    answer["workers"] = hosted().workers.state()
    stalls = current_app.extensions.get("facilitation.stalls")
    if stalls is not None:
        answer["stalls"] = stalls.state(per_second=request.args.get("seconds") == "1")
    return jsonify(answer)
