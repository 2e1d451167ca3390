"""Every setting in one place, each taken from a command-line flag, else the environment, else its default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(ValueError):
    """A setting whose value cannot be used; the message names the variable and the value."""


@dataclass(frozen=True)
class Option:
    key: str
    default: object
    kind: type = str
    choices: tuple[str, ...] = ()
    help: str = ""
    between: tuple[int, int] | None = None  # the lowest and highest a number may be

    @property
    def env(self) -> str:
        return f"FACILITATION_{self.key}"

    def parse(self, raw: object, source: str) -> object:
        if raw is None or self.kind is str and not isinstance(raw, str):
            return raw
        try:
            value = self.kind(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{source}: {raw!r} is not a {self.kind.__name__}") from None
        if self.key == "LOG_LEVEL":
            value = value.upper()
        if self.choices and value not in self.choices:
            raise ConfigError(f"{source}: {raw!r} is not one of {', '.join(self.choices)}")
        if self.between and not self.between[0] <= value <= self.between[1]:
            raise ConfigError(f"{source}: {raw!r} is not between {self.between[0]} and {self.between[1]}")
        return value


OPTIONS = (
    Option("PLAN", None, help="session plan file (default: the bundled demo plan)"),
    Option("DATA_DIR", "data", help="folder of the event databases, one SQLite file per event"),
    Option("DATABASE_URL", None, help="a database URL instead of SQLite per event"),
    Option(
        "REDIS_URL",
        None,
        help="Redis for several server processes on one PostgreSQL event (redis://host:6379/0): the first "
        "writes, the others follow and take over when it ends (docs/scale-out.md)",
    ),
    Option("HOST", "0.0.0.0", help="address to listen on (0.0.0.0: every network of this computer)"),
    Option(
        "PORT",
        5000,
        int,
        help="port to listen on; the default, if taken (AirPlay Receiver holds it on a Mac), "
        "gives way to the next free one; 0: any free port",
        between=(0, 65535),
    ),
    Option(
        "PROXIES",
        0,
        int,
        help="proxies in front of the server (nginx: 1) whose X-Forwarded-For and X-Forwarded-Proto are taken "
        "for a phone's address and scheme; 0: none, the connection's own address is the phone's",
        between=(0, 5),
    ),
    Option("PUBLIC_URL", None, help="base URL on links and QR codes; None: where the server listens"),
    Option(
        "ASYNC_MODE",
        "gevent",
        choices=("gevent", "threading"),
        help="server runtime: gevent (a hall), threading (trying things out)",
    ),
    Option("LOG_LEVEL", "INFO", choices=LOG_LEVELS, help="least important log lines shown"),
    Option(
        "LOG_FORMAT",
        "text",
        choices=("text", "json"),
        help="log lines as text, or as one JSON object each (time, level, logger, message) for a hosted server",
    ),
    Option("FLUSH_INTERVAL", 0.1, float, help="seconds between coalesced screen updates"),
    Option("MAX_MESSAGE_BYTES", 64 * 1024, int, help="largest request or socket message accepted"),
    Option("MIN_FREE_MB", 50, int, help="free disk space the data folder needs to start"),
    Option("MAX_CONNECTIONS", 4000, int, help="connections the server holds at once; past it: 'event full'"),
    Option(
        "MAX_PER_ADDRESS",
        1000,
        int,
        help="connections one network address may hold (a venue router or tunnel is one address)",
    ),
    Option(
        "MAX_OPENING_PER_ADDRESS",
        200,
        int,
        help="connections one address may hold that have not yet sent their request whole (slow or "
        "silent); past it the oldest of them is closed for the newcomer",
    ),
    Option("JOIN_BURST", 100, int, help="new phones one network address may join at once (then 2 a second)"),
    Option(
        "SEATS_PER_PHONE",
        2,
        int,
        help="seats one phone on the venue's network may take (its address is its own); 0: no limit",
    ),
    Option(
        "PHONE_NETWORKS",
        "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16,fc00::/7,fe80::/10",
        help="networks where an address is one phone (the venue's Wi-Fi reaching this laptop); others "
        "(this laptop's tunnel, a hosted server's public side) are shared by many people",
    ),
    Option("IDLE_TIMEOUT", 15.0, float, help="seconds a connection may stay silent before a request"),
    Option(
        "WORKERS",
        2,
        int,
        help="worker processes for reports, exports and imports (off the event loop), for each event; the first "
        "event's started with the server, another's with its first job; 0: one, started when first needed (the "
        "first report waits a few seconds for it)",
    ),
)
BY_KEY = {option.key: option for option in OPTIONS}


def resolve(given: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """The settings: `given` (flags, or a test's dict) wins over `FACILITATION_<KEY>` in the environment, which
    wins over the default. Keys that are not settings (SECRET_KEY, TESTING, ...) pass through unchanged."""
    given = dict(given or {})
    environ = os.environ if environ is None else environ
    config = {key: value for key, value in given.items() if key not in BY_KEY}
    for option in OPTIONS:
        if given.get(option.key) is not None:
            config[option.key] = option.parse(given[option.key], option.key.lower())
        elif environ.get(option.env) not in (None, ""):
            config[option.key] = option.parse(environ[option.env], option.env)
        else:
            config[option.key] = option.default
    from facilitation.resources import bundled_plan, demo_plan

    def found(plan: str) -> str:  # `serve psm-ascolto-2024`: a plan shipped with the app
        return str(bundled_plan(plan)) if not Path(plan).exists() and bundled_plan(plan) else plan

    config["PLAN"] = str(demo_plan()) if config["PLAN"] is None else found(str(config["PLAN"]))
    config["MORE_PLANS"] = [found(str(plan)) for plan in config.get("MORE_PLANS") or ()]  # type: ignore[attr-defined]
    return config
