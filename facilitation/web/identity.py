"""Who a request is (capability tokens, the phone's device cookie) and which language it reads."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, request, session
from flask_babel import get_locale

from facilitation.domain.roles import Role
from facilitation.labels import every_language
from facilitation.plan import in_language
from facilitation.services.commands import Principal
from facilitation.services.event import DEVICE_COOKIE

LANG_COOKIE = "facilitation_lang"
ONE_YEAR = 365 * 24 * 3600


def hosted():
    """The event this request is for (`_find_event`), of those the server runs (facilitation.hosting)."""
    found = g.get("hosted")
    if found is None:
        host = current_app.extensions.get("facilitation.host")
        found = host.first if host else None
    return found


def service():
    found = hosted()
    # a worker drawing a page holds one event and no host (facilitation.workers.jobs)
    return found.service if found else current_app.extensions["facilitation"]


def event_args() -> dict:
    """`{"event": id}` for links to pages no secret or code names (/join, /results), when the server runs
    several events; else nothing (the page's own event is the only one)."""
    host = current_app.extensions.get("facilitation.host")
    return {"event": hosted().id} if host is not None and host.several else {}


def others() -> list[tuple[str, dict]]:
    """The other events this server runs (facilitation.hosting), by id and title, for carrying material over
    without a file; those asleep are not opened for it."""
    host = current_app.extensions.get("facilitation.host")
    here = hosted().id
    return (
        [(event_id, plan.event.title) for event_id, plan in host.plans() if event_id != here]
        if host is not None
        else []
    )


def _find_event() -> None:
    """Which event a request is for, from what it carries: a secret or a join code in its path, a bearer
    token, `?event=`, the phone's device cookie; else the first event (the only one, on most servers)."""
    host = current_app.extensions.get("facilitation.host")
    if host is None or not host.several or request.endpoint == "static":
        return
    args = request.view_args or {}
    found = None
    if isinstance(args.get("token"), str):
        found = host.by_token(args["token"])
        found = found[0] if found else None
    elif isinstance(args.get("code"), str):
        found = host.by_code(args["code"])
    if found is None and request.args.get("event"):
        found = host.get(request.args["event"])
    header = request.headers.get("Authorization", "")
    if found is None and header.startswith("Bearer "):
        found = host.by_token(header.removeprefix("Bearer ").strip())
        found = found[0] if found else None
    if found is None and request.cookies.get(DEVICE_COOKIE):
        found = host.by_token(request.cookies[DEVICE_COOKIE])
        found = found[0] if found else None
    g.hosted = found or host.first


def select_locale() -> str:
    languages = service().plan.event.languages
    for candidate in (
        request.args.get("lang"),
        getattr(g, "lang", None),
        session.get("lang"),
        request.cookies.get(LANG_COOKIE),
    ):
        if candidate in languages:
            return str(candidate)
    return request.accept_languages.best_match(languages) or languages[0]


def localized(text: dict | None) -> str:
    """Pick the reader's language from a plan text ({"it": ..., "en": ...})."""
    return in_language(text, str(get_locale()))


def principal(token: str, *roles: Role) -> Principal:
    """The role behind a capability link; 404 for an unknown token, 403 for a role that may not open the page."""
    who = service().resolve(token)
    if who is None:
        abort(404)
    if roles and who.role not in roles:
        abort(403)
    return who


def device() -> Principal | None:
    return service().resolve(request.cookies.get(DEVICE_COOKIE))


def bearer() -> Principal | None:
    """API callers send `Authorization: Bearer <token>`; phones may rely on their device cookie."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return service().resolve(header.removeprefix("Bearer ").strip())
    return device()


def public_url() -> str:
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def init_app(app: Flask) -> None:
    app.before_request(_find_event)  # first: everything after reads the request's event

    @app.before_request
    def _remember_language():
        lang = request.args.get("lang")
        if lang in service().plan.event.languages:
            g.lang = lang

    @app.after_request
    def _store_language(response):
        if getattr(g, "lang", None):
            response.set_cookie(LANG_COOKIE, g.lang, max_age=ONE_YEAR, samesite="Lax")
        return response

    @app.context_processor
    def _event_scope():
        """`event_args` for links to pages no secret or code names (/join, /results): the event, when the
        server runs several."""
        return {"event_args": event_args()}

    app.jinja_env.filters["loc"] = localized
    app.jinja_env.globals["current_lang"] = lambda: str(get_locale())
    app.jinja_env.globals["every_language"] = every_language  # printed cards name a table in each of their languages
