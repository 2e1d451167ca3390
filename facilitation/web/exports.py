"""Downloads for the facilitator and the steering committee, available at any moment of the event."""
from __future__ import annotations

import time

from flask import Blueprint, Response, abort, current_app
from flask_babel import get_locale

from facilitation.domain.roles import Action, allowed
from facilitation.i18n import translator
from facilitation.reports import export, markdown, pdf
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
    data = _data(token)
    return _download(export.to_zip(export.to_csv_files(data) | export.to_pabulib(data)), "application/zip", "zip")


@bp.get("/<token>/ballots.zip")
def as_pabulib(token: str):
    """Each round's anonymous raw ballots in the Pabulib format, for anyone to recount."""
    return _download(export.to_zip(export.to_pabulib(_data(token))), "application/zip", "ballots.zip")


@bp.get("/<token>/event.xlsx")
def as_xlsx(token: str):
    return _download(export.to_xlsx(_data(token)),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


@bp.get("/<token>/report.md")
def as_markdown(token: str):
    """The same report as Markdown, for a wiki, an e-mail or a document to edit."""
    data = _data(token)
    plan = service().plan
    text = markdown.build(data, plan, translator(plan.event.languages, data["event"]["language"]))
    return _download(text, "text/markdown", "md")


@bp.get("/<token>/report.pdf")
def as_report(token: str):
    """The steering committee's PDF. The data is read here (short queries); the drawing, seconds of pure
    Python for a big event, runs in a real thread under eventlet, so the event's screens keep updating."""
    data = _data(token)
    plan = service().plan
    gettext = translator(plan.event.languages, data["event"]["language"])

    def draw() -> bytes:
        return pdf.build(data, plan, gettext)
    if current_app.config["ASYNC_MODE"] == "eventlet":
        from eventlet import tpool
        body = tpool.execute(draw)
    else:
        body = draw()
    return _download(body, "application/pdf", "pdf")
