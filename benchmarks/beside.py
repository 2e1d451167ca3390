"""One event's figures with a second event live beside it on the same server (issue 22).

One server runs two events (`serve PLAN OTHER_PLAN`). Event A: 300 phones voting at 750 dots/s, burst after
burst (the official JavaScript client under node). Measured three ways in the same run: A alone on the server;
A while B (another room of 300 phones, its console and projector connected) sits live and quiet; A while B votes
too, at 150 dots/s (a smaller room). The echo server with A's crowd alone is the baseline. Printed: each one's
dot ack p95 and its ratio to A alone; nothing may be lost, and B's dots stay B's.

    .venv/bin/python benchmarks/beside.py [--bursts 6]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchmarks.bench import DOTS, Echo, check_export, counted_line, dot_runs, fmt, node_crowd, prepare_app  # noqa: E402
from facilitation.config import BY_KEY  # noqa: E402
from tests.conftest import DEMO_PLAN, start_server, stop_server  # noqa: E402

PHONES, RATE, BESIDE_RATE, QUIET_RATE = 300, 750, 150, 10


def worst(result: dict) -> float | None:
    values = [run["p95_ms"] for run in result["runs"] if run["p95_ms"] is not None]
    return max(values) if values else None


def lost(result: dict) -> int:
    return sum(run["lost"] + run["refused"] for run in result["runs"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bursts", type=int, default=6)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    args.bursts += args.bursts % 2  # runs alternate placing and taking back: an even number leaves none placed
    runs = [{"rate": RATE}] * args.bursts
    with Echo() as echo:
        baseline = node_crowd(
            {
                "url": echo.url,
                "phones": [{"token": "x"}] * PHONES,
                "themes": list(range(1, 9)),
                "dots": DOTS,
                "runs": runs,
                "event": "echo",
            }
        )
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "beside.toml"  # the demo again under another id: another room, the same shape
        other.write_text(
            DEMO_PLAN.read_text(encoding="utf-8").replace('id = "psm-torino-2024"', 'id = "beside"'), encoding="utf-8"
        )
        server = start_server(
            Path(tmp),
            more=(other,),
            flush=str(BY_KEY["FLUSH_INTERVAL"].default),
            env={
                "FACILITATION_JOIN_BURST": str(2 * PHONES + 10),
                "FACILITATION_MAX_PER_ADDRESS": str(6 * PHONES + 100),
                "FACILITATION_LOG_LEVEL": "WARNING",
            },
        )
        a, b = server, server.other("beside")
        try:
            ready_a, ready_b = prepare_app(a, PHONES), prepare_app(b, PHONES)
            crowd_a = {
                "url": a.url,
                "phones": [{"cookie": c} for c in ready_a["cookies"]],
                "screens": [a.setting("projector_token"), a.facilitator],
                "themes": ready_a["themes"],
                "dots": DOTS,
                "runs": runs,
            }
            screens_b = [b.setting("projector_token"), b.facilitator]
            phones_b = [{"cookie": c} for c in ready_b["cookies"]]
            alone = node_crowd(crowd_a)

            def beside(rate: float | None) -> tuple[dict, dict]:
                """A's crowd while B's room is connected: quiet (a dot each, 10 a second in all, placed then
                taken back: a minute's trickle) or voting."""
                b_runs = [{"rate": rate or QUIET_RATE}] * (args.bursts if rate else 2)
                found: dict = {}
                thread = threading.Thread(
                    target=lambda: found.update(
                        node_crowd(
                            {
                                "url": b.url,
                                "phones": phones_b,
                                "screens": screens_b,
                                "themes": ready_b["themes"],
                                "dots": 1 if not rate else DOTS,
                                "runs": b_runs,
                            }
                        )
                    )
                )
                thread.start()
                with_b = node_crowd(crowd_a)
                thread.join()
                return with_b, found

            quiet, quiet_b = beside(None)
            voting, voting_b = beside(BESIDE_RATE)
            counted_a = check_export(a, dot_runs(alone, quiet, voting))
            counted_b = check_export(b, dot_runs(quiet_b, voting_b))
        finally:
            stop_server(server)
    echo_p95, alone_p95 = worst(baseline), worst(alone)
    rows = [("A alone", alone), ("A, B live and quiet", quiet), (f"A, B voting at {BESIDE_RATE}/s", voting)]
    print(
        f"\nOne event beside another: {PHONES} phones at {RATE} dots/s on A, {args.bursts} bursts each "
        f"(worst burst's ack p95)"
    )
    print(f"  echo server (A's crowd alone):  {fmt(echo_p95)}")
    for name, result in rows:
        p95 = worst(result)
        ratio = f"{p95 / alone_p95:.2f}× A alone" if p95 is not None and alone_p95 else "—"
        print(f"  {name:30}  {fmt(p95)}  ({ratio})  lost or refused: {lost(result)}")
    print(
        f"  B's own crowd while voting: worst p95 {fmt(worst(voting_b))}, lost or refused {lost(voting_b)}; "
        f"quiet: lost or refused {lost(quiet_b)}"
    )
    print(f"  A {counted_line(counted_a)}\n  B {counted_line(counted_b)}")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    out = HERE / "results" / f"{stamp}-{platform.node() or 'machine'}-beside.json"
    out.write_text(
        json.dumps(
            {
                "echo": baseline,
                "alone": alone,
                "quiet": quiet,
                "voting": voting,
                "voting_b": voting_b,
                "quiet_b": quiet_b,
                "counted": [counted_a, counted_b],
            },
            indent=1,
        )
    )
    print(f"\nwritten: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
