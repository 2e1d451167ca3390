"""A worker process: `python -m facilitation.workers <database url> <host:port> [--warm]`, started by the server's
pool (`--warm`: ahead of need, so it imports what every job uses before the first one comes).

It connects back to the server on loopback, says the key the server gave it (FACILITATION_WORKER_KEY), then
reads one job a line (JSON) and answers each with a JSON header line, then the header's `size` bytes of the
result. It ends when the server closes the connection (the server stopped or died).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys


def main(argv: list[str]) -> int:
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s worker %(name)s: %(message)s"
    )
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # fpdf2's font subsetting is chatty at INFO
    from facilitation import secretlog

    secretlog.install()
    database_url, address, *flags = argv
    host, port = address.rsplit(":", 1)
    server = socket.create_connection((host, int(port)))
    server.sendall(os.environ.pop("FACILITATION_WORKER_KEY", "").encode() + b"\n")

    from facilitation.domain.errors import Refused
    from facilitation.services.event import EventService
    from facilitation.store.engine import snapshot_engine
    from facilitation.workers import jobs

    log = logging.getLogger("facilitation.workers")
    service = EventService.from_database(snapshot_engine(database_url))
    if "--warm" in flags:
        jobs.warm()
    if hasattr(os, "nice"):  # not before: a start-up of seconds, waited for by whoever asked, would take minutes
        os.nice(10)  # the server's event loop comes first when both want the same core
    for line in server.makefile("rb"):
        body = b""
        try:
            service.reload_plan()  # a form may have changed it since the last job
            body = jobs.run(service, json.loads(line))
            header: dict[str, object] = {"ok": True, "size": len(body)}
        except Refused as refused:
            header = jobs.refusal(refused)
        except Exception as exc:  # one failed job must not end the worker: the server answers that one 503
            log.exception("job %s failed", line[:200])
            header = {"ok": False, "error": type(exc).__name__}
        server.sendall(json.dumps(header).encode() + b"\n" + body)
    # The server is gone (stopped, or died): end now. An interpreter's orderly exit with the report libraries
    # loaded is a second of work, which at the lowered priority on a busy machine outlived the server by far.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
