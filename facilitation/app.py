"""The application factory: config, database, extensions, blueprints and socket handlers for one event."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from facilitation import config as settings
from facilitation import resources
from facilitation.extensions import babel, socketio
from facilitation.i18n import catalogues
from facilitation.plan import load_plan
from facilitation.services.event import EventService
from facilitation.store.engine import make_engine, sqlite_url
from facilitation.workers.pool import Pool


class App(Flask):
    def create_url_adapter(self, request):
        """No URL routing for a socket's messages: Flask-SocketIO opens a request context for each of them on
        the socket's handshake environ, and matching it against the routes was a tenth of a dot's cost (socket
        handlers build no URLs)."""
        if request is not None and request.environ.get("PATH_INFO", "").startswith("/socket.io"):
            return None
        return super().create_url_adapter(request)


def create_app(config: dict | None = None) -> Flask:
    """`config` holds settings by key (see `facilitation.config`); what it leaves out comes from the
    environment (FACILITATION_<KEY>), then the defaults."""
    app = App(__name__, template_folder=str(resources.folder("templates")),
                static_folder=str(resources.folder("static")))
    app.config.update(settings.resolve(config))
    app.config.setdefault("SECRET_KEY", secrets.token_hex(16))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalogues())
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_MESSAGE_BYTES"]

    plan_path = Path(app.config["PLAN"])
    plan = load_plan(plan_path)
    url = app.config["DATABASE_URL"] or sqlite_url(app.config["DATA_DIR"], plan.event.id)
    service = EventService.open(make_engine(url), plan, plan_path.read_text(encoding="utf-8"),
                                join_burst=app.config["JOIN_BURST"], seats_per_phone=app.config["SEATS_PER_PHONE"],
                                phone_networks=app.config["PHONE_NETWORKS"])
    app.extensions["facilitation"] = service
    # reports, exports, page drawings and imports: never on the event loop (facilitation.workers)
    app.extensions["facilitation.workers"] = Pool(url, app.config["WORKERS"])

    from facilitation.realtime import guard, handlers  # handlers registers the socket events
    from facilitation.realtime.notify import Broadcaster
    from facilitation.web import api, exports, headers, health, identity, pages, requestlog, results

    babel.init_app(app, locale_selector=identity.select_locale)
    socketio.init_app(app, async_mode=app.config["ASYNC_MODE"],
                      max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
                      ping_interval=10, ping_timeout=20, serializer=handlers.TextPacket)
    app.wsgi_app = handlers.without_websocket_compression(app.wsgi_app)
    handlers.guard_event_names(socketio.server)
    handlers.close_unjoined(socketio.server, float(app.config["IDLE_TIMEOUT"]))
    app.extensions["facilitation.guard"] = guard.Guard(socketio.server, plan.event.languages)
    broadcaster = Broadcaster(socketio, service, float(app.config["FLUSH_INTERVAL"]))
    service.publish = broadcaster.publish
    app.extensions["facilitation.broadcaster"] = broadcaster

    identity.init_app(app)
    requestlog.init_app(app)
    headers.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(results.bp)
    return app
