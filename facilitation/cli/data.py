"""The event's data from the command line: export results, back up and restore the database, read the log."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from facilitation.cli.common import event_database, load_plan_or_exit, say_data_dir_error, say_schema_error
from facilitation.i18n import translator
from facilitation.messages import N_
from facilitation.resources import bundled_plan
from facilitation.store import backup as backups
from facilitation.store import datadir
from facilitation.store.engine import sqlite_file, sqlite_path
from facilitation.store.schema import SchemaError


def _service(url: str):
    from facilitation.services.event import EventService
    from facilitation.store.engine import make_engine

    try:
        return EventService.from_database(make_engine(url))
    except SchemaError as exc:
        raise SystemExit(say_schema_error(translator(), exc)) from None


def export_event(args, config) -> int:
    from facilitation.reports import export

    service = _service(event_database(config, args.event))
    _ = translator(service.plan.event.languages)
    data = export.collect(service, args.lang)
    if args.format == "xlsx":
        out = Path(args.out or Path("exports") / f"{args.event}.xlsx")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(export.to_xlsx(data, translator(service.plan.event.languages, data["event"]["language"])))
        print(_("Wrote %(path)s", path=out))
        return 0
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
    ballots = export.to_pabulib(data)
    files = {} if args.format == "pabulib" else export.to_csv_files(data)
    for name, text in (files | ballots).items():
        (folder / name).write_text(text, encoding="utf-8")
    if files:
        print(_("Wrote %(count)s CSV files to %(folder)s", count=len(files), folder=folder))
    if ballots or not files:
        print(_("Wrote %(count)s Pabulib ballot files to %(folder)s", count=len(ballots), folder=folder))
    return 0


def report(args, config) -> int:
    """The steering committee's report (PDF, or Markdown), from the event's database (the server may be running)."""
    from facilitation.reports import export, markdown, pdf

    event = args.event or args.event_flag
    if not event:
        _ = translator()
        raise SystemExit(_("Name the event: facilitation report <event id>"))
    service = _service(event_database(config, event))
    lang = args.lang or service.plan.event.languages[0]
    _ = translator(service.plan.event.languages, lang)
    form = args.format or ("md" if args.out and args.out.endswith(".md") else "pdf")
    out = Path(args.out or Path("reports") / f"{event}.{form}")
    out.parent.mkdir(parents=True, exist_ok=True)
    data = export.collect(service, lang)
    if form == "md":
        out.write_text(markdown.build(data, service.plan, _), encoding="utf-8")
    else:
        out.write_bytes(pdf.build(data, service.plan, _))
    say = translator()  # the report is in its language; the terminal reads its own
    print(say("Wrote %(path)s", path=out))
    return 0


def _export_of(config: dict, source: str) -> object:
    """An earlier event as export data: a JSON export file, or the event of that id in the data folder."""
    from facilitation.reports import export

    path = Path(source)
    if path.is_file():
        from facilitation.services.imports import parsed

        try:
            return parsed(path.read_bytes()) or {}
        except OSError:
            return {}
    return export.collect(_service(event_database(config, source)))


def import_material(args, config) -> int:
    """The listening event's ideas and themes into the co-planning event, with where each came from. The event
    must not be served meanwhile (the console's import does it while it is)."""
    from facilitation.domain.errors import Refused
    from facilitation.domain.roles import Role
    from facilitation.messages import MESSAGES
    from facilitation.services.commands import Principal
    from facilitation.services.event import EventService
    from facilitation.services import imports
    from facilitation.store.engine import make_engine

    _ = translator()
    source = _export_of(config, args.source)
    try:
        folder = datadir.check(config["DATA_DIR"], 0)
    except datadir.DataDirError as exc:
        return say_data_dir_error(_, exc)
    # a plan file makes the event if it is new; so does the name of a plan shipped with the app
    plan_file = Path(args.event)
    shipped = bundled_plan(args.event)
    if plan_file.suffix != ".toml" and not sqlite_path(folder, args.event).exists() and shipped:
        plan_file = shipped
    plan = load_plan_or_exit(str(plan_file)) if plan_file.suffix == ".toml" else None
    event = plan.event.id if plan else args.event
    try:
        lock = datadir.lock(sqlite_path(folder, event), event)
    except datadir.DataDirError as exc:
        code = say_data_dir_error(_, exc)
        if exc.code == "event_running":
            print(
                _(
                    "While it is served, import from the console: its panel 'Public results page · import the "
                    "listening event'."
                ),
                file=sys.stderr,
            )
        return code
    try:
        if plan:
            service = EventService.open(
                make_engine(f"sqlite:///{sqlite_path(folder, event)}"), plan, plan_file.read_text(encoding="utf-8")
            )
        else:
            service = _service(event_database(config, event))
        _ = translator(service.plan.event.languages)
        digest = hashlib.sha256(json.dumps(source, sort_keys=True, default=str).encode()).hexdigest()
        result = imports.apply(service, Principal(Role.FACILITATOR), imports.slices(source, digest, service.plan))
    except Refused as refused:
        template = MESSAGES.get(refused.code, "%(code)s")
        print(_(template, **(refused.params or {"code": refused.code})), file=sys.stderr)
        return 2
    finally:
        lock.release()
    print(
        _(
            "Imported from %(source)s into %(event)s: ideas %(ideas)s, themes %(themes)s.",
            ideas=result["ideas"],
            themes=result["themes"],
            source=result["source"],
            event=event,
        )
    )
    if result["already"]:
        print(_("%(n)s ideas and themes of it were already here and were left as they are.", n=result["already"]))
    return 0


def backup(args, config) -> int:
    url = event_database(config, args.event)
    source = sqlite_file(url)
    _ = translator()
    out = Path(args.out or Path("backups") / f"{args.event}-{time.strftime('%Y%m%d-%H%M%S')}.sqlite")
    if out.exists():
        print(_("%(path)s already exists: choose another --out.", path=out), file=sys.stderr)
        return 2
    if source is not None:
        backups.copy(Path(source), out)
    else:  # kept in PostgreSQL: the same SQLite file a laptop keeps it in (pg_dump backs up the whole database)
        from facilitation.store.engine import snapshot_engine

        out.parent.mkdir(parents=True, exist_ok=True)
        engine = snapshot_engine(url)
        try:
            backups.from_database(engine, out)
        finally:
            engine.dispose()
    print(_("Backed up event '%(event)s' to %(path)s", event=args.event, path=out))
    return 0


def restore(args, config) -> int:
    """Put a backup back as the event's database. The file is checked first (its schema, its plan); the event's
    database is replaced only by a copy already brought to this version, the one it replaces kept beside it."""
    from facilitation.store.engine import make_engine

    _ = translator()
    source = Path(args.backup)
    try:
        event = backups.check(source)
    except backups.BackupError as exc:
        return _say_backup_error(_, source, exc)
    try:
        folder = datadir.check(config["DATA_DIR"], 0)
        target = sqlite_path(folder, event)
        lock = datadir.lock(target, event)  # refuses while a server runs the event
    except datadir.DataDirError as exc:
        return say_data_dir_error(_, exc)
    staged = target.with_name(f"{event}.restoring.sqlite")
    try:
        backups.copy(source, staged)
        # an older schema is upgraded on the copy, not in place (the backup it came from stays as it was)
        make_engine(f"sqlite:///{staged}", keep_before_upgrade=False).dispose()
        if target.exists():
            kept = target.with_name(f"{event}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}.sqlite")
            backups.copy(target, kept)  # nothing is ever lost: what was there stays beside it
            print(_("Kept the previous database as %(path)s", path=kept))
        backups.copy(staged, target)
    finally:
        for path in (staged, staged.with_name(staged.name + "-wal"), staged.with_name(staged.name + "-shm")):
            path.unlink(missing_ok=True)
        lock.release()
    print(_("Restored event '%(event)s' from %(path)s into %(folder)s", event=event, path=source, folder=folder))
    return 0


# Why a backup is not restored (store.backup.BackupError codes); `path` is the file, the rest its params.
BACKUP_REFUSALS = {
    "newer_schema": N_(
        "%(path)s was written by a newer version of facilitation (schema %(found)s). Install that "
        "version or newer to restore it; nothing was changed."
    ),
    "foreign_objects": N_(
        "%(path)s holds what no facilitation backup has (%(objects)s): it was changed after it was "
        "taken. It is not restored; nothing was changed."
    ),
    "foreign_schema": N_(
        "%(path)s does not have the tables a facilitation backup has (%(difference)s): it was "
        "changed after it was taken. It is not restored; nothing was changed."
    ),
    "broken_plan": N_(
        "The event plan stored in %(path)s cannot be read (%(reason)s). It is not restored; nothing was changed."
    ),
}


def _say_backup_error(_, source: Path, exc) -> int:
    """Why a file is not restored, in the operator's language; nothing was changed."""
    template = BACKUP_REFUSALS.get(exc.code, N_("%(path)s is not a backup of a facilitation event: %(reason)s"))
    print(_(template, **{"reason": exc.code, **exc.params, "path": source}), file=sys.stderr)
    return 2


def audit(args, config) -> int:
    service = _service(event_database(config, args.event))
    since = args.since
    while True:
        entries = service.log(since)
        for entry in entries:
            if args.json:
                print(json.dumps(entry, ensure_ascii=False))
            else:
                at = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry["at"]))
                data = json.dumps(entry["data"], ensure_ascii=False, separators=(",", ":"))
                print(f"{entry['version']:>7}  {at}  {entry['actor']:<16} {entry['kind']:<18} {data}")
        if not entries:
            return 0
        since = entries[-1]["version"]
