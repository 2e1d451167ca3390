"""`facilitation serve`: check the data folder, lock the event, bind the port, print the links, serve."""

from __future__ import annotations

import errno
import gc
import ipaddress
import logging
import os
import socket
import sys
from urllib.parse import urlsplit

from facilitation import runtime
from facilitation.config import BY_KEY
from facilitation.cli.common import load_plan_or_exit, say_data_dir_error, say_schema_error
from facilitation.i18n import terminal_language, translator
from facilitation.messages import N_
from facilitation.runtime.door import full_response
from facilitation.store import datadir, places
from facilitation.store.engine import sqlite_file
from facilitation.store.schema import SchemaError

log = logging.getLogger(__name__)


def lan_address() -> str:
    """The machine's address on the venue network, for the links phones will open.

    A UDP socket "connected" to an outside address makes the kernel pick the outgoing interface;
    no packet is sent. Without a route (an offline laptop), fall back to the host name, then loopback.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: documentation range, never routed anywhere
            address = probe.getsockname()[0]
            if not address.startswith("127.") and address != "0.0.0.0":
                return address
        except OSError:
            pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not str(info[4][0]).startswith("127."):
                return str(info[4][0])
    except OSError:
        pass
    return "127.0.0.1"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def public_base(host: str, port: int, public_url: str | None, _) -> tuple[str, list[str]]:
    """The base URL for links and QR codes, and warnings when phones could not open it.

    An explicit public URL wins (a router, tunnel or proxy may forward to this server); otherwise the links
    point where the server really listens: the LAN address for every interface, or the one address given."""
    notes = []
    if public_url:
        if _is_loopback(host) and not _is_loopback(urlsplit(public_url).hostname or ""):
            notes.append(
                _(
                    "The server listens only on this computer (%(host)s): %(url)s works only through a "
                    "proxy or tunnel running here.",
                    host=host,
                    url=public_url,
                )
            )
        return public_url.rstrip("/"), notes
    if host in ("0.0.0.0", "::", ""):
        address = lan_address()
        if address == "127.0.0.1":
            notes.append(
                _(
                    "No network found: the links work only on this computer. Connect to the venue Wi-Fi "
                    "and restart, or give --public-url."
                )
            )
        return f"http://{address}:{port}", notes
    if _is_loopback(host):
        notes.append(
            _(
                "The server listens only on this computer (%(host)s): phones cannot open these links. "
                "Use --host 0.0.0.0 for the venue network.",
                host=host,
            )
        )
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}", notes


def serve(args, config) -> int:
    plans = [load_plan_or_exit(path) for path in (config["PLAN"], *config["MORE_PLANS"])]
    plan = plans[0]
    _ = translator(plan.event.languages)
    postgres = bool(config["DATABASE_URL"]) and not sqlite_file(config["DATABASE_URL"])
    one_file = bool(config["DATABASE_URL"]) and not postgres
    if one_file:
        config = {**config, "WORKSPACE": False}  # an SQLite file holds one event: the workspace is a folder's
    if len({p.event.id for p in plans}) < len(plans) or (one_file and len(plans) > 1):
        print(
            _(
                "Each event on one server needs its own id and its own database: check the plans' [event] id, "
                "and serve several events from the data folder or a PostgreSQL database, not one SQLite file."
            ),
            file=sys.stderr,
        )
        return 2
    if config["REDIS_URL"] and not postgres:
        print(
            _(
                "REDIS_URL shares an event between several server processes, which keep it in PostgreSQL: set "
                "FACILITATION_DATABASE_URL to a postgresql+psycopg:// URL too (docs/scale-out.md)."
            ),
            file=sys.stderr,
        )
        return 2
    import importlib.util

    for setting, needed, module, extra in (
        (BY_KEY["DATABASE_URL"].env, postgres, "psycopg", "postgresql"),
        (BY_KEY["REDIS_URL"].env, bool(config["REDIS_URL"]), "redis", "scaleout"),
    ):
        if needed and importlib.util.find_spec(module) is None:
            print(
                _(
                    "%(setting)s needs the %(module)s client, which is not installed: install facilitation with "
                    "it (pipx install 'facilitation[%(extra)s]', or pip install in its environment).",
                    setting=setting,
                    module=module,
                    extra=extra,
                ),
                file=sys.stderr,
            )
            return 2
    # held until this process ends: one server per event (per database file it resolves to; in PostgreSQL the
    # database's own lock, which every machine that reaches it meets)
    locks: dict[str, datadir.EventLock | datadir.DatabaseLock] = {}
    try:
        if not postgres:
            datadir.check(config["DATA_DIR"], config["MIN_FREE_MB"])
        place = places.where(config)
        named = [each.event.id for each in plans]
        kept = [event for event in place.events() if event not in named] if config.get("WORKSPACE") else []
        for event_id in named + kept:
            locks[event_id] = place.lock(event_id, wait=bool(config["REDIS_URL"]))
    except datadir.DataDirError as exc:
        for lock in locks.values():
            lock.release()
        return say_data_dir_error(_, exc)
    # with REDIS_URL, a process that does not get an event's lock follows the one that did (services.relay)
    following = {e: k for e, k in locks.items() if isinstance(k, datadir.DatabaseLock) and not k.held}
    host, port = config["HOST"], config["PORT"]
    chosen = getattr(args, "port", None) is not None or os.environ.get(BY_KEY["PORT"].env)
    try:
        listener, port = _listen(host, port, config["ASYNC_MODE"], tries=1 if chosen else FALLBACK_PORTS)
        config = {**config, "PORT": port}
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                _(
                    "Port %(port)s is already in use on %(host)s: another server (perhaps facilitation, still "
                    "running) holds it. Stop it, or choose another port with --port.",
                    port=port,
                    host=host,
                ),
                file=sys.stderr,
            )
        else:
            print(
                _("Cannot listen on %(host)s:%(port)s: %(reason)s", host=host, port=port, reason=exc.strerror),
                file=sys.stderr,
            )
        return 4
    public, notes = public_base(host, port, config["PUBLIC_URL"], _)
    from facilitation.app import create_app
    from facilitation.hosting import CodeClash

    try:
        app = create_app({**config, "PUBLIC_URL": public, "FOLLOWING": sorted(following)})
    except SchemaError as exc:
        return say_schema_error(_, exc)
    except LookupError:  # a follower waited a minute for the event its writer makes
        print(_("The event's writer (the server holding its database) has not made it in a minute."), file=sys.stderr)
        return 2
    except CodeClash as exc:
        print(
            _(
                "Two events share a join code (%(which)s): a phone could not tell which it joins. Serve them apart.",
                which=exc,
            ),
            file=sys.stderr,
        )
        return 2
    hosting = app.extensions["facilitation.host"]
    hosting.locks.update(locks)  # released by the event's deletion, or at exit
    writers = {event_id: lock.holder() for event_id, lock in following.items()}  # the processes this one follows
    if config["REDIS_URL"]:
        from facilitation.app import follow, write

        for event_id in hosting.events:
            if event_id in following:
                follow(app, event_id, following[event_id], writers[event_id])
            else:
                write(app, event_id)
    if app.config.get("WORKSPACE"):
        from facilitation.app import retention

        retention(app)
        socketio_task = _every_hour(lambda: retention(app))
    events = hosting.events
    for hosted in events.values():
        _print_links(hosted.service, public, host, port, _, scoped=hosting.several)
        if hosted.id in writers:
            print(
                "  "
                + _(
                    "This server follows the event's writer (%(holder)s): its phones' commands are run there, and "
                    "it takes the writing over if that server ends.",
                    holder=writers[hosted.id],
                ),
                flush=True,
            )
    if organiser := hosting.organiser:
        label, secret = _("Organiser's home"), _("(secret: for you only)")
        print(f"  {label}: {public}/home/{organiser}   {secret}", flush=True)
        if hosting.asleep:
            print(
                "  "
                + _(
                    "Also kept here, opened when first needed (their links are on the home): %(events)s",
                    events=", ".join(hosting.asleep),
                ),
                flush=True,
            )
        print(flush=True)
    gc.freeze()  # what start-up built lives all day: keep the collector from walking it again in every burst
    _unused, english = public_base(host, port, config["PUBLIC_URL"], translator(["en"], "en"))
    for note, said in zip(notes, english, strict=True):  # on screen in the terminal's language, in the log English
        print(f"  {note}", file=sys.stderr, flush=True)
        log.warning(said)
    log.info("facilitation serving %s on %s:%s (%s)", ", ".join(hosting.ids()), host, port, config["ASYNC_MODE"])
    from facilitation.extensions import socketio
    from facilitation.services.assistant import Prefetch
    from facilitation.web.stalls import QuietCollector, StallWatch

    stalls = app.extensions["facilitation.stalls"] = StallWatch()
    socketio.start_background_task(stalls.run, socketio.sleep)
    quiet_for = lambda: min(hosted.service.quiet_for() for hosted in list(events.values()))  # noqa: E731
    socketio.start_background_task(QuietCollector(quiet_for).run, socketio.sleep)
    socketio.start_background_task(app.extensions["facilitation.workers"].start)  # the first report is quick
    for hosted in events.values():  # the ideas' embeddings made as they come, not in the break
        socketio.start_background_task(Prefetch(hosted.workers, hosted.service).run, socketio.sleep)
    languages = plan.event.languages
    full = full_response([translator(languages, lang)(EVENT_FULL) for lang in languages])
    if app.config.get("WORKSPACE"):
        socketio.start_background_task(socketio_task, socketio.sleep)
    runtime.serve(listener, app, config, full)
    for lock in app.extensions["facilitation.host"].locks.values():
        lock.release()
    return 0


FALLBACK_PORTS = 10  # the default port and the next nine: a Mac's AirPlay Receiver holds 5000


def _listen(host: str, port: int, mode: str, tries: int):
    """Listen on `port`, or, when it is taken and nobody chose it, on the next free one of `tries` (said in the
    log; the links printed carry it). Raises the last port's OSError."""
    last, candidate = min(port + tries, 65536) - 1, port
    while True:
        try:
            listener = runtime.listen(host, candidate, mode)
            break
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or candidate >= last:
                raise
            candidate += 1
    if candidate != port:
        log.warning(
            "port %s is taken on this computer (on a Mac, by AirPlay Receiver): serving on %s instead", port, candidate
        )
    return listener, candidate


def _every_hour(job):
    """A background task doing `job` every hour (the workspace's retention), never ending on a failure."""

    def run(sleep) -> None:
        while True:
            sleep(3600)
            try:
                job()
            except Exception:
                log.exception("the hourly retention failed")

    return run


EVENT_FULL = N_("The event is full right now: try again in a minute, or ask the staff.")


def _print_links(service, public: str, host: str, port: int, _, scoped: bool = False) -> None:
    """The event's links at start; `scoped` when the server runs several events (its public pages then name it)."""
    settings = service.settings()
    which = f"?event={service.plan.event.id}" if scoped else ""
    languages = service.plan.event.languages
    secret = _("(secret: for you only)")
    online = f"{public}/j/{settings['online_code']}"
    if service.plan.tables.personal_online_links:
        online = f"{public}/cards/{settings['facilitator_token']}/online.csv   " + _(
            "(one personal link each, to send out; secret)"
        )
    lines = [
        (_("Phones join at (LAN)"), f"{public}/join{which}"),
        (_("Online participants"), online),
        (_("Facilitator console"), f"{public}/console/{settings['facilitator_token']}   {secret}"),
        (_("Theme team console"), f"{public}/console/{settings['theme_token']}   {secret}"),
        (_("Projector"), f"{public}/projector/{settings['projector_token']}"),
        (_("Observer (steering committee)"), f"{public}/observer/{settings['observer_token']}"),
        (_("Table cards to print"), f"{public}/cards/{settings['facilitator_token']}"),
        (_("Report (steering committee)"), f"{public}/report/{settings['observer_token']}"),
        (_("Public results (once published)"), f"{public}/results{which}"),
    ]
    if host in ("0.0.0.0", "::", "") or _is_loopback(host):
        lines.append((_("On this laptop"), f"http://127.0.0.1:{port}/console/{settings['facilitator_token']}"))
    width = max(len(label) for label, _url in lines) + 2
    print(f"\n  {service.plan.event.title[terminal_language(languages)]}\n")
    for label, url in lines:
        print(f"  {(label + ':').ljust(width)}{url}")
    print(flush=True)
