"""`facilitation rehearse`: play a crowd of phones against a running server, through the public protocol only,
so a team can try the venue laptop and its Wi-Fi the day before: joins, ideas, a dot-vote burst.

It runs the event's phases with the facilitator's secret, like a facilitator would, so point it at a
rehearsal copy of the event (the same plan, another data folder), never at the real one.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
import uuid
from dataclasses import dataclass, field

from facilitation.i18n import translator


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


@dataclass
class Step:
    """One kind of action the crowd took: how many were sent, acknowledged, refused (by code) or lost."""

    name: str
    sent: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    seconds: float = 0.0
    screen_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict:
        ms = self.latencies_ms
        return {
            "sent": self.sent,
            "acked": len(ms),
            "refused": self.refused,
            "lost": self.lost,
            "seconds": round(self.seconds, 2),
            **{f"p{p}_ms": _round(percentile(ms, p / 100)) for p in (50, 95, 99)},
            "screen_p95_ms": _round(percentile(self.screen_ms, 0.95)),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class Progress:
    """A one-line progress bar on the terminal (nothing when the output is not a terminal, or in --json)."""

    def __init__(self, label: str, total: int, quiet: bool):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.show = not quiet and sys.stderr.isatty()

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.show:
            filled = int(30 * self.done / self.total)
            sys.stderr.write(f"\r  {self.label:<8} [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}")
            sys.stderr.flush()

    def end(self) -> None:
        if self.show:
            sys.stderr.write("\n")


async def open_loop(
    clients: list,
    sends: list[tuple[int, str, dict]],
    seconds: float,
    step: Step,
    progress: Progress,
    timeout: float = 20,
) -> list[float]:
    """Send each (client index, event, payload) at its scheduled time, spread over `seconds`, whatever the
    acks do; latency is measured from the schedule. Returns the times of the acknowledged sends."""
    import socketio

    acked_at: list[float] = []
    start = time.perf_counter() + 0.2
    step.sent = len(sends)

    async def send(i: int, client: int, event: str, payload: dict) -> None:
        due = start + (i * seconds / len(sends) if len(sends) > 1 else 0)
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        try:
            ack = await clients[client].call(event, {"cid": uuid.uuid4().hex, **payload}, timeout=timeout)
        except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
            step.lost += 1
        else:
            now = time.perf_counter()
            if ack.get("ok"):
                step.latencies_ms.append((now - due) * 1000)
                acked_at.append(now)
            else:
                code = (ack.get("error") or {}).get("code", "?")
                step.refused[code] = step.refused.get(code, 0) + 1
        progress.step()

    began = time.perf_counter()
    await asyncio.gather(*(send(i, *item) for i, item in enumerate(sends)))
    step.seconds = time.perf_counter() - began
    progress.end()
    return acked_at


async def connect_phone(url: str, phone: dict):
    """A phone's socket, by its device cookie ({"cookie": ...}) or a token ({"token": ...})."""
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    if phone.get("cookie"):
        await client.connect(
            url, headers={"Cookie": f"facilitation_device={phone['cookie']}"}, transports=["websocket"], wait_timeout=20
        )
    else:
        await client.connect(url, auth={"token": phone["token"]}, transports=["websocket"], wait_timeout=20)
    return client


def freshness(acked_at: list[float], seen: list[tuple[float, int]], base: int) -> list[float]:
    """For the k-th acknowledged change, how long after its ack a screen first showed k changes (ms; 0 when
    the screen had it before the ack reached the phone)."""
    out, w = [], 0
    for k, at in enumerate(sorted(acked_at)):
        while w < len(seen) and seen[w][1] - base < k + 1:
            w += 1
        out.append(max(0.0, seen[w][0] - at) * 1000 if w < len(seen) else float("inf"))
    return out


async def rehearse_event(
    url: str,
    token: str,
    participants: int,
    online: int,
    ideas: int,
    dots: int,
    burst_seconds: float,
    idea_seconds: float,
    quiet: bool,
    force: bool,
    _,
) -> dict:
    import aiohttp
    import socketio

    url = url.rstrip("/")
    staff = socketio.AsyncClient(reconnection=False)
    tallies: list[tuple[float, int]] = []
    idea_counts: list[tuple[float, int]] = []

    @staff.on("update")
    async def _update(update):
        if isinstance((update.get("tally") or {}).get("dots"), int):
            tallies.append((time.perf_counter(), update["tally"]["dots"]))
        if isinstance((update.get("stats") or {}).get("ideas"), int):
            idea_counts.append((time.perf_counter(), update["stats"]["ideas"]))

    await staff.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=15)
    snapshot = await staff.call("sync", {"since": None}, timeout=15)
    if not snapshot.get("ok") or snapshot.get("role") != "facilitator":
        raise RehearsalError(_("This link is not the facilitator's: give the secret from the facilitator console."))
    if snapshot["stats"]["participants"] and not force:
        raise RehearsalError(
            _(
                "This event already has participants (%(n)s): rehearse on a copy (the same plan, "
                "another --data folder), or add --force.",
                n=snapshot["stats"]["participants"],
            )
        )
    agenda = snapshot["event"]["agenda"]
    result: dict = {"url": url, "participants": participants, "online": online}

    async with aiohttp.ClientSession() as http:  # the codes a phone can pick on the join page
        page = await (await http.get(f"{url}/join")).text()
    room_codes = re.findall(r'class="table-button" href="/j/([A-Z0-9]+)"', page)
    online_codes = re.findall(r'class="primary button big" href="/j/([A-Z0-9]+)"', page)
    if not room_codes or (online and not online_codes):
        raise RehearsalError(
            _(
                "The join page offers no table (or no online link) to join: rehearse on a copy of "
                "the event without seat codes, with online groups if you pass --online."
            )
        )
    plan = [room_codes[n % len(room_codes)] for n in range(participants - online)] + online_codes[:1] * online

    joins = Step("joins")
    progress = Progress(_("joins"), participants, quiet)
    phones: list[socketio.AsyncClient | None] = [None] * participants
    limit = asyncio.Semaphore(50)

    async def join(n: int, code: str) -> None:
        async with limit:
            started = time.perf_counter()
            async with aiohttp.ClientSession() as http:
                await (await http.get(f"{url}/j/{code}")).read()
                answer = await http.post(f"{url}/j/{code}", allow_redirects=False)
                cookie = answer.cookies.get("facilitation_device")
            if answer.status != 303 or cookie is None:
                code_seen = answer.headers.get("X-Refusal") or str(answer.status)
                joins.refused[code_seen] = joins.refused.get(code_seen, 0) + 1
                progress.step()
                return
            try:
                phone = await connect_phone(url, {"cookie": cookie.value})
            except socketio.exceptions.ConnectionError:
                joins.lost += 1
            else:
                phones[n] = phone
                joins.latencies_ms.append((time.perf_counter() - started) * 1000)
            progress.step()

    joins.sent = participants
    began = time.perf_counter()
    await asyncio.gather(*(join(n, code) for n, code in enumerate(plan)))
    joins.seconds = time.perf_counter() - began
    progress.end()
    result["joins"] = joins.summary()
    live = [phone for phone in phones if phone is not None]

    async def facilitator(event: str, **payload) -> dict:
        answer = await staff.call(event, {"cid": uuid.uuid4().hex, **payload}, timeout=30)
        if not answer.get("ok"):
            raise RehearsalError(f"{event}: {answer['error']['message']}")
        return answer

    axes = [axis["id"] for axis in snapshot["event"]["axes"]]
    capture = next((i for i, phase in enumerate(agenda) if phase["kind"] == "capture"), None)
    if ideas and capture is not None and live:
        await facilitator("phase.start", phase=capture)
        base = idea_counts[-1][1] if idea_counts else snapshot["stats"]["ideas"]
        first = len(idea_counts)
        step = Step("ideas")
        sends = [
            (
                p,
                "idea.add",
                {"text": f"Prova {k + 1} dal telefono {p + 1}: più treni la sera", "axis": axes[(p + k) % len(axes)]},
            )
            for k in range(ideas)
            for p in range(len(live))
        ]
        acked = await open_loop(live, sends, idea_seconds, step, Progress(_("ideas"), len(sends), quiet))
        await asyncio.sleep(1)
        step.screen_ms = freshness(acked, idea_counts[first:], base)
        result["ideas"] = step.summary()

    voting = next((i for i, phase in enumerate(agenda) if phase["kind"] == "voting"), None)
    if dots and live:
        for n in range(8):
            theme = await facilitator("theme.create", title=f"Prova {n + 1}", axis=axes[n % len(axes)])
            await facilitator("theme.ballot", theme=theme["theme"])
        if voting is not None:
            await facilitator("phase.start", phase=voting)
        await facilitator("vote.open")
        await asyncio.sleep(0.5)  # phones ask for their ballot order when the vote opens
        themes = [t["id"] for t in (await staff.call("sync", {"since": None}, timeout=15))["themes"] if t["on_ballot"]]
        base = tallies[-1][1] if tallies else 0
        first = len(tallies)
        step = Step("dots")
        sends = [
            (p, "dot.place", {"theme": themes[(p + k) % len(themes)]}) for k in range(dots) for p in range(len(live))
        ]
        acked = await open_loop(live, sends, burst_seconds, step, Progress(_("dots"), len(sends), quiet))
        await asyncio.sleep(1)
        step.screen_ms = freshness(acked, tallies[first:], base)
        result["dots"] = step.summary()
        await facilitator("vote.close")
        final = await staff.call("sync", {"since": None}, timeout=15)
        result["dots"]["counted"] = final["tally"]["dots"] - base
        result["dots"]["lost_after_ack"] = len(acked) - result["dots"]["counted"]
    for phone in live:
        await phone.disconnect()
    await staff.disconnect()
    return result


class RehearsalError(RuntimeError):
    """The rehearsal cannot go on; the message says why, translated."""


def _line(label: str, step: dict, _) -> str:
    refused = ", ".join(f"{code} {n}" for code, n in step["refused"].items()) or "0"
    fields = [
        f"{step['acked']}/{step['sent']} " + _("acknowledged"),
        _("refused") + f" {refused}",
        _("lost") + f" {step['lost']}",
    ]
    if step["p50_ms"] is not None:
        fields.append(f"ack p50 {step['p50_ms']:.0f} · p95 {step['p95_ms']:.0f} · p99 {step['p99_ms']:.0f} ms")
    if step.get("screen_p95_ms") is not None:
        fields.append(_("on screen") + f" p95 {step['screen_p95_ms']:.0f} ms")
    return f"  {label:<7} " + " · ".join(fields)


def server_and_secret(url: str, token: str | None) -> tuple[str, str | None]:
    """The console's link carries both: http://laptop:5000/console/<secret> -> (http://laptop:5000, secret)."""
    base, _, secret = url.partition("/console/")
    return base.rstrip("/"), token or secret.strip("/") or None


def rehearse(args, config) -> int:
    _ = translator()
    url, token = server_and_secret(args.url, args.token)
    if not token:
        print(
            "facilitation rehearse: "
            + _(
                "Give the facilitator console's link as --url (it holds the secret), "
                "or the secret with --token=<secret>."
            ),
            file=sys.stderr,
        )
        return 2
    try:
        result = asyncio.run(
            rehearse_event(
                url,
                token,
                args.participants,
                args.online,
                args.ideas,
                args.dots,
                args.burst_seconds,
                args.idea_seconds,
                args.json,
                args.force,
                _,
            )
        )
    except RehearsalError as exc:
        print(f"facilitation rehearse: {exc}", file=sys.stderr)
        return 2
    except (OSError, ImportError) as exc:
        print(f"facilitation rehearse: {exc}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(
        _(
            "Rehearsal against %(url)s: %(n)s phones (%(online)s online)",
            url=result["url"],
            n=result["participants"],
            online=result["online"],
        )
    )
    print(_line(_("joins"), result["joins"], _) + f" · {result['joins']['seconds']:.1f} s")
    for name in ("ideas", "dots"):
        if name in result:
            print(_line(_(name), result[name], _) + f" · {result[name]['seconds']:.1f} s")
    if "dots" in result:
        lost = result["dots"]["lost_after_ack"]
        print(
            "  "
            + (
                _("Every acknowledged dot was counted.")
                if lost == 0
                else _("%(n)s acknowledged dots are missing from the tally!", n=lost)
            )
        )
    refused = result["joins"]["refused"]
    if refused.get("too_many_joins"):
        print(
            "  "
            + _(
                "Joins were slowed by the per-address limit: for a rehearsal from one computer, start the "
                "server with FACILITATION_JOIN_BURST=%(n)s.",
                n=result["participants"] + 50,
            )
        )
    if refused.get("phone_seats_taken"):
        print(
            "  "
            + _(
                "Joins were refused as one phone's seats: this computer is on the venue's network, where an "
                "address is one phone. For a rehearsal, start the server with FACILITATION_SEATS_PER_PHONE=0."
            )
        )
    failed = any(result.get(name, {}).get("lost") for name in ("joins", "ideas", "dots"))
    return 1 if failed or (result.get("dots", {}).get("lost_after_ack") or 0) > 0 else 0
