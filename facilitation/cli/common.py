"""What the commands share: the plan and event database they name, and the sentences for what refuses them."""

from __future__ import annotations

import sys
from pathlib import Path

from facilitation.i18n import translator
from facilitation.plan import Plan, PlanError, load_plan
from facilitation.store.datadir import DataDirError
from facilitation.store.engine import sqlite_file, sqlite_path
from facilitation.store.schema import SchemaError


def load_plan_or_exit(path: str) -> Plan:
    try:
        return load_plan(path)
    except PlanError as exc:
        _ = translator()
        print(_("The session plan has problems:"), exc, sep="\n", file=sys.stderr)
        raise SystemExit(2) from None


def event_database(config: dict, event_id: str) -> str:
    """The URL of the event's database: the DATABASE_URL's when it holds that event (PostgreSQL), else its
    SQLite file in the data folder; or exit with a sentence saying where it was looked for."""
    if config.get("DATABASE_URL") and not sqlite_file(config["DATABASE_URL"]):
        from sqlalchemy.exc import SQLAlchemyError

        from facilitation.store.places import Database

        kept = Database(config["DATABASE_URL"])
        try:
            if kept.exists(event_id):  # its schema (or, made before schemas per event, the database holds it)
                return kept.url(event_id)
        except SQLAlchemyError:  # unreachable: said below, with where else it was looked for
            pass
    elif config.get("DATABASE_URL") and held_by(config["DATABASE_URL"]) == event_id:
        return config["DATABASE_URL"]
    path = sqlite_path(config["DATA_DIR"], event_id)
    if not path.exists():
        _ = translator()
        print(
            _(
                "No event '%(event)s' in %(folder)s (expected %(path)s).",
                event=event_id,
                folder=config["DATA_DIR"],
                path=path,
            ),
            file=sys.stderr,
        )
        if config.get("DATABASE_URL"):
            print(
                _("Nor in the DATABASE_URL's database (%(url)s).", url=shown(config["DATABASE_URL"])), file=sys.stderr
            )
        raise SystemExit(2)
    return f"sqlite:///{path}"


def held_by(url: str) -> str | None:
    """The id of the event a database holds (its plan's), or None: empty, unreachable, or not an event's."""
    from sqlalchemy import create_engine, exc, text

    from facilitation.plan import parse_plan

    if url.startswith("sqlite") and not ((file := sqlite_file(url)) and Path(file).exists()):
        return None  # (opening it would make an empty file)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("select value from setting where key = 'plan'")).scalar()
        return parse_plan(found, "database").event.id if found else None
    except (exc.SQLAlchemyError, PlanError):
        return None
    finally:
        engine.dispose()


def shown(url: str) -> str:
    """A database URL as it may be printed: its password hidden."""
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def say_data_dir_error(_, exc: DataDirError) -> int:
    if exc.code == "event_running":
        text = _(
            "Event '%(event)s' is already being served from this data folder (process %(pid)s). Stop that "
            "server first: two servers on one event would split the room and the vote.",
            **exc.params,
        )
    elif exc.code == "event_running_database":
        text = _(
            "Event '%(event)s' is already being served from its database, by %(holder)s. Stop that server "
            "first, or give every server of the event the same Redis (FACILITATION_REDIS_URL) to share it: two "
            "servers on one event without it would split the room and the vote.",
            **exc.params,
        )
    elif exc.code == "data_dir_full":
        text = _(
            "The disk of the data folder %(folder)s is full. Free some space, or choose another folder with --data.",
            folder=exc.params["folder"],
        )
    else:
        text = _(
            "The data folder %(folder)s cannot be written (%(reason)s). Choose a writable folder with --data.",
            **exc.params,
        )
    print(text, file=sys.stderr)
    return 3


def say_schema_error(_, exc: SchemaError) -> int:
    if exc.code == "newer_schema":
        print(
            _(
                "This event database was written by a newer version of facilitation (schema %(found)s). "
                "Install that version or newer to open it; nothing was changed.",
                found=exc.found,
            ),
            file=sys.stderr,
        )
    elif exc.code == "writer_not_ready":
        print(
            _(
                "The event's writer (the server holding its database) has not made or upgraded it in a minute "
                "(schema %(found)s): start that server first, with this same version.",
                found=exc.found,
            ),
            file=sys.stderr,
        )
    else:
        print(
            _(
                "This file is not a facilitation event database (it has the tables: %(found)s). Nothing was "
                "changed; check --data and the event id.",
                found=exc.found,
            ),
            file=sys.stderr,
        )
    return 2
