"""The organiser's home (issue 22, `serve --workspace`): every event the server runs with its links and how far
it has got; a new event from a shipped plan, or a copy of one (its structure: no participants, ideas or votes),
served at once beside the others."""
from __future__ import annotations

import re
import secrets
import time
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, gettext

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Role
from facilitation.messages import describe
from facilitation.plan import PlanError
from facilitation.resources import bundled_plans
from facilitation.services.commands import Principal
from facilitation.web.exports import refusal_of
from facilitation.web.identity import public_url
from facilitation.workers.pool import Busy, WorkerFailed

bp = Blueprint("home", __name__)
EVENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # a plan's event id (plan.Slug): also its database's name


def _host(secret: str):
    """The server's events, for the organiser's secret only; any other path under /home is nobody's page."""
    host = current_app.extensions["facilitation.host"]
    if not host.organiser or not secrets.compare_digest(host.organiser.encode(), secret.encode("utf-8", "replace")):
        abort(404)
    if request.method == "POST" and request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)  # another site's page posting with a leaked secret: changes come from the home itself
    return host


WARN_DAYS = 30  # the home warns this long before an event's data is deleted


def _summary(hosted) -> dict:
    from facilitation.app import deletion_due
    service = hosted.service
    seen = service.overview()
    phase, phases = seen["phase"], len(service.plan.agenda)
    state = "draft" if phase is None else ("last_phase" if phase == phases - 1 else "live")
    due = deletion_due(seen["last_change"], service.plan.privacy.keep_months)
    return {"id": hosted.id, "title": service.plan.event.title, "place": service.plan.event.place, "state": state,
            "phase": phase, "phases": phases, "participants": seen["participants"], "ideas": seen["ideas"],
            "console": f"/console/{service.settings()['facilitator_token']}",
            "deleted_on": format_date(datetime.fromtimestamp(due), "long") if due else None,
            "last_change": format_datetime(datetime.fromtimestamp(seen["last_change"]), "medium")
            if seen["last_change"] else None,
            "soon": due is not None and due - time.time() < WARN_DAYS * 86400,
            "keep_months": service.plan.privacy.keep_months}


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
    from facilitation.app import archived_events
    archived = [(event_id, plan.event.title) for event_id, plan in archived_events(current_app).items()]
    return render_template("home.html", plan=host.first.service.plan, secret=secret, base=public_url(), problem=problem,
                           events=[_summary(hosted) for hosted in host.events.values()], archived=archived,
                           templates=sorted(bundled_plans()), made=request.args.get("made"),
                           deleted=request.args.get("deleted"), replaced=request.args.get("replaced")), status


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


@bp.get("/home/<secret>/backup/<event_id>")
def backup(secret: str, event_id: str):
    """The event's database, consistent while it runs (made by its own workers, off the event loop)."""
    hosted = _host(secret).get(event_id)
    if hosted is None:
        abort(404)
    try:
        body = hosted.workers.run({"kind": "backup"})
    except (Busy, WorkerFailed) as exc:
        raise refusal_of(exc) from None
    stamp = time.strftime("%Y%m%d-%H%M")
    return Response(body, mimetype="application/vnd.sqlite3",
                    headers={"Content-Disposition": f'attachment; filename="{event_id}-{stamp}.sqlite"'})


@bp.post("/home/<secret>/delete/<event_id>")
def delete(secret: str, event_id: str):
    """Delete an event for good, served or archived: only with its id typed again (a backup first is the
    organiser's to take)."""
    host = _host(secret)
    from facilitation.app import archived_events, delete_event, erase_archived
    archived = event_id in archived_events(current_app)
    if event_id not in host.events and not archived:
        abort(404)
    if request.form.get("confirm", "").strip() != event_id:
        return home(secret, gettext("Type the event's id, %(event)s, to delete it.", event=event_id), 422)
    try:
        erase_archived(current_app, event_id) if archived else delete_event(current_app, event_id)
    except Refused as refused:
        return home(secret, describe(refused), 409)
    return redirect(url_for("home.home", secret=secret, deleted=event_id), code=303)


@bp.post("/home/<secret>/replace/<event_id>")
def replace(secret: str, event_id: str):
    """A leaked link revoked from the home, whoever's it was (the event's facilitator included): the same
    command as the console's *Replace* (secret.replace), with the event facilitator's rights."""
    hosted = _host(secret).get(event_id)
    if hosted is None:
        abort(404)
    try:
        hosted.service.execute(Principal(Role.FACILITATOR), "secret.replace",
                               {"cid": secrets.token_hex(8), "secret": request.form.get("secret")})
    except Refused as refused:
        return home(secret, describe(refused), 422)
    return redirect(url_for("home.home", secret=secret, replaced=event_id), code=303)


def _plan_fields(plan) -> dict[str, str]:
    """Every field the plan's form shows, by path, with its value now (facilitation.planedit)."""
    fields = {}
    for name in ("title", "subtitle", "place"):
        for lang in plan.event.languages:
            fields[f"event.{name}.{lang}"] = getattr(plan.event, name).get(lang, "")
    for index, phase in enumerate(plan.agenda):
        fields[f"agenda.{index}.minutes"] = str(phase.minutes)
        for name in ("title", "prompt"):
            for lang in plan.event.languages:
                fields[f"agenda.{index}.{name}.{lang}"] = getattr(phase, name).get(lang, "")
    return fields


@bp.route("/home/<secret>/plan/<event_id>", methods=["GET", "POST"])
def plan_form(secret: str, event_id: str):
    """The plan in forms, first part: the texts people read and each phase's minutes, which may change at
    any time, even during the event (facilitation.planedit); the same rules as the TOML loader."""
    hosted = _host(secret).get(event_id)
    if hosted is None:
        abort(404)
    plan, problems, saved = hosted.service.plan, {}, False
    values = _plan_fields(plan)
    if request.method == "POST":
        sent = {field: request.form[field] for field in values if field in request.form}
        changes = {field: value for field, value in sent.items() if value.strip() != values[field].strip()}
        if changes:
            try:
                hosted.service.execute(Principal(Role.FACILITATOR), "plan.update",
                                       {"cid": secrets.token_hex(8), "changes": changes})
                saved = True
            except Refused as refused:
                problems[refused.params.get("field", "")] = describe(refused)
                values.update(sent)  # what was typed stays, next to its message
        if saved:
            return redirect(url_for("home.plan_form", secret=secret, event_id=event_id, saved=1), code=303)
    return render_template("plan.html", plan=hosted.service.plan, secret=secret, event_id=event_id, values=values,
                           problems=problems, saved=request.args.get("saved")), 422 if problems else 200


@bp.get("/home/<secret>/plan/<event_id>.toml")
def plan_file(secret: str, event_id: str):
    """The plan as a TOML file, with every change made in the forms: what `serve` and a new event take."""
    hosted = _host(secret).get(event_id)
    if hosted is None:
        abort(404)
    return Response(hosted.service.plan_text(), mimetype="application/toml",
                    headers={"Content-Disposition": f'attachment; filename="{event_id}.toml"'})


@bp.post("/home/<secret>/archive/<event_id>")
def archive(secret: str, event_id: str):
    """Put an event away (no longer served, kept), or serve an archived one again (`serve=1`)."""
    _host(secret)
    from facilitation.app import archive_event, unarchive_event
    try:
        if request.form.get("serve"):
            unarchive_event(current_app, event_id)
        else:
            archive_event(current_app, event_id)
    except Refused as refused:
        return home(secret, describe(refused), 409)
    return redirect(url_for("home.home", secret=secret), code=303)
