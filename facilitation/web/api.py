"""The JSON API: the same commands and snapshot as the socket protocol, for scripts and fallbacks."""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Action, require
from facilitation.messages import error
from facilitation.services import readmodels as rm
from facilitation.services.payloads import import_command
from facilitation.web.identity import bearer, service

bp = Blueprint("api", __name__, url_prefix="/api")


def _who():
    who = bearer()
    if who is None:
        raise Refused("invalid_token")
    return who


REFUSAL_STATUS = {"invalid_token": 401, "forbidden": 403, "not_your_table": 403, "too_fast": 429,
                  "disk_full": 503, "busy": 503}


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
    result = service().execute(_who(), name, _body())
    return jsonify({"ok": True, **result})


IMPORT_MAX_BYTES = 64 * 2**20  # a listening day's JSON export: 2,000 ideas are about 2 MB


@bp.post("/import")
def import_material():
    """The console's import: the body is the earlier event's JSON export (the file as it was downloaded)."""
    who = _who()
    require(who.role, Action.RUN_EVENT)
    request.max_content_length = IMPORT_MAX_BYTES
    body = request.get_data(cache=False)
    try:
        source = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        source = None
    payload = import_command(source, hashlib.sha256(body).hexdigest())
    result = service().execute(who, "material.import", payload)
    return jsonify({"ok": True, **result})


@bp.get("/snapshot")
def snapshot():
    who = _who()
    with service().reading() as s:
        return jsonify({"ok": True, **rm.snapshot(s, service().plan, who, service().version(s),
                                                     service().refused_joins)})


@bp.get("/log")
def log():
    require(_who().role, Action.SEE_EVERYTHING)
    since = request.args.get("since", default=0, type=int)
    return jsonify({"ok": True, "entries": service().log(since)})
