"""The `facilitation` command: serve an event, export its results, print its table cards."""
from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path


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
            if not info[4][0].startswith("127."):
                return info[4][0]
    except OSError:
        pass
    return "127.0.0.1"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facilitation", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve an event from its session plan")
    serve.add_argument("plan", help="session plan file, e.g. sessions/psm-torino-2024.toml")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--data", default="data", help="folder for the event databases (default ./data)")
    serve.add_argument("--public-url", help="base URL phones use (default http://<LAN address>:<port>)")
    serve.add_argument("--async-mode", default="eventlet", choices=["eventlet", "threading"])

    exp = sub.add_parser("export", help="export an event's ideas, themes, votes and rankings")
    exp.add_argument("--event", required=True, help="event id (the plan's event.id)")
    exp.add_argument("--data", default="data")
    exp.add_argument("--format", choices=["csv", "json"], default="csv")
    exp.add_argument("--lang", help="language of axis names (default: the plan's first)")
    exp.add_argument("--out", help="csv: a folder (default exports/<event>); json: a file, or - for stdout")

    cards = sub.add_parser("cards", help="write printable join cards (HTML for print, PNG QR codes)")
    cards.add_argument("plan")
    cards.add_argument("--data", default="data")
    cards.add_argument("--out", default="cards")
    cards.add_argument("--public-url", help="base URL printed on the cards (default http://<LAN address>:5000)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve" and args.async_mode == "eventlet":
        import warnings
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # the stack is the user's choice
        import eventlet  # must patch before Flask, SQLAlchemy or sockets are imported
        eventlet.monkey_patch()
    return {"serve": serve, "export": export_event, "cards": print_cards}[args.command](args)


def _app(args, **config):
    from facilitation.app import create_app
    from facilitation.plan import PlanError
    try:
        return create_app({"PLAN": args.plan, "DATA_DIR": args.data, **config})
    except PlanError as exc:
        from facilitation.i18n import translator
        _ = translator()
        print(_("The session plan has problems:"), exc, sep="\n", file=sys.stderr)
        raise SystemExit(2) from None


def _public_url(args, port: int) -> str:
    """The base URL printed on links and QR codes: --public-url, else this laptop on the venue network."""
    return (args.public_url or f"http://{lan_address()}:{port}").rstrip("/")


def serve(args) -> int:
    from facilitation.i18n import terminal_language, translator

    public = _public_url(args, args.port)
    app = _app(args, PUBLIC_URL=public, ASYNC_MODE=args.async_mode)
    service = app.extensions["facilitation"]
    settings = service.settings()
    languages = service.plan.event.languages
    _ = translator(languages)
    secret = _("(secret: for you only)")
    lines = [
        (_("Phones join at (LAN)"), f"{public}/join"),
        (_("Online participants"), f"{public}/j/{settings['online_code']}"),
        (_("Facilitator console"), f"{public}/console/{settings['facilitator_token']}   {secret}"),
        (_("Theme team console"), f"{public}/console/{settings['theme_token']}   {secret}"),
        (_("Projector"), f"{public}/projector/{settings['projector_token']}"),
        (_("Observer (steering committee)"), f"{public}/observer/{settings['observer_token']}"),
        (_("Table cards to print"), f"{public}/cards/{settings['facilitator_token']}"),
        (_("On this laptop"), f"http://127.0.0.1:{args.port}/console/{settings['facilitator_token']}"),
    ]
    width = max(len(label) for label, _url in lines) + 2
    print(f"\n  {service.plan.event.title[terminal_language(languages)]}\n")
    for label, url in lines:
        print(f"  {(label + ':').ljust(width)}{url}")
    print(flush=True)
    from facilitation.extensions import socketio
    socketio.run(app, host=args.host, port=args.port, log_output=False)
    return 0


def export_event(args) -> int:
    from facilitation.i18n import translator
    from facilitation.reports import export
    from facilitation.services.event import EventService
    from facilitation.store.engine import make_engine

    path = Path(args.data) / f"{args.event}.sqlite"
    if not path.exists():
        _ = translator()
        print(_("No event '%(event)s' in %(folder)s (expected %(path)s).", event=args.event, folder=args.data,
                path=path), file=sys.stderr)
        return 2
    service = EventService.from_database(make_engine(f"sqlite:///{path}"))
    _ = translator(service.plan.event.languages)
    data = export.collect(service, args.lang)
    if args.format == "json":
        text = export.to_json(data)
        if args.out in (None, "-"):
            sys.stdout.write(text + "\n")
        else:
            Path(args.out).write_text(text, encoding="utf-8")
            print(_("Wrote %(path)s", path=args.out))
        return 0
    folder = Path(args.out or Path("exports") / args.event)
    folder.mkdir(parents=True, exist_ok=True)
    files = export.to_csv_files(data)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    print(_("Wrote %(count)s CSV files to %(folder)s", count=len(files), folder=folder))
    return 0


def print_cards(args) -> int:
    from flask import render_template

    from facilitation.i18n import translator
    from facilitation.reports.cards import card_texts, cards

    public = _public_url(args, 5000)
    app = _app(args, PUBLIC_URL=public, ASYNC_MODE="threading")
    service = app.extensions["facilitation"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    deck = cards(service, public)
    with app.test_request_context("/"):
        (out / "cards.html").write_text(render_template("cards.html", plan=service.plan, cards=deck,
                                                              texts=card_texts(service.plan.event.languages)), "utf-8")
    for card in deck:
        name = "online.png" if card.online else f"table-{card.number:02d}.png"
        (out / name).write_bytes(card.qr_png())
    _ = translator(service.plan.event.languages)
    print(_("Wrote %(page)s (print it: A6 cards) and %(count)s QR codes as PNG", page=out / "cards.html",
            count=len(deck)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
