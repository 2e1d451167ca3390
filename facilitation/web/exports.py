"""Downloads for the facilitator and the steering committee, available at any moment of the event."""
from __future__ import annotations

import time

from flask import Blueprint, Response, abort
from flask_babel import get_locale

from facilitation.domain.roles import Action, allowed
from facilitation.reports import export
from facilitation.web.identity import principal, service

bp = Blueprint("exports", __name__, url_prefix="/export")


def _download(body: bytes | str, mimetype: str, suffix: str) -> Response:
    stamp = time.strftime("%Y%m%d-%H%M")
    name = f"{service().plan.event.id}-{stamp}.{suffix}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _data(token: str) -> dict:
    who = principal(token)
    if not allowed(who.role, Action.EXPORT):
        abort(403)
    return export.collect(service(), str(get_locale()))


@bp.get("/<token>/event.json")
def as_json(token: str):
    return _download(export.to_json(_data(token)), "application/json", "json")


@bp.get("/<token>/event.zip")
def as_csv_zip(token: str):
    return _download(export.to_zip(export.to_csv_files(_data(token))), "application/zip", "zip")
