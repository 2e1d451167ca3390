"""The application factory: config, the events' databases, extensions, blueprints and socket handlers. One
event by default; `MORE_PLANS` hosts more beside it, each apart (facilitation.hosting)."""

from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

from flask import Flask

from facilitation import config as settings
from facilitation import resources
from facilitation.extensions import babel, socketio
from facilitation.hosting import Asleep, Host, Hosted
from facilitation.i18n import catalogues
from facilitation.domain.errors import Refused
from facilitation.plan import Plan, PlanError, load_plan, parse_plan
from facilitation.services.event import EventService
from facilitation.store import datadir, places
from facilitation.store.engine import create_elsewhere, follower_engine, make_engine
from facilitation.store.schema import SchemaError, head
from facilitation.workers.pool import Pool


log = logging.getLogger(__name__)


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
    app = App(
        __name__, template_folder=str(resources.folder("templates")), static_folder=str(resources.folder("static"))
    )
    app.config.update(settings.resolve(config))
    app.config.setdefault("SECRET_KEY", secrets.token_hex(16))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalogues())
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_MESSAGE_BYTES"]

    host = app.extensions["facilitation.host"] = Host()
    plans = [Path(app.config["PLAN"]), *map(Path, app.config.get("MORE_PLANS") or ())]
    place = app.extensions["facilitation.place"] = places.where(app.config)
    if isinstance(place, places.Folder) and place.file and len(plans) > 1:
        raise ValueError("one SQLite DATABASE_URL holds one event: serve several events from the data folder")
    # the events the data folder (or database) keeps, read once: the workspace serves them all
    folder = place.events() if app.config.get("WORKSPACE") else {}
    kept = folder if app.config.get("PLAN_KEPT") else {}
    for plan_path in plans:
        plan, text = load_plan(plan_path), plan_path.read_text(encoding="utf-8")
        if plan.event.id in kept:  # a plan no one named (the demo's): the event's own, as the forms left it
            text = kept[plan.event.id]
            plan = parse_plan(text, f"{plan.event.id}.sqlite")
        _open_event(app, plan, text)
    host.wake = lambda asleep: _wake(app, asleep)
    if app.config.get("WORKSPACE"):  # and every other event the data folder keeps (the organiser's workspace)
        host.organiser = workspace_secret(app.config["DATA_DIR"])
        revision = head()
        for event_id, plan_text in folder.items():
            if event_id in host:
                continue
            try:
                plan = parse_plan(plan_text, f"{event_id}.sqlite")
                if plan.event.id != event_id:
                    continue
                seen = place.glance(event_id)
                # opened when a request or socket names it; with several processes (REDIS_URL), at once: each
                # event then has its writer among them, and the others follow it from the start
                if seen is not None and seen.revision == revision and not app.config["REDIS_URL"]:
                    host.sleep(Asleep(event_id, plan, plan_text, seen))
                else:  # an older schema is migrated now, before the room arrives
                    _open_event(app, plan, plan_text)
            except (PlanError, SchemaError) as exc:  # one unreadable event must not keep the others from the room
                log.warning("the data folder's event %s is not served: %s", event_id, exc)
    # the first event, for what serves one whatever the server runs (the command line's cards and links)
    app.extensions["facilitation"] = host.first.service
    app.extensions["facilitation.workers"] = host.first.workers

    from facilitation.realtime import guard, handlers  # handlers registers the socket events
    from facilitation.web import api, exports, headers, health, home, identity, pages, requestlog, results

    babel.init_app(app, locale_selector=identity.select_locale)
    queue = {"message_queue": app.config["REDIS_URL"], "channel": "facilitation"} if app.config["REDIS_URL"] else {}
    socketio.init_app(
        app,
        **queue,  # with several processes on the event: an update reaches the sockets every one of them holds
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
        ping_interval=10,
        ping_timeout=20,
        serializer=handlers.TextPacket,
    )
    app.wsgi_app = handlers.without_websocket_compression(app.wsgi_app)  # type: ignore[method-assign]
    if proxies := app.config["PROXIES"]:  # behind nginx: the phone's address is the one the proxy saw
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    handlers.guard_event_names(socketio.server)
    handlers.close_unjoined(socketio.server, float(app.config["IDLE_TIMEOUT"]))
    languages = list(dict.fromkeys(lang for _id, plan in host.plans() for lang in plan.event.languages))
    app.extensions["facilitation.guard"] = guard.Guard(socketio.server, languages)
    for hosted in host.events.values():
        _broadcast(app, hosted)
        if app.config["REDIS_URL"]:
            _relay(app, hosted)
    if app.config["REDIS_URL"] and app.config.get("WORKSPACE"):
        _workspace_relay(app)

    identity.init_app(app)
    requestlog.init_app(app)
    headers.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(results.bp)
    app.register_blueprint(home.bp)
    return app


def _open_event(app: Flask, plan: Plan, plan_text: str, following: bool | None = None) -> Hosted:
    """One more event on this server: its database (created on first start), its service and its workers.
    `following`: another process writes it (services.relay); by default, if the settings name it (FOLLOWING)."""
    host: Host = app.extensions["facilitation.host"]
    url = _place(app).url(plan.event.id)
    paces = {
        "join_burst": app.config["JOIN_BURST"],
        "seats_per_phone": app.config["SEATS_PER_PHONE"],
        "phone_networks": app.config["PHONE_NETWORKS"],
    }
    if following is None:
        following = plan.event.id in (app.config.get("FOLLOWING") or ())
    if following:  # another process writes the event (services.relay): as it made it
        service = EventService.following(follower_engine(url), **paces)
        plan = service.plan
    else:
        service = EventService.open(make_engine(url), plan, plan_text, taken=host.codes(), **paces)
    # reports, exports, page drawings and imports: never on the event loop (facilitation.workers)
    hosted = Hosted(plan.event.id, service, Pool(url, app.config["WORKERS"]))
    host.add(hosted)
    return hosted


def _wake(app: Flask, asleep: Asleep) -> Hosted:
    """An event the workspace kept, opened by the first request or socket naming it."""
    started = time.perf_counter()
    hosted = _serve_now(app, _open_event(app, asleep.plan, asleep.plan_text))
    log.info("event %s opened, first needed (%.0f ms)", asleep.id, (time.perf_counter() - started) * 1000)
    return hosted


def _broadcast(app: Flask, hosted: Hosted) -> None:
    from facilitation.realtime.notify import Broadcaster

    hosted.broadcaster = Broadcaster(socketio, hosted.service, float(app.config["FLUSH_INTERVAL"]), hosted.rooms)
    hosted.service.publish = hosted.broadcaster.publish


def _relay(app: Flask, hosted: Hosted) -> None:
    """Several processes on one event (services.relay): its Redis, and every signal its writer sends handled
    here (a room's sockets cut, a follower's cached stage read again, a join refused at the writer counted)."""
    from facilitation.services.relay import Relay

    relay = Relay(app.config["REDIS_URL"], hosted.id, socketio.start_background_task)
    hosted.relay = hosted.broadcaster.relay = relay

    def handle(signal: dict) -> None:
        if signal.get("kind") == "cut":
            hosted.broadcaster.cut_here(str(signal.get("room")))
        elif signal.get("kind") == "changed" and hosted.service.forward is not None:
            hosted.service.changed_elsewhere(plan=bool(signal.get("plan")))
        elif signal.get("kind") == "refused" and hosted.service.forward is not None:
            for table, n in signal.get("tables") or ():
                hosted.service.door.count_refusal(table if isinstance(table, int) else None, int(n))

    socketio.start_background_task(relay.listen, handle)


def follow(app: Flask, event_id: str, lock, writer: str) -> None:
    """This process follows the event another one (`writer`, its host and pid) writes: every command is forwarded
    to that writer, and the event's lock is tried every second, to write from the moment the writer ends
    (services.relay), for as long as this process serves the event."""
    from facilitation.services.relay import Lease

    host: Host = app.extensions["facilitation.host"]
    hosted = host.events[event_id]
    hosted.service.forward = hosted.relay.forward
    log.info("event %s: another process writes it (%s); this one follows", event_id, writer)
    lease = Lease(lock, lambda: write(app, event_id), wanted=lambda: host.events.get(event_id) is hosted)
    socketio.start_background_task(lease.run, socketio.sleep)


def write(app: Flask, event_id: str) -> None:
    """This process writes the event from now on: it runs the commands other processes forward, and its own."""
    host: Host = app.extensions["facilitation.host"]
    hosted = host.events.get(event_id)
    if hosted is None:  # archived or deleted meanwhile
        return
    if hosted.service.forward is not None:
        hosted.service.forward = None
        hosted.service.changed_elsewhere(plan=True)  # what the writer before it changed last
        log.warning("event %s: this process writes it now (the process that wrote it has ended)", event_id)
    socketio.start_background_task(
        hosted.relay.take_commands,
        hosted.service.execute,
        socketio.start_background_task,
        lambda: host.events.get(event_id) is hosted,
    )


def _workspace_relay(app: Flask) -> None:
    """A workspace served by several processes: an event one of them makes or serves again is served by every
    other (it follows the one that made it), and one archived or deleted on one leaves them all."""
    from facilitation.services.relay import WORKSPACE, Relay

    relay = Relay(app.config["REDIS_URL"], WORKSPACE, socketio.start_background_task)
    app.extensions["facilitation.workspace"] = relay
    host: Host = app.extensions["facilitation.host"]

    def handle(signal: dict) -> None:
        event_id = str(signal.get("event"))
        if signal.get("kind") == "opened" and event_id not in host:
            _serve_made_elsewhere(app, event_id)
        elif signal.get("kind") == "dropped" and event_id in host:
            _drop(app, event_id, erase=False)
            log.warning("event %s: another process archived or deleted it; it is no longer served here", event_id)

    socketio.start_background_task(relay.listen, handle)


def _serve_made_elsewhere(app: Flask, event_id: str) -> None:
    """An event another process of the workspace made or served again: served here too, following its writer (or
    writing it, if that process has ended already)."""
    place, host = _place(app), app.extensions["facilitation.host"]
    plan_text = place.events().get(event_id)
    if plan_text is None:  # archived or deleted again meanwhile
        return
    lock = place.lock(event_id, wait=True)
    assert isinstance(lock, datadir.DatabaseLock), "several processes keep their events in PostgreSQL"
    try:
        _serve_now(app, _open_event(app, parse_plan(plan_text, event_id), plan_text, following=not lock.held))
    except Exception:
        lock.release()
        raise
    host.locks[event_id] = lock
    if lock.held:
        write(app, event_id)
    else:
        follow(app, event_id, lock, lock.holder())
    log.info("event %s: made or served again by another process of the workspace, served here too", event_id)


def _shared(app: Flask) -> bool:
    """Whether other processes serve this workspace's events too (REDIS_URL with the workspace)."""
    return "facilitation.workspace" in app.extensions


def _tell_workspace(app: Flask, kind: str, event_id: str) -> None:
    if _shared(app):
        app.extensions["facilitation.workspace"].signal(kind, event=event_id)


def _written_here(app: Flask, hosted: Hosted) -> Hosted:
    """An event this process made or served again: with several processes, it writes it and the others follow."""
    if app.config["REDIS_URL"]:
        write(app, hosted.id)
        _tell_workspace(app, "opened", hosted.id)
    return hosted


def add_event(app: Flask, plan_text: str) -> Hosted:
    """An event the organiser made while the server runs (from a template, or a copy): its database created,
    locked for this process, and served at once beside the others."""
    plan = parse_plan(plan_text, "new event")
    host: Host = app.extensions["facilitation.host"]
    place = _place(app)
    if plan.event.id in host or place.exists(plan.event.id):
        raise Refused("event_exists", event=plan.event.id)
    lock = None
    try:
        lock = place.lock(plan.event.id)
        create_elsewhere(place.url(plan.event.id))  # its schema made by another process, off the event loop
    except (SchemaError, OSError, datadir.DataDirError) as exc:  # a full disk, say: nothing is left half made
        log.error("the new event %s could not be made: %s", plan.event.id, exc)
        if lock is not None:  # what this process began (never an event another process holds: not locked here)
            lock.release()  # first: Windows cannot delete a lock file still held
            place.erase(plan.event.id)
        raise Refused("event_not_made", event=plan.event.id) from None
    host.locks[plan.event.id] = lock
    return _written_here(app, _serve_now(app, _open_event(app, plan, plan_text, following=False)))


def _serve_now(app: Flask, hosted: Hosted) -> Hosted:
    """An event opened while the server runs: its screens' updates (and its signals, with several processes), and
    its ideas embedded as they come."""
    _broadcast(app, hosted)
    if app.config["REDIS_URL"]:
        _relay(app, hosted)
    from facilitation.services.assistant import Prefetch

    socketio.start_background_task(Prefetch(hosted.workers, hosted.service).run, socketio.sleep)
    return hosted


def delete_event(app: Flask, event_id: str) -> None:
    """The organiser deletes an event, or its time is up (`retention`): it stops being served, its screens are
    cut, its workers end, and its database with everything beside it (the log, the vectors, the lock) is gone."""
    _removable(app, event_id)
    if not _shared(app):
        _drop(app, event_id)
        return
    _drop(app, event_id, erase=False)
    _tell_workspace(app, "dropped", event_id)
    _let_go(app, event_id)
    _place(app).erase(event_id)
    log.warning("event %s deleted", event_id)


def _let_go(app: Flask, event_id: str, within: float = 10.0) -> None:
    """Wait until no other process serves the event (its lock free), to delete what they may still be writing."""
    lock = _place(app).lock(event_id, wait=True)
    assert isinstance(lock, datadir.DatabaseLock), "several processes keep their events in PostgreSQL"
    try:
        until = time.monotonic() + within
        while not lock.held and time.monotonic() < until:
            socketio.sleep(0.2)
            lock.take()
        if not lock.held:
            log.warning("event %s: another process still serves it; deleted all the same", event_id)
    finally:
        lock.release()


def _removable(app: Flask, event_id: str) -> None:
    """An event the organiser may take off this server: one it serves, and not its only one."""
    host: Host = app.extensions["facilitation.host"]
    if event_id not in host or not host.several:
        raise Refused("unknown_event" if event_id not in host else "last_event")


def archive_event(app: Flask, event_id: str) -> None:
    """The organiser puts an event away: it is no longer served (its screens cut, its workers ended) and its
    database stays in the data folder, listed on the home, to be served again or deleted; retention still
    deletes it when its time is up."""
    _removable(app, event_id)
    _drop(app, event_id, erase=False)
    _place(app).write_setting(event_id, datadir.ARCHIVED, str(time.time()))
    _tell_workspace(app, "dropped", event_id)
    log.warning("event %s archived", event_id)


def archived_events(app: Flask) -> dict[str, Plan]:
    """The events the data folder keeps but the server does not serve (archived), with their plans."""
    return {event_id: parse_plan(text, event_id) for event_id, text in _place(app).events(archived=True).items()}


def unarchive_event(app: Flask, event_id: str) -> Hosted:
    """An archived event served again, as it was."""
    place = _place(app)
    plan_text = place.events(archived=True).get(event_id)
    if plan_text is None:
        raise Refused("unknown_event")
    host: Host = app.extensions["facilitation.host"]
    host.locks[event_id] = place.lock(event_id)
    place.write_setting(event_id, datadir.ARCHIVED, None)
    hosted = _open_event(app, parse_plan(plan_text, event_id), plan_text, following=False)
    return _written_here(app, _serve_now(app, hosted))


def erase_archived(app: Flask, event_id: str) -> None:
    """An archived event deleted for good: its database and everything beside it."""
    if event_id not in _place(app).events(archived=True):
        raise Refused("unknown_event")
    _place(app).erase(event_id)
    log.warning("event %s deleted", event_id)


def _place(app: Flask) -> places.Place:
    """Where this server keeps its events (a data folder, or a PostgreSQL database)."""
    return app.extensions["facilitation.place"]


def _drop(app: Flask, event_id: str, erase: bool = True) -> None:
    """Stop serving an event; with `erase`, its database goes too (its files, or its schema)."""
    host: Host = app.extensions["facilitation.host"]
    hosted = host.remove(event_id)
    if hosted is not None:  # open: its screens cut and its workers ended first (asleep: only its data)
        for room in ("staff", "projector", "scribes", "phones"):  # this process's: each process drops its own
            hosted.broadcaster.cut_here(room)
        hosted.broadcaster.stop()
        if hosted.relay is not None:
            hosted.relay.close()
        hosted.workers.close()
        hosted.service.engine.dispose()
    if (lock := host.locks.pop(event_id, None)) is not None:
        lock.release()
    if erase:
        _place(app).erase(event_id)
    if host.ids():
        app.extensions["facilitation"] = host.first.service
        app.extensions["facilitation.workers"] = host.first.workers
    if erase:
        log.warning("event %s deleted", event_id)


DAYS_PER_MONTH = 30.44


def deletion_due(last_change: float | None, keep_months: int) -> float | None:
    """When an event's data is due for deletion: `keep_months` (the plan's privacy promise, which its phones
    state) after its last change; None for an event that never changed."""
    return None if last_change is None else last_change + keep_months * DAYS_PER_MONTH * 86400


def retention(app: Flask, now: float | None = None) -> list[str]:
    """Delete every event whose time is up (the workspace does this at start and every hour); the deleted ids."""
    host: Host = app.extensions["facilitation.host"]
    now = time.time() if now is None else now
    deleted = []
    for event_id, plan, seen, _secret in list(host.each()):
        due = deletion_due(seen["last_change"], plan.privacy.keep_months)
        if due is None or due > now:
            continue
        if (hosted := host.events.get(event_id)) is not None and hosted.service.forward is not None:
            continue  # its writer, another process, deletes it
        if host.several:
            delete_event(app, event_id)
        else:  # the server's only event: its data goes, and it is served again as new from the same plan
            plan_text = host.first.service.plan_text()
            _drop(app, event_id)
            host.locks[event_id] = _place(app).lock(event_id)
            _serve_now(app, _open_event(app, parse_plan(plan_text, event_id), plan_text))
            app.extensions["facilitation"] = host.first.service
            app.extensions["facilitation.workers"] = host.first.workers
        log.warning(
            "event %s: its data was kept %s months after its last change, as its phones said, and is now deleted",
            event_id,
            plan.privacy.keep_months,
        )
        deleted.append(event_id)
    for event_id, plan_text in _place(app).events(archived=True).items():  # put away, too
        due = deletion_due(_place(app).last_change(event_id), parse_plan(plan_text, event_id).privacy.keep_months)
        if due is not None and due <= now:
            erase_archived(app, event_id)
            deleted.append(event_id)
    return deleted


def workspace_secret(folder: str | Path) -> str:
    """The organiser's secret for the workspace's home, made at first start and kept in the data folder."""
    path = Path(folder) / "organiser.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(18))
    return path.read_text().strip()
