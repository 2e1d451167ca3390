"""The JSON API: the same commands and snapshot as the socket protocol, for scripts and fallbacks."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile

from flask import Blueprint, current_app, jsonify, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Action, require
from facilitation.messages import error
from facilitation.services import readmodels as rm
from facilitation.services import assistant, imports
from facilitation.web.exports import refusal_of, workers
from facilitation.web.identity import bearer, others, service
from facilitation.workers.pool import Busy, WorkerFailed

bp = Blueprint("api", __name__, url_prefix="/api")


def _who():
    who = bearer()
    if who is None:
        raise Refused("invalid_token")
    return who


REFUSAL_STATUS = {
    "invalid_token": 401,
    "forbidden": 403,
    "not_your_table": 403,
    "too_fast": 429,
    "disk_full": 503,
    "busy": 503,
    "writer_away": 503,  # several processes: the event's writer did not answer in time (send it again)
    "reports_busy": 503,
    "report_failed": 503,
    "assistant_busy": 503,
    "assistant_failed": 503,
}


@bp.errorhandler(Refused)
def _refused(refused: Refused):
    return jsonify(error(refused)), REFUSAL_STATUS.get(refused.code, 422)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    """API callers get JSON for every refusal, an oversize body included, never an HTML page."""
    code = "too_large" if exc.code == 413 else "invalid_request"
    return jsonify(error(Refused(code))), exc.code


def _body() -> object:
    try:
        return request.get_json(silent=True)
    except RecursionError:  # JSON nested deeper than Python parses: not a payload of ours
        return None


@bp.post("/command/<name>")
def command(name: str):
    if name in assistant.QUERIES:  # asked like a command, answered by a worker (it changes nothing)
        return jsonify({"ok": True, **assistant.ask(workers(), service(), _who(), name, _body())})
    result = service().execute(_who(), name, _body())
    return jsonify({"ok": True, **result})


IMPORT_MAX_BYTES = 64 * 2**20  # a listening day's JSON export: 2,000 ideas are about 2 MB
CHUNK = 2**20


@bp.post("/import")
def import_material():
    """The console's import: the body is the earlier event's JSON export (the file as it was downloaded).

    The body goes to a temporary file as it arrives; a worker process reads and checks it and cuts it into
    slices (facilitation.services.imports), which the writer then takes one short transaction at a time.

    `?from=<event id>`: another event this server runs, carried over without a file: its JSON export, made by
    its own workers, is imported the same way."""
    who = _who()
    require(who.role, Action.RUN_EVENT)
    request.max_content_length = IMPORT_MAX_BYTES
    source = None
    if request.args.get("from"):
        host = current_app.extensions["facilitation.host"]
        source = host.get(request.args["from"]) if request.args["from"] in dict(others()) else None
        if source is None:
            raise Refused("unknown_event")
    digest = hashlib.sha256()
    descriptor, path = tempfile.mkstemp(prefix="facilitation-import-", suffix=".json")
    try:
        with os.fdopen(descriptor, "wb") as upload:
            if source is not None:  # the export as its console would download it, in this event's language
                lang = str(get_locale())
                body = source.workers.cached(
                    ("json", lang, "carry-over"), source.service.current_version(), {"kind": "json", "lang": lang}
                )
                digest.update(body)
                upload.write(body)
            while source is None and (chunk := request.stream.read(CHUNK)):
                digest.update(chunk)
                upload.write(chunk)
        payloads = pickle.loads(workers().run({"kind": "import", "path": path, "digest": digest.hexdigest()}))
    except (Busy, WorkerFailed) as exc:
        raise refusal_of(exc) from None
    finally:
        os.unlink(path)
    return jsonify({"ok": True, **imports.apply(service(), who, payloads)})


@bp.get("/snapshot")
def snapshot():
    who = _who()
    with service().reading() as s:
        return jsonify(
            {"ok": True, **rm.snapshot(s, service().plan, who, service().version(s), service().refused_joins)}
        )


@bp.get("/log")
def log():
    require(_who().role, Action.SEE_EVERYTHING)
    since = request.args.get("since", default=0, type=int)
    return jsonify({"ok": True, "entries": service().log(since)})
