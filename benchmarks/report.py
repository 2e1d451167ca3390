"""How long the steering committee's PDF takes for a big day: 300 phones, 2,100 ideas, 8 themes, 1,500 dots.

A real server on a scratch data folder; `facilitation rehearse` plays the day through the public protocol;
then the report is made twice: from the command line (`facilitation report`, its own process) and from the
console's download while the server runs (the drawing in a real thread). Its baseline, from the same run, is
the JSON export of the same event: the report's own cost is the ratio. Target: under 30 s.

Then the report as a web page, and the public results page once published: drawn once, then the whole room
opens it within a few seconds (open loop: each request leaves at its scheduled time, latency counted from
then), against `/healthz` under the same schedule as the baseline.

    .venv/bin/python benchmarks/report.py [--phones 300] [--ideas 7]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))
from tests.databases import free_port  # noqa: E402


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([PY, "-m", "facilitation", *args], cwd=ROOT, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - start


def crowd(url: str, count: int, seconds: float) -> list[float]:
    """`count` GETs of `url` at evenly scheduled times over `seconds`; each one's latency from its schedule."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def one(at: float) -> None:
        time.sleep(max(0.0, at - time.perf_counter()))
        requests.get(url, timeout=60).raise_for_status()
        with lock:
            latencies.append(time.perf_counter() - at)

    threads = [threading.Thread(target=one, args=(start + i * seconds / count,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--ideas", type=int, default=7, help="ideas per phone (7 x 300 = 2,100)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="report-bench-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "facilitation",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data",
            str(work),
            "--public-url",
            url,
        ],
        cwd=ROOT,
        env={**__import__("os").environ, "FACILITATION_JOIN_BURST": str(args.phones + 100)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        db = work / "psm-torino-2024.sqlite"
        token = sqlite3.connect(db).execute("select value from setting where key='facilitator_token'").fetchone()[0]
        observer = sqlite3.connect(db).execute("select value from setting where key='observer_token'").fetchone()[0]
        subprocess.run(
            [
                PY,
                "-m",
                "facilitation",
                "rehearse",
                "--url",
                f"{url}/console/{token}",
                "--participants",
                str(args.phones),
                "--online",
                str(args.phones // 10),
                "--ideas",
                str(args.ideas),
                "--idea-seconds",
                "30",
                "--dots",
                "5",
                "--burst-seconds",
                "5",
                "--json",
            ],
            cwd=ROOT,
            check=True,
            timeout=900,
            capture_output=True,
        )
        ideas = sqlite3.connect(db).execute("select count(*) from idea").fetchone()[0]
        start = time.perf_counter()
        response = requests.get(f"{url}/export/{observer}/report.pdf", timeout=600)
        served = time.perf_counter() - start
        response.raise_for_status()
        start = time.perf_counter()
        requests.get(f"{url}/report/{observer}", timeout=600).raise_for_status()
        page = time.perf_counter() - start
        requests.post(
            f"{url}/api/command/results.publish",
            json={"cid": "bench-publish-1", "published": True},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).raise_for_status()
        start = time.perf_counter()
        requests.get(f"{url}/results", timeout=600).raise_for_status()
        first = time.perf_counter() - start
        baseline = crowd(f"{url}/healthz", args.phones, 5)
        room = crowd(f"{url}/results", args.phones, 5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    export = timed(
        [
            "export",
            "--event",
            "psm-torino-2024",
            "--data",
            str(work),
            "--format",
            "json",
            "--out",
            str(work / "event.json"),
        ]
    )
    report = timed(["report", "psm-torino-2024", "--data", str(work), "--out", str(work / "report.pdf")])
    size = (work / "report.pdf").stat().st_size
    print(f"report bench: {args.phones} phones, {ideas:,} ideas")
    print(f"  JSON export (command line, baseline)  {export:6.1f} s")
    print(
        f"  PDF report (command line)             {report:6.1f} s  ({report / export:.1f}x the export; "
        f"{size / 1e3:.0f} kB)"
    )
    print(
        f"  PDF report (console download, served) {served:6.1f} s  target < 30 s: "
        f"{'met' if max(report, served) < 30 else 'NOT met'}"
    )
    print(f"  report as a web page (served)         {page:6.1f} s")
    print(f"  public results page, first drawing    {first:6.1f} s")
    print(
        f"  {args.phones} phones open it within 5 s: p95 {p95(room) * 1e3:.0f} ms "
        f"(/healthz on the same schedule: {p95(baseline) * 1e3:.0f} ms; {p95(room) / p95(baseline):.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
