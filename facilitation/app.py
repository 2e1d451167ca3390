"""The application factory: config, database, extensions, blueprints and socket handlers for one event."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from facilitation.extensions import babel, socketio
from facilitation.plan import load_plan
from facilitation.services.event import EventService
from facilitation.store.engine import make_engine, sqlite_url

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "PLAN": str(ROOT / "sessions" / "psm-torino-2024.toml"),
    "DATA_DIR": "data",
    "DATABASE_URL": None,        # default: one SQLite file per event under DATA_DIR
    "ASYNC_MODE": "eventlet",    # "threading" for in-process tests
    "PUBLIC_URL": None,          # base URL printed on QR codes; default: the address the request came in on
    "FLUSH_INTERVAL": 0.25,      # seconds between coalesced screen updates
    "MAX_MESSAGE_BYTES": 64 * 1024,
}


def _from_environment() -> dict:
    """FACILITATION_PLAN, FACILITATION_DATA_DIR, ... override the defaults."""
    config = {}
    for key, default in DEFAULTS.items():
        value = os.environ.get(f"FACILITATION_{key}")
        if value is not None:
            config[key] = type(default)(value) if isinstance(default, (int, float)) else value
    return config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(DEFAULTS)
    app.config.update(_from_environment())
    app.config.update(config or {})
    app.config.setdefault("SECRET_KEY", secrets.token_hex(16))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_MESSAGE_BYTES"]

    plan_path = Path(app.config["PLAN"])
    plan = load_plan(plan_path)
    url = app.config["DATABASE_URL"] or sqlite_url(app.config["DATA_DIR"], plan.event.id)
    service = EventService.open(make_engine(url), plan, plan_path.read_text(encoding="utf-8"))
    app.extensions["facilitation"] = service

    from facilitation.realtime import handlers  # noqa: F401  (registers the socket events)
    from facilitation.realtime.notify import Broadcaster
    from facilitation.web import api, identity, pages, exports

    babel.init_app(app, locale_selector=identity.select_locale)
    socketio.init_app(app, async_mode=app.config["ASYNC_MODE"],
                      max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
                      ping_interval=10, ping_timeout=20)
    broadcaster = Broadcaster(socketio, service, float(app.config["FLUSH_INTERVAL"]))
    service.publish = broadcaster.publish
    app.extensions["facilitation.broadcaster"] = broadcaster

    identity.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    return app
