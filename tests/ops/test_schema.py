"""The event database's schema: created and upgraded by migrations that match the models; what cannot be used
is refused at start with a reason, never half-working."""

import json
import sqlite3
from contextlib import closing

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from facilitation.store import models  # noqa: F401  (the tables the code writes)
from facilitation.store.engine import make_engine
from facilitation.store.schema import HEAD, alembic_head, build, current, head
from tests.conftest import run_english, start_server, stop_server


def unversioned_database(path):
    """A database as the first development builds wrote it: `create_all` of the models, no schema version, and
    ideas without their original text or a star, and nothing added since (seat codes: revision 0002; the
    projector's screen: 0003; theme titles in other languages: 0004;
    questions: 0005; polls: 0006; held ideas: 0007; alignment: 0008;
    paper ballots: 0009; rounds of voting: 0010; rounds at tables: 0011; public results and
    imported material: 0012; the imported material's keys: 0013; participants the staff removed: 0014;
    themes once grouped into: 0015; the phone a participant joined from: 0016)."""
    create = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(create)
    create.dispose()
    with sqlite3.connect(path) as db:
        db.execute("alter table idea drop column starred")
        db.execute("alter table idea drop column original")
        db.execute("drop table seat_code")
        db.execute("alter table control drop column screen")
        db.execute("alter table control drop column message")
        db.execute("alter table theme drop column titles")
        db.execute("alter table participant drop column proxied")
        db.execute("alter table participant drop column removed_at")
        db.execute("drop index ix_participant_device")
        db.execute("alter table participant drop column device")
        db.execute("alter table theme drop column grouped")
        db.execute("drop table alignment")
        db.execute("alter table idea drop column held")
        db.execute("alter table control drop column ideas_premoderated")
        db.execute("drop table poll_answer")
        db.execute("drop table poll")
        db.execute("drop table question_vote")
        db.execute("drop table question")
        db.execute("alter table control drop column qa_open")
        db.execute("alter table control drop column qa_premoderated")
        db.execute("drop table harvest")
        db.execute("alter table control drop column results_public")
        for table in ("idea", "theme"):
            db.execute(f"drop index ix_{table}_source")
            db.execute(f"alter table {table} drop column source")
            db.execute(f"alter table {table} drop column origin")
        db.execute("alter table control drop column step_index")
        db.execute("alter table control drop column vote_round")
        db.execute("alter table control add column vote_state varchar not null default 'not_open'")
        db.execute("alter table control add column revealed boolean not null default 0")
        db.execute("drop table dot")
        db.execute(
            "create table dot (participant_id integer not null references participant (id), "
            "theme_id integer not null references theme (id), count integer not null, "
            "primary key (participant_id, theme_id))"
        )
        db.execute("drop table vote_round")


def described(engine) -> dict:
    """A database's schema as SQLAlchemy reads it back: every table's columns (name, type, null or not), primary
    key, foreign keys, indexes and unique constraints."""
    seen = inspect(engine)
    return {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in seen.get_columns(table)),
            seen.get_pk_constraint(table)["constrained_columns"],
            sorted(
                (f["constrained_columns"], f["referred_table"], f["referred_columns"])
                for f in seen.get_foreign_keys(table)
            ),
            sorted((i["name"], i["column_names"], bool(i["unique"])) for i in seen.get_indexes(table)),
            sorted(u["column_names"] for u in seen.get_unique_constraints(table)),
        )
        for table in seen.get_table_names()
    }


def test_the_migrations_build_exactly_the_schema_the_models_describe_and_a_new_database_is_the_same(tmp_path):
    migrated = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    build(migrated, alembic_head())
    with migrated.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    # a new event's database is made at the newest schema at once (the models' tables, then the version): the same
    # schema (a backup of either passes `restore`'s check: tests/ops/test_backup_and_logs.py); what differs is
    # only the server defaults the migrations gave columns they added to tables with rows (the app writes every one)
    new = make_engine(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert described(new) == described(migrated)
    assert current(new) == current(migrated) == alembic_head() == HEAD


def test_a_database_from_before_versioned_schemas_is_upgraded_on_start_and_keeps_its_ideas_and_votes(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    unversioned_database(data / "psm-torino-2024.sqlite")
    with sqlite3.connect(data / "psm-torino-2024.sqlite") as db:
        db.execute("insert into event_table values (1, 1, 0, 'ABCDE', 'scribe-token-1')")
        db.execute(
            "insert into idea (id, table_id, author, text, axis, kind, hidden, created_at, updated_at) "
            "values (1, 1, 'scribe:1', 'Piste ciclabili tra i comuni', 'mobilita', 'proposal', 0, 1, 1)"
        )
        # a vote closed and revealed, from before rounds: its dots become round 1's
        db.execute("insert into control (id, vote_state, revealed) values (1, 'closed', 1)")
        db.execute(
            "insert into theme (id, title, axis, on_ballot, created_at) values "
            "(1, 'Ciclabili', 'mobilita', 1, 1), (2, 'Treni', 'mobilita', 1, 1)"
        )
        db.execute("insert into participant (id, token, table_id, joined_at) values (1, 'tok', 1, 1)")
        db.execute("insert into dot values (1, 1, 2), (1, 2, 1)")
    server = start_server(tmp_path, data_dir=data)
    try:
        result = run_english("export", "--event", "psm-torino-2024", "--data", str(data), "--format", "json")
    finally:
        stop_server(server)
    assert result.returncode == 0, result.stderr
    assert '"text": "Piste ciclabili tra i comuni"' in result.stdout and '"starred": false' in result.stdout
    exported = json.loads(result.stdout)
    rounds = [(r["round"], r["state"], r["revealed"], r["ballot"]) for r in exported["rounds"]]
    assert rounds == [(1, "closed", True, [1, 2])]
    assert [(v["round"], v["theme"], v["dots"]) for v in exported["votes"]] == [(1, 1, 2), (1, 2, 1)]
    with sqlite3.connect(data / "psm-torino-2024.sqlite") as db:
        assert db.execute("select version_num from alembic_version").fetchone()[0] == head()
        assert db.execute("select starred, original from idea").fetchone() == (0, "Piste ciclabili tra i comuni")
    compare = create_engine(f"sqlite:///{data / 'psm-torino-2024.sqlite'}")
    with compare.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    # the database as it was, kept beside it before the upgrade and named in the log: something to go back to
    kept = list(data.glob("psm-torino-2024.before-upgrade-unversioned-*.sqlite"))
    assert len(kept) == 1 and kept[0].name in server.log_path.read_text()
    with closing(sqlite3.connect(kept[0])) as db:
        assert db.execute("select text from idea").fetchall() == [("Piste ciclabili tra i comuni",)]
        assert not db.execute("select name from sqlite_master where name = 'alembic_version'").fetchall()
    again = start_server(tmp_path, data_dir=data)  # not an event of the data folder; no second copy
    stop_server(again)
    assert list(data.glob("*.before-upgrade-*.sqlite")) == kept


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    make_engine(f"sqlite:///{data / 'psm-torino-2024.sqlite'}")
    with sqlite3.connect(data / "psm-torino-2024.sqlite") as db:
        db.execute("update alembic_version set version_num = '9999'")
        tables_before = db.execute("select name, sql from sqlite_master order by name").fetchall()
    result = run_english("serve", "--port", "0", "--data", str(data))
    assert result.returncode == 2
    assert "written by a newer version of facilitation (schema 9999)" in result.stderr
    with sqlite3.connect(data / "psm-torino-2024.sqlite") as db:
        assert db.execute("select name, sql from sqlite_master order by name").fetchall() == tables_before
        assert db.execute("select version_num from alembic_version").fetchall() == [("9999",)]
        assert db.execute("select count(*) from setting").fetchone() == (0,)  # no event rows were written


def test_a_database_of_something_else_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "psm-torino-2024.sqlite") as db:
        db.execute("create table invoices (id integer primary key)")
    result = run_english("serve", "--port", "0", "--data", str(data))
    assert result.returncode == 2
    assert "is not a facilitation event database (it has the tables: invoices)" in result.stderr


def back_to_0012(db) -> None:
    """A database at the newest schema, as revision 0012 left it: no import keys, no removed participants, no
    record of the themes ideas were grouped into, no phones."""
    db.execute("alter table participant drop column removed_at")
    db.execute("drop index ix_participant_device")
    db.execute("alter table participant drop column device")
    db.execute("alter table theme drop column grouped")
    for table in ("idea", "theme"):
        db.execute(f"drop index ix_{table}_source")
        db.execute(f"alter table {table} drop column source")
    db.execute("update alembic_version set version_num = '0012'")


def test_ideas_and_themes_imported_before_their_keys_get_them_on_upgrade(tmp_path):
    path = tmp_path / "event.sqlite"
    make_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as db:  # back to revision 0012: imported rows have their origin only
        back_to_0012(db)
        db.execute(
            "insert into theme (id, title, titles, on_ballot, created_at, origin) values "
            "(1, 'Treni', '{}', 0, 1, '{\"event\": \"ascolto\", \"theme\": 7}')"
        )
        db.execute(
            "insert into idea (id, author, text, original, axis, kind, hidden, held, starred, created_at, "
            "updated_at, origin) values (1, 'import', 'Più treni', 'Più treni', 'mobilita', 'need', 0, 0, 0, "
            "1, 1, '{\"event\": \"ascolto\", \"idea\": 42}'), (2, 'facilitator', 'Una mia', 'Una mia', "
            "'mobilita', 'need', 0, 0, 0, 1, 1, 'null')"
        )
    make_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as db:
        assert db.execute("select id, source from idea order by id").fetchall() == [(1, "ascolto#42"), (2, None)]
        assert db.execute("select source from theme").fetchall() == [("ascolto#7",)]
        assert db.execute("select version_num from alembic_version").fetchone()[0] == head()
