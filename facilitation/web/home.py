"""The organiser's home (issue 22, `serve --workspace`): every event the server runs with its links and how far
it has got; a new event from a shipped plan, or a copy of one (its structure: no participants, ideas or votes),
served at once beside the others."""

from __future__ import annotations

import json
import re
import secrets
import time
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, format_datetime, get_locale, gettext

from facilitation.domain.errors import Refused
from facilitation.domain.phases import PhaseKind
from facilitation.domain.voting import Method
from facilitation.domain.roles import Role
from facilitation.messages import MESSAGES, N_, describe
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


def _summary(event_id: str, plan, seen: dict, facilitator: str) -> dict:
    """One event on the home, from its figures (`Host.each`): an event asleep is listed without being opened."""
    from facilitation.app import deletion_due

    phase, phases = seen["phase"], len(plan.agenda)
    state = "draft" if phase is None else ("last_phase" if phase == phases - 1 else "live")
    due = deletion_due(seen["last_change"], plan.privacy.keep_months)
    return {
        "id": event_id,
        "title": plan.event.title,
        "place": plan.event.place,
        "state": state,
        "phase": phase,
        "phases": phases,
        "participants": seen["participants"],
        "ideas": seen["ideas"],
        "console": f"/console/{facilitator}",
        "deleted_on": format_date(datetime.fromtimestamp(due), "long") if due else None,
        "last_change": format_datetime(datetime.fromtimestamp(seen["last_change"]), "medium")
        if seen["last_change"]
        else None,
        "soon": due is not None and due - time.time() < WARN_DAYS * 86400,
        "keep_months": plan.privacy.keep_months,
        "date": format_date(plan.event.date, "long") if plan.event.date else None,
    }


def _with_id(plan_text: str, event_id: str) -> str:
    """The plan's text with another event id: the `id` line of its [event] table, the rest untouched."""
    event = re.search(r"(?m)^\[event\]\s*$", plan_text)
    line = re.compile(r'(?m)^id\s*=\s*"[^"\n]*"\s*$')
    found = line.search(plan_text, event.end()) if event else None
    if found is None:
        raise PlanError("the plan has no [event] id")
    return plan_text[: found.start()] + f'id = "{event_id}"' + plan_text[found.end() :]


BLANK = "blank"  # the template with nothing of a shipped event: `_blank`


def _blank(lang: str) -> str:
    """A new event's plan, in the organiser's language, to shape in the forms: one axis, ten tables of eight and
    the day's usual course (welcome, ideas at the tables, the theme team's grouping, a vote, the results)."""

    def text(message: str) -> str:
        return "{ %s = %s }" % (lang, json.dumps(gettext(message), ensure_ascii=False))

    phases = (
        ("welcome", "plenary", 15, N_("Welcome")),
        ("ideas", "capture", 45, N_("Ideas at the tables")),
        ("grouping", "clustering", 20, N_("The theme team groups the ideas")),
        ("vote", "voting", 15, N_("Voting")),
        ("results", "results", 20, N_("Results")),
    )
    agenda = "".join(
        f'\n[[agenda]]\nid = "{pid}"\nkind = "{kind}"\nminutes = {minutes}\ntitle = {text(title)}\n'
        for pid, kind, minutes, title in phases
    )
    return (
        f'[event]\nid = "{BLANK}"\nlanguages = ["{lang}"]\ntitle = {text(N_("New event"))}\n\n'
        f'[[axes]]\nid = "axis-1"\ncolor = "#1f6fb2"\nname = {text(N_("New axis"))}\n\n'
        f"[tables]\ncount = 10\nsize = 8\nheadroom = 2\n{agenda}\n"
        f"[voting]\ndots_per_person = 5\nmax_dots_per_item = 3\nhide_results_until_reveal = true\n"
    )


@bp.get("/home/<secret>")
def home(secret: str, problem: str | None = None, status: int = 200):
    host = _host(secret)
    from facilitation.app import archived_events

    archived = [(event_id, plan.event.title) for event_id, plan in archived_events(current_app).items()]
    return render_template(
        "home.html",
        plan=host.first.service.plan,
        secret=secret,
        base=public_url(),
        problem=problem,
        events=[_summary(*each) for each in host.each()],
        archived=archived,
        templates=[BLANK, *sorted(bundled_plans())],
        made=request.args.get("made"),
        deleted=request.args.get("deleted"),
        replaced=request.args.get("replaced"),
    ), status


@bp.post("/home/<secret>/events")
def create(secret: str):
    """A new event: from a shipped plan (`template`) or a copy of an event this server runs (`source`)."""
    host = _host(secret)
    event_id = request.form.get("id", "").strip().lower()
    if not EVENT_ID.match(event_id):
        return home(
            secret,
            gettext(
                "An event's id is lower-case letters, digits and dashes (at most 64), "
                "starting with a letter or digit: it names its database."
            ),
            422,
        )
    template, source = request.form.get("template"), request.form.get("source")
    if source in host:
        text = host.get(source).service.plan_text()
    elif template == BLANK:
        text = _blank(str(get_locale() or "en").split("_")[0])
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
    if template == BLANK and not source:  # a blank event is shaped next, in its plan's form
        return redirect(url_for("home.plan_form", secret=secret, event_id=event_id), code=303)
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
    return Response(
        body,
        mimetype="application/vnd.sqlite3",
        headers={"Content-Disposition": f'attachment; filename="{event_id}-{stamp}.sqlite"'},
    )


@bp.post("/home/<secret>/delete/<event_id>")
def delete(secret: str, event_id: str):
    """Delete an event for good, served or archived: only with its id typed again (a backup first is the
    organiser's to take)."""
    host = _host(secret)
    from facilitation.app import archived_events, delete_event, erase_archived

    archived = event_id in archived_events(current_app)
    if event_id not in host and not archived:
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
        hosted.service.execute(
            Principal(Role.FACILITATOR),
            "secret.replace",
            {"cid": secrets.token_hex(8), "secret": request.form.get("secret")},
        )
    except Refused as refused:
        return home(secret, describe(refused), 422)
    return redirect(url_for("home.home", secret=secret, replaced=event_id), code=303)


def _plan_fields(plan) -> dict[str, str]:
    """Every field the plan's form shows, by path (facilitation.planedit), with its value now, as the form
    shows it."""
    langs = plan.event.languages
    fields = {"event.languages": ", ".join(langs), "event.date": plan.event.date.isoformat() if plan.event.date else ""}

    def texts(prefix: str, holder, names=("title",)) -> None:
        for name in names:
            for lang in langs:
                fields[f"{prefix}.{name}.{lang}"] = getattr(holder, name).get(lang, "")

    texts("event", plan.event, ("title", "subtitle", "place"))
    for index, axis in enumerate(plan.axes):
        texts(f"axes.{index}", axis, ("name",))
        fields[f"axes.{index}.color"] = axis.color
    tables = plan.tables
    for name in ("count", "size", "online_groups", "headroom"):
        fields[f"tables.{name}"] = str(getattr(tables, name))
    fields["tables.online_size"] = str(tables.online_size or "")
    fields["tables.seat_codes"] = "1" if tables.seat_codes else "0"
    for lang in langs:
        fields[f"tables.names.{lang}"] = "\n".join(name.get(lang, "") for name in tables.names)
    for group in ("categories", "zones"):
        for index, choice in enumerate(getattr(plan, group)):
            texts(f"{group}.{index}", choice, ("name",))
            fields[f"{group}.{index}.target"] = "" if choice.target is None else f"{choice.target:g}"
    for index, phase in enumerate(plan.agenda):
        fields[f"agenda.{index}.kind"] = phase.kind.value
        fields[f"agenda.{index}.minutes"] = str(phase.minutes)
        texts(f"agenda.{index}", phase, ("title", "prompt"))
        for number, step in enumerate(phase.steps):
            texts(f"agenda.{index}.steps.{number}", step, ("title", "prompt"))
            fields[f"agenda.{index}.steps.{number}.minutes"] = str(step.minutes)
            fields[f"agenda.{index}.steps.{number}.harvest"] = "1" if step.harvest else "0"
    voting = plan.voting
    for name in ("dots_per_person", "max_dots_per_item", "points", "rank_top"):
        fields[f"voting.{name}"] = str(getattr(voting, name))
    fields["voting.method"] = voting.method.value
    fields["voting.hide_results_until_reveal"] = "1" if voting.hide_results_until_reveal else "0"
    for name in ("max_length", "per_phone", "per_table"):
        fields[f"ideas.{name}"] = str(getattr(plan.ideas, name))
    fields["ideas.held_words"] = "\n".join(plan.ideas.held_words)
    fields["privacy.min_group"] = str(plan.privacy.min_group)
    fields["privacy.keep_months"] = str(plan.privacy.keep_months)
    return fields


NEW_ITEM = {  # what a new item is called until the organiser names it, in each of the event's languages
    "axes": N_("New axis"),
    "categories": N_("New category"),
    "zones": N_("New zone"),
    "agenda": N_("New phase"),
    "steps": N_("New round"),
}


KIND_NAMES = {
    "plenary": N_("Plenary"),
    "capture": N_("Ideas at the tables"),
    "clustering": N_("The theme team groups the ideas"),
    "voting": N_("Voting"),
    "results": N_("Results"),
    "break": N_("Break"),
}
METHOD_NAMES = {"dots": N_("Dots"), "points": N_("Points to share"), "borda": N_("Ranking the top (Borda)")}
LOCKS = ("plan_locked_joined", "plan_locked_axis", "plan_locked_choice", "plan_locked_phase", "plan_locked_voting")


def _label(action: str, languages: list[str]) -> dict[str, str]:
    kind = "steps" if ".steps" in action else action.split(":", 1)[-1].split(".")[0]
    if not action.startswith("add:") or kind not in NEW_ITEM:
        return {}
    label = {}
    for lang in languages:
        with force_locale(lang):
            label[lang] = gettext(NEW_ITEM[kind])
    return label


def _anchor(action: str | None) -> str:
    """Where the page opens after an action: the list it changed."""
    if not action:
        return ""
    target = action.split(":", 1)[-1].split(".")
    return "#" + ("agenda" if target[0] == "agenda" else target[0])


@bp.route("/home/<secret>/plan/<event_id>", methods=["GET", "POST"])
def plan_form(secret: str, event_id: str):
    """The plan in forms: everything the TOML holds, the same rules as the TOML loader (the problem next to its
    field), and what the event's data holds on to shown locked with the reason (facilitation.planedit)."""
    hosted = _host(secret).get(event_id)
    if hosted is None:
        abort(404)
    plan, problems = hosted.service.plan, {}
    values = _plan_fields(plan)
    if request.method == "POST":
        sent = {field: request.form.getlist(field)[-1] for field in values if field in request.form}
        changes = {
            field: value
            for field, value in sent.items()
            if value.replace("\r\n", "\n").strip() != values[field].strip()
        }
        action = request.form.get("action") or None
        if changes or action:
            try:
                hosted.service.execute(
                    Principal(Role.FACILITATOR),
                    "plan.update",
                    {
                        "cid": secrets.token_hex(8),
                        "changes": changes,
                        "action": action,
                        "label": _label(action or "", list(plan.event.languages)),
                    },
                )
            except Refused as refused:
                field = refused.params.get("field", "")
                if field not in values:  # a rule across fields: next to the first field it names, else on top
                    field = next((name for name in values if name.startswith(field + ".")), "") if field else ""
                problems[field] = describe(refused)
                values.update(sent)  # what was typed stays, next to its message
        if not problems:
            return redirect(
                url_for("home.plan_form", secret=secret, event_id=event_id, saved=1) + _anchor(action), code=303
            )
    return render_template(
        "plan.html",
        plan=plan,
        secret=secret,
        event_id=event_id,
        values=values,
        problems=problems,
        locks=hosted.service.plan_locks(),
        saved=request.args.get("saved"),
        kind_names=[(kind.value, gettext(KIND_NAMES[kind.value])) for kind in PhaseKind],
        method_names=[(method.value, gettext(METHOD_NAMES[method.value])) for method in Method],
        locked_why={code: gettext(MESSAGES[code]) for code in LOCKS},
    ), 422 if problems else 200


@bp.get("/home/<secret>/plan/<event_id>.toml")
def plan_file(secret: str, event_id: str):
    """The plan as a TOML file, with every change made in the forms: what `serve` and a new event take."""
    hosted = _host(secret).get(event_id)
    if hosted is None:
        abort(404)
    return Response(
        hosted.service.plan_text(),
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{event_id}.toml"'},
    )


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
