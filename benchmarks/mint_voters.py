"""Minting voters: one laptop posts join requests as fast as it can, against the real eventlet server.

The attack of issue 7: every join used to create a participant with a fresh dot budget (2,200 requests made
2,000 participants in 5.4 s). Prints how many requests were sent, how many participants exist afterwards,
and why the others were refused. Run from the repository root:

    .venv/bin/python benchmarks/mint_voters.py --requests 2200
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.conftest import start_server, stop_server  # noqa: E402  (one way to start the server, shared)

REASONS = {303: "joined", 404: "unknown code", 409: "table full", 429: "too many joins from this address"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2200)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp))
        try:
            codes = [t[3] for t in server.tables()]  # every table's and online group's code, and the online link
            codes.append(server.setting("online_code"))

            def attempt(n: int) -> int:
                return requests.post(f"{server.url}/j/{codes[n % len(codes)]}", allow_redirects=False,
                                     timeout=30).status_code

            started = time.perf_counter()
            with ThreadPoolExecutor(args.threads) as pool:
                answers = Counter(pool.map(attempt, range(args.requests)))
            took = time.perf_counter() - started
            with sqlite3.connect(server.db) as db:
                made = db.execute("select count(*) from participant").fetchone()[0]
        finally:
            stop_server(server)
    print(f"mint voters: {args.requests} join requests from one address in {took:.1f} s "
          f"({args.threads} threads, eventlet server, demo plan: 30 tables + 3 online groups of 10, headroom 2)")
    print(f"  participants created: {made}")
    for status, count in sorted(answers.items()):
        print(f"  {REASONS.get(status, status)}: {count}")


if __name__ == "__main__":
    main()
