"""What the workers make: every report, export and page drawing, and the reading of an uploaded import.

Each job reads the event in one consistent snapshot (`store.engine.snapshot_engine`) and returns bytes. They
run in worker processes (`facilitation.workers.pool`), never on the server's event loop: drawing a PDF or a
workbook for a big event is seconds of pure Python, and a green thread that computes freezes every phone.
"""

from __future__ import annotations

import json
import pickle
from functools import cache

from flask import Flask

from facilitation import resources
from facilitation.domain.errors import Refused
from facilitation.i18n import catalogues, translator
from facilitation.services.event import EventService

EXPORTS = ("json", "zip", "ballots", "xlsx", "md", "pdf")  # the downloads, by what `/export/<token>/...` names


def run(service: EventService, job: dict) -> bytes:
    kind = job["kind"]
    if kind in EXPORTS:
        return export(service, kind, job.get("lang"))
    if kind == "page":
        return page(service, job["lang"], bool(job.get("public")), job.get("pdf_url"))
    if kind == "cards":
        return cards_page(service, job["lang"], job["base"], bool(job.get("unused")))
    if kind == "import":
        return pickle.dumps(import_slices(service, job["path"], job["digest"]))
    if kind == "suggest":
        return json.dumps(suggest(service)).encode()
    if kind == "duplicates":
        return json.dumps(duplicates(service)).encode()
    if kind == "search":
        return json.dumps(search(service, job["q"])).encode()
    if kind == "embed":
        return json.dumps(embed(service)).encode()
    if kind == "backup":
        return backup(service)
    raise ValueError(f"unknown job {kind!r}")


def backup(service: EventService) -> bytes:
    """The event's database as `facilitation backup` makes it (SQLite's online backup, checked), for the
    organiser's home to download while the event runs."""
    import tempfile
    from pathlib import Path

    from facilitation.store.backup import copy, from_database

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "event.sqlite"
        if service.engine.dialect.name == "sqlite":
            copy(Path(str(service.engine.url.database)), target)
        else:  # kept in PostgreSQL: the same file a laptop keeps it in, restored anywhere
            from_database(service.engine, target)
        return target.read_bytes()


def warm() -> None:
    """Import what the jobs use before the first one, so that the first report is as quick as the next."""
    import facilitation.reports.export  # noqa: F401
    import facilitation.reports.markdown  # noqa: F401
    import facilitation.reports.pdf  # noqa: F401
    import facilitation.web.results  # noqa: F401
    import openpyxl  # noqa: F401
    import scipy.cluster.hierarchy  # noqa: F401


def export(service: EventService, kind: str, lang: str | None) -> bytes:
    from facilitation.reports import export as ex
    from facilitation.reports import markdown, pdf

    data = ex.collect(service, lang)
    if kind == "json":
        return ex.to_json(data).encode()
    if kind == "zip":
        return ex.to_zip(ex.to_csv_files(data) | ex.to_pabulib(data))
    if kind == "ballots":
        return ex.to_zip(ex.to_pabulib(data))
    gettext = translator(service.plan.event.languages, data["event"]["language"])
    if kind == "xlsx":
        return ex.to_xlsx(data, gettext)
    if kind == "md":
        return markdown.build(data, service.plan, gettext).encode()
    return pdf.build(data, service.plan, gettext)


@cache
def _pages_app(service: EventService) -> Flask:
    """A Flask app that only renders templates, with the server's templates, filters and languages."""
    from facilitation.extensions import babel
    from facilitation.web import identity

    app = Flask(
        "facilitation",
        template_folder=str(resources.folder("templates")),
        static_folder=str(resources.folder("static")),
    )
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalogues())
    app.extensions["facilitation"] = service
    babel.init_app(app, locale_selector=identity.select_locale)
    identity.init_app(app)
    return app


def page(service: EventService, lang: str, public: bool, pdf_url: str | None) -> bytes:
    """The report as a web page (staff and committee) or the public results page, in `lang`."""
    from facilitation.web.results import draw

    app = _pages_app(service)
    with app.test_request_context("/", query_string={"lang": lang}):
        return draw(public, pdf_url).encode()


def cards_page(service: EventService, lang: str, base: str, unused: bool) -> bytes:
    """The printable table cards (with seat codes, the slips: hundreds of QR codes, seconds to draw)."""
    from flask import render_template

    from facilitation.reports.cards import card_texts, cards, seat_sheets

    plan = service.plan
    with _pages_app(service).test_request_context("/", query_string={"lang": lang}):
        sheets = seat_sheets(service, base, unused_only=unused) if plan.tables.seat_codes else []
        return render_template(
            "cards.html", plan=plan, cards=cards(service, base), sheets=sheets, texts=card_texts(plan.event.languages)
        ).encode()


def import_slices(service: EventService, path: str, digest: str) -> list[str]:
    """An uploaded export file, parsed and checked against the event's plan, as the import's slices
    (`services.imports`)."""
    from facilitation.services import imports

    with open(path, "rb") as f:
        return imports.slices(imports.parsed(f.read()), digest, service.plan)


def _cache_path(service: EventService) -> str | None:
    """The embeddings already made, beside the event's database (both workers share them)."""
    url = service.engine.url
    return f"{url.database}.vectors" if url.get_backend_name() == "sqlite" and url.database else None


def _items(service: EventService, ungrouped: bool):
    from facilitation.grouping import Item
    from facilitation.services.readmodels import live_ideas

    with service.reading() as s:
        return [Item(i.id, i.axis, i.text, i.table_id) for i in live_ideas(s, ungrouped=ungrouped) if i.id]


def suggest(service: EventService) -> dict:
    """Suggested groups of the live ideas not yet in a theme (facilitation.grouping)."""
    from facilitation import grouping

    engine = grouping.engine_name()
    groups = grouping.suggest(
        _items(service, ungrouped=True), service.plan.event.languages, engine, _cache_path(service)
    )
    return {"engine": engine, "groups": groups}


def search(service: EventService, query: str) -> dict:
    """The ideas (any, hidden and merged too: the console filters them) whose words match the query's in any form."""
    from sqlmodel import select

    from facilitation import grouping
    from facilitation.store.models import Idea

    with service.reading() as s:
        texts = {idea: text for idea, text in s.exec(select(Idea.id, Idea.text)).all() if idea is not None}
    return {"q": query, "ideas": grouping.search(texts, query)}


def embed(service: EventService) -> dict:
    """Every live idea's embedding made and kept ahead of the team's first question (only the new ones cost)."""
    from facilitation import grouping

    items = _items(service, ungrouped=False)
    if grouping.engine_name() == "embeddings" and items:
        grouping.vectors([i.text for i in items], "embeddings", _cache_path(service), backwards=False)
    return {"ideas": len(items)}


def duplicates(service: EventService) -> dict:
    """Pairs of live ideas from different tables that say the same thing, to merge."""
    from facilitation import grouping

    engine = grouping.engine_name()
    return {
        "engine": engine,
        "pairs": grouping.duplicates(_items(service, ungrouped=False), engine, _cache_path(service)),
    }


def refusal(exc: Refused) -> dict:
    return {"ok": False, "refused": exc.code, "params": exc.params}
