"""Minting voters: join requests as fast as a laptop can send them, against the real server (issues 7 and 19).

Every join used to create a participant with a fresh dot budget (2,200 requests made 2,000 participants in
5.4 s). Four attacks, each on a fresh server with the demo plan (30 tables and 3 online groups of 10,
headroom 2), run from the repository root:

    .venv/bin/python benchmarks/mint_voters.py [--requests 2200]

1. one address posts joins to every table's code and the online link;
2. six addresses (127.0.0.1-6 on loopback) share the same requests;
   and both again as phones on the venue's Wi-Fi, where an address is one phone (PHONE_NETWORKS), which
   takes SEATS_PER_PHONE seats and no more;
3. with seat codes on, one address posts the online link (each online person now has a link of their own);
4. behind one shared address (a venue's NAT, a tunnel), an attacker sends wrong codes while 30 honest people
   join with the right ones: how many honest joins are refused.

Prints, for each, the participants created, why the others were refused, and what the console shows: the
tables it flags ("check who is at this table"), where the facilitator lists and takes out phantoms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.conftest import DEMO_PLAN, start_server, stop_server  # noqa: E402  (one way to start the server)
from tests.realtime.clients import session_from  # noqa: E402

REASONS = {
    303: "joined",
    403: "a personal code or link needed",
    404: "unknown code",
    409: "table full, or the phone's seats taken",
    429: "too many joins from this address",
}
ADDRESSES = [f"127.0.0.{n}" for n in range(1, 7)]


def console_view(server) -> dict:
    """What the facilitator's console shows of the joins: participants, and the tables it flags."""
    snapshot = requests.get(
        f"{server.url}/api/snapshot", timeout=30, headers={"Authorization": f"Bearer {server.facilitator}"}
    ).json()
    tables = snapshot["seats"]["tables"]
    return {
        "participants": snapshot["stats"]["participants"],
        "flagged": sum(t["burst"] for t in tables),
        "online_refused": snapshot["seats"]["online_refused"],
    }


def flood(server, codes: list[str], total: int, addresses: list[str], threads: int) -> tuple[Counter, float]:
    sessions = [session_from(address) for address in addresses]

    def attempt(n: int) -> int:
        return (
            sessions[n % len(sessions)]
            .post(f"{server.url}/j/{codes[n % len(codes)]}", allow_redirects=False, timeout=30)
            .status_code
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        answers = Counter(pool.map(attempt, range(total)))
    return answers, time.perf_counter() - started


def report(title: str, answers: Counter, took: float, view: dict) -> None:
    print(f"{title} ({took:.1f} s)")
    print(
        f"  participants created: {view['participants']}; tables the console flags: {view['flagged']}"
        + (f"; online joins refused: {view['online_refused']}" if view["online_refused"] else "")
    )
    for status, count in sorted(answers.items()):
        print(f"  {REASONS.get(status, status)}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2200)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        venue = {"FACILITATION_PHONE_NETWORKS": "127.0.0.0/8"}  # as the venue's Wi-Fi: an address is a phone
        for name, addresses, env in (
            ("one address", ADDRESSES[:1], {}),
            ("six addresses", ADDRESSES, {}),
            ("one phone on the venue's Wi-Fi", ADDRESSES[:1], venue),
            ("six phones on the venue's Wi-Fi", ADDRESSES, venue),
        ):
            folder = Path(tmp) / name.replace(" ", "-").replace("'", "")
            folder.mkdir()
            server = start_server(folder, env=env)
            try:
                codes = [t[3] for t in server.tables()] + [server.setting("online_code")]
                answers, took = flood(server, codes, args.requests, addresses, args.threads)
                report(
                    f"{args.requests} join requests from {name}, to every table's code and the online link",
                    answers,
                    took,
                    console_view(server),
                )
            finally:
                stop_server(server)

        folder = Path(tmp) / "seat-codes"
        folder.mkdir()
        plan = folder / "seats.toml"
        plan.write_text(DEMO_PLAN.read_text().replace("online_groups = 3", "online_groups = 3\nseat_codes = true"))
        server = start_server(folder, plan=plan)
        try:
            answers, took = flood(server, [server.setting("online_code")], 400, ADDRESSES[:1], args.threads)
            report(
                "with seat codes: 400 requests to the online link from one address", answers, took, console_view(server)
            )
        finally:
            stop_server(server)

        (Path(tmp) / "shared").mkdir()
        server = start_server(Path(tmp) / "shared")
        try:
            codes = [t[3] for t in server.tables() if not t[2]]
            stop, wrong = threading.Event(), Counter()
            attacker = session_from(ADDRESSES[0])

            def attack() -> None:  # about five wrong codes a second, all along
                n = 0
                while not stop.is_set():
                    wrong[
                        attacker.post(f"{server.url}/j/WRONG{n:04d}", allow_redirects=False, timeout=30).status_code
                    ] += 1
                    n += 1
                    time.sleep(0.2)

            thread = threading.Thread(target=attack)
            thread.start()
            honest, started = Counter(), time.perf_counter()
            for n in range(30):  # one person a second scans their table's card, from the same address
                honest[
                    session_from(ADDRESSES[0])
                    .post(f"{server.url}/j/{codes[n]}", allow_redirects=False, timeout=30)
                    .status_code
                ] += 1
                time.sleep(1.0)
            stop.set()
            thread.join()
            report(
                f"behind one shared address: 30 honest joins, one a second, while an attacker sends "
                f"{sum(wrong.values())} wrong codes",
                honest,
                time.perf_counter() - started,
                console_view(server),
            )
            print(f"  the attacker's answers: {dict(wrong)}")
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
