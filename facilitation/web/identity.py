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


def service():
    return current_app.extensions["facilitation"]


def select_locale() -> str:
    languages = service().plan.event.languages
    for candidate in (request.args.get("lang"), getattr(g, "lang", None), session.get("lang"),
                      request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return candidate
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

    app.jinja_env.filters["loc"] = localized
    app.jinja_env.globals["current_lang"] = lambda: str(get_locale())
    app.jinja_env.globals["every_language"] = every_language  # printed cards name a table in each of their languages
