"""The organiser's home (issue 22, `serve --workspace`): every event the server runs with its links and how far
it has got; a new event from a shipped plan, or a copy of one (its structure: no participants, ideas or votes),
served at once beside the others."""
from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext

from facilitation.domain.errors import Refused
from facilitation.messages import describe
from facilitation.plan import PlanError
from facilitation.resources import bundled_plans
from facilitation.web.identity import public_url

bp = Blueprint("home", __name__)
EVENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # a plan's event id (plan.Slug): also its database's name


def _host(secret: str):
    """The server's events, for the organiser's secret only; any other path under /home is nobody's page."""
    host = current_app.extensions["facilitation.host"]
    if not host.organiser or not secrets.compare_digest(host.organiser.encode(), secret.encode("utf-8", "replace")):
        abort(404)
    return host


def _summary(hosted) -> dict:
    service = hosted.service
    seen = service.overview()
    phase, phases = seen["phase"], len(service.plan.agenda)
    state = "draft" if phase is None else ("last_phase" if phase == phases - 1 else "live")
    return {"id": hosted.id, "title": service.plan.event.title, "place": service.plan.event.place, "state": state,
            "phase": phase, "phases": phases, "participants": seen["participants"], "ideas": seen["ideas"],
            "console": f"/console/{service.settings()['facilitator_token']}"}


def _with_id(plan_text: str, event_id: str) -> str:
    """The plan's text with another event id: the `id` line of its [event] table, the rest untouched."""
    event = re.search(r"(?m)^\[event\]\s*$", plan_text)
    line = re.compile(r'(?m)^id\s*=\s*"[^"\n]*"\s*$')
    found = line.search(plan_text, event.end()) if event else None
    if found is None:
        raise PlanError("the plan has no [event] id")
    return plan_text[:found.start()] + f'id = "{event_id}"' + plan_text[found.end():]


@bp.get("/home/<secret>")
def home(secret: str, problem: str | None = None, status: int = 200):
    host = _host(secret)
    return render_template("home.html", plan=host.first.service.plan, secret=secret, base=public_url(), problem=problem,
                           events=[_summary(hosted) for hosted in host.events.values()],
                           templates=sorted(bundled_plans()), made=request.args.get("made")), status


@bp.post("/home/<secret>/events")
def create(secret: str):
    """A new event: from a shipped plan (`template`) or a copy of an event this server runs (`source`)."""
    host = _host(secret)
    event_id = request.form.get("id", "").strip().lower()
    if not EVENT_ID.match(event_id):
        return home(secret, gettext("An event's id is lower-case letters, digits and dashes (at most 64), "
                                    "starting with a letter or digit: it names its database."), 422)
    template, source = request.form.get("template"), request.form.get("source")
    if source in host.events:
        text = host.events[source].service.plan_text()
    elif template in bundled_plans():
        text = bundled_plans()[template].read_text(encoding="utf-8")
    else:
        return home(secret, gettext("Choose a template or an event to copy."), 422)
    from facilitation.app import add_event
    try:
        add_event(current_app, _with_id(text, event_id))
    except Refused as refused:
        return home(secret, describe(refused), 409)
    except PlanError as exc:
        return home(secret, str(exc), 422)
    return redirect(url_for("home.home", secret=secret, made=event_id), code=303)
