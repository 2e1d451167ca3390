"""`facilitation cards` (printable join cards: a page to print, a PNG per table) and `demo-plan`, what to plan from."""

from __future__ import annotations

import sys
from pathlib import Path

from facilitation.i18n import translator


def print_cards(args, config) -> int:
    from flask import render_template

    from facilitation import resources
    from facilitation.app import create_app
    from facilitation.cli.common import load_plan_or_exit, say_schema_error
    from facilitation.cli.serve import public_base
    from facilitation.reports.cards import card_texts, cards, seat_sheets
    from facilitation.store.schema import SchemaError

    plan = load_plan_or_exit(config["PLAN"])
    _ = translator(plan.event.languages)
    public, notes = public_base("0.0.0.0", config["PORT"], config["PUBLIC_URL"], _)
    try:
        app = create_app({**config, "PUBLIC_URL": public, "ASYNC_MODE": "threading"})
    except SchemaError as exc:
        return say_schema_error(_, exc)
    service = app.extensions["facilitation"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    deck = cards(service, public)
    sheets = seat_sheets(service, public) if service.plan.tables.seat_codes else []
    with app.test_request_context("/"):
        (out / "cards.html").write_text(
            render_template(
                "cards.html",
                plan=service.plan,
                cards=deck,
                sheets=sheets,
                texts=card_texts(service.plan.event.languages),
                print_script="print.js",
            ),
            "utf-8",
        )
    (out / "print.js").write_bytes((resources.folder("static") / "js" / "print.js").read_bytes())  # the button
    for card in deck:
        name = "online.png" if card.online else f"table-{card.number:02d}.png"
        (out / name).write_bytes(card.qr_png())
    for note in notes:
        print(note)
    print(
        _(
            "Wrote %(page)s (print it: A4 sheets of four cards, or save it as a PDF) and %(count)s QR codes as PNG",
            page=out / "cards.html",
            count=len(deck),
        )
    )
    return 0


def demo_plan(args, config) -> int:
    from facilitation.resources import bundled_plan

    shipped = bundled_plan(args.name)
    assert shipped is not None  # the argument's choices are the shipped plans
    text = shipped.read_text(encoding="utf-8")
    if not args.out:
        print(text, end="")
        return 0
    out = Path(args.out)
    _ = translator()
    if out.exists():
        print(_("%(path)s already exists: choose another --out.", path=out), file=sys.stderr)
        return 2
    out.write_text(text, encoding="utf-8")
    print(_("Wrote %(path)s", path=out))
    return 0
