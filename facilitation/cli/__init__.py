"""The `facilitation` command: serve an event, and look after its data (export, backup, restore, audit, cards)."""

from __future__ import annotations

import argparse
import os
import sys

from facilitation import __version__
from facilitation.config import BY_KEY, LOG_LEVELS, ConfigError, resolve
from facilitation.resources import bundled_plans

# Each command's flags, by the setting they set (see facilitation.config); None means "not given".
SERVE_FLAGS = {
    "plan": "PLAN",
    "data": "DATA_DIR",
    "host": "HOST",
    "port": "PORT",
    "public_url": "PUBLIC_URL",
    "async_mode": "ASYNC_MODE",
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facilitation",
        description=__doc__,
        epilog="Every flag can also be set as FACILITATION_<NAME> in the environment; "
        "a flag wins over the environment.",
    )
    parser.add_argument("--version", action="version", version=f"facilitation {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def described(key: str) -> str:
        option = BY_KEY[key]
        return f"{option.help} (env {option.env}, default {option.default})"

    def data_flag(p):
        p.add_argument("--data", help=described("DATA_DIR"))

    serve = sub.add_parser("serve", help="serve an event from its session plan")
    serve.add_argument("plan", nargs="?", help="session plan file (default: the bundled demo plan)")
    serve.add_argument(
        "more_plans",
        nargs="*",
        metavar="plan",
        help="more events on the same server, each its own database, secrets and join codes",
    )
    serve.add_argument(
        "--workspace",
        action="store_true",
        help="also serve every event kept in the data folder, with the organiser's home (a secret "
        "link printed at start) to make new events from a template or as a copy; the "
        "default when no plan is named",
    )
    serve.add_argument("--host", help=described("HOST"))
    serve.add_argument("--port", help=described("PORT"))
    data_flag(serve)
    serve.add_argument("--public-url", help=described("PUBLIC_URL"))
    serve.add_argument("--async-mode", choices=BY_KEY["ASYNC_MODE"].choices, help=described("ASYNC_MODE"))
    serve.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, help=described("LOG_LEVEL"))
    serve.add_argument("--log-format", choices=BY_KEY["LOG_FORMAT"].choices, help=described("LOG_FORMAT"))

    exp = sub.add_parser("export", help="export an event's ideas, themes, votes and rankings")
    exp.add_argument("--event", required=True, help="event id (the plan's event.id)")
    data_flag(exp)
    exp.add_argument(
        "--format",
        choices=["csv", "json", "xlsx", "pabulib"],
        default="csv",
        help="csv: the tables and each round's Pabulib ballots; pabulib: the ballots alone",
    )
    exp.add_argument("--lang", help="language of axis names (default: the plan's first)")
    exp.add_argument(
        "--out",
        help="csv, pabulib: a folder (default exports/<event>); json: a file, or - for stdout; "
        "xlsx: a file (default exports/<event>.xlsx)",
    )

    report = sub.add_parser("report", help="the PDF report for the steering committee, in the plan's language")
    report.add_argument("event", nargs="?", help="event id (the plan's event.id)")
    report.add_argument("--event", dest="event_flag", help=argparse.SUPPRESS)
    data_flag(report)
    report.add_argument("--lang", help="language of the report (default: the plan's first)")
    report.add_argument(
        "--format", choices=["pdf", "md"], help="pdf (the default) or md (Markdown; also when --out ends in .md)"
    )
    report.add_argument("--out", help="the file (default reports/<event>.pdf, or .md)")

    material = sub.add_parser(
        "import",
        help="bring an earlier event's ideas and themes (the listening day) into "
        "an event, keeping where each came from (server stopped)",
    )
    material.add_argument(
        "event", help="the event to import into: its plan file (the event is made if new), or its event id"
    )
    material.add_argument(
        "--from",
        dest="source",
        required=True,
        help="the earlier event: its JSON export (a file), or its event id in the data folder",
    )
    data_flag(material)

    backup = sub.add_parser("backup", help="copy an event's database, consistently, even while it is served")
    backup.add_argument("--event", required=True, help="event id (the plan's event.id)")
    data_flag(backup)
    backup.add_argument("--out", help="backup file (default backups/<event>-<date-time>.sqlite)")

    restore = sub.add_parser("restore", help="put a backup back as the event's database (server stopped)")
    restore.add_argument("backup", help="a file written by `facilitation backup`")
    data_flag(restore)

    audit = sub.add_parser("audit", help="print an event's log of changes, oldest first")
    audit.add_argument("--event", required=True, help="event id (the plan's event.id)")
    data_flag(audit)
    audit.add_argument("--since", type=int, default=0, help="only changes after this version")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")

    rehearsal = sub.add_parser(
        "rehearse",
        help="play a crowd of phones against a running server (a rehearsal "
        "copy of the event): joins, ideas, a dot-vote burst",
    )
    rehearsal.add_argument(
        "--url",
        required=True,
        help="the facilitator console's link (http://<server>/console/<secret>), or the server's address with --token",
    )
    rehearsal.add_argument(
        "--token",
        help="the facilitator's secret, if --url is only the server's address "
        "(write --token=<secret>: a secret may begin with '-')",
    )
    rehearsal.add_argument("--participants", type=int, default=300, help="phones in all (default 300)")
    rehearsal.add_argument("--online", type=int, default=30, help="of which online participants (default 30)")
    rehearsal.add_argument("--ideas", type=int, default=3, help="ideas per phone (default 3)")
    rehearsal.add_argument("--idea-seconds", type=float, default=60, help="window for the ideas (default 60)")
    rehearsal.add_argument("--dots", type=int, default=5, help="dots per phone (default 5)")
    rehearsal.add_argument(
        "--burst-seconds", type=float, default=2, help="window in which every phone places its dots (default 2)"
    )
    rehearsal.add_argument("--json", action="store_true", help="print the results as JSON")
    rehearsal.add_argument("--force", action="store_true", help="even if the event already has participants")

    demo = sub.add_parser("demo-plan", help="print a plan shipped with the app, to start your own from it")
    demo.add_argument(
        "name",
        nargs="?",
        default="psm-torino-2024",
        choices=sorted(bundled_plans()),
        help="psm-torino-2024 (the co-planning morning, the default), psm-ascolto-2024 (the "
        "listening morning), psm-torino-lancio (the launch afternoon)",
    )
    demo.add_argument("--out", help="write it to this file instead of the terminal")

    cards = sub.add_parser("cards", help="write printable join cards (HTML for print, PNG QR codes)")
    cards.add_argument("plan", nargs="?", help="session plan file (default: the bundled demo plan)")
    data_flag(cards)
    cards.add_argument("--out", default="cards")
    cards.add_argument("--public-url", help="base URL printed on the cards (default http://<LAN address>:5000)")
    return parser


def _config(args) -> dict:
    given = {key: getattr(args, flag) for flag, key in SERVE_FLAGS.items() if hasattr(args, flag)}
    if getattr(args, "more_plans", None):
        given["MORE_PLANS"] = args.more_plans
    named = getattr(args, "plan", None) or os.environ.get(BY_KEY["PLAN"].env)
    if getattr(args, "workspace", False) or (getattr(args, "command", None) == "serve" and not named):
        given["WORKSPACE"] = True  # `serve` alone: the organiser's workspace, the demo event first when new
        given["PLAN_KEPT"] = not named  # then the demo event keeps the plan it was given in the forms
    return resolve(given)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = _config(args)
    except ConfigError as exc:
        print(f"facilitation: {exc}", file=sys.stderr)
        return 2
    from facilitation import runtime

    if args.command != "rehearse":  # the one command that is a client
        runtime.keep_out(redis=bool(config["REDIS_URL"]))
    if args.command == "serve":
        runtime.prepare(config["ASYNC_MODE"])  # before Flask, SQLAlchemy, logging or sockets are imported
    import logging  # after patching: logging creates locks that must be green

    logging.basicConfig(
        level=config["LOG_LEVEL"] if args.command == "serve" else "WARNING",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # facilitation.store.schema says what it upgrades
    from facilitation import secretlog

    secretlog.install(json_lines=config["LOG_FORMAT"] == "json")
    from facilitation.cli import cards, data, rehearse, serve

    commands = {
        "serve": serve.serve,
        "export": data.export_event,
        "backup": data.backup,
        "restore": data.restore,
        "audit": data.audit,
        "report": data.report,
        "import": data.import_material,
        "cards": cards.print_cards,
        "demo-plan": cards.demo_plan,
        "rehearse": rehearse.rehearse,
    }
    try:
        return commands[args.command](args, config)
    except BrokenPipeError:  # `facilitation audit | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error as Python exits
        return 1


if __name__ == "__main__":
    sys.exit(main())
