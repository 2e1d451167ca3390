"""Several server processes on one event (issue 24, docs/scale-out.md): one writer, the others followers.

The process holding the event's database lock (`store.datadir.DatabaseLock`) is its **writer**: it alone writes,
hands out versions, keeps the vote book and draws the screens' updates, which Flask-SocketIO's message queue
carries to the sockets every process holds. A process that does not get the lock **follows**: it holds phones'
sockets, answers their reads from the database, and forwards every command to the writer over Redis (a list per
event that the writer takes them from, a reply list per command), then answers its socket with the writer's
answer. So every rule (a phase, a vote's budget, how fast a phone may send, how many join from one address) is
checked in one place whichever process a phone reached. It tries the lock every second (`Lease`) and takes the
writing over within a second or two of the writer's end; a command that was on its way then is answered
`writer_away`, and sent again it counts once (its client id is remembered with its first answer).

The writer also signals every process, on a Redis channel of the event's: `cut` (close the sockets of a room
wherever they are: a secret replaced, a phone moved or taken out) and `changed` (a change that is not a dot: a
follower reads its cached stage, and the plan when it changed, again).

A workspace served by several processes (`serve --workspace`) has a channel of its own (`WORKSPACE`): an event
one process makes, serves again, archives or deletes is `opened` or `dropped` on every other, so each event has
one writer among them however it came."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Role
from facilitation.services.commands import Principal

log = logging.getLogger(__name__)
ANSWER_WITHIN = 10.0  # seconds a follower waits for the writer's answer (then `writer_away`: send it again)
TAKEN_AT_ONCE = 200  # forwarded commands the writer takes from the list in one go (a burst of dots)
WORKSPACE = "@workspace"  # the workspace's channel (no event's id: those start with a letter or digit)


def _key(event_id: str, what: str) -> str:
    return f"facilitation:{event_id}:{what}"


class Relay:
    """The event's Redis lists and channel: commands from the followers to the writer, answers back, signals to
    every process."""

    def __init__(self, url: str, event_id: str, spawn: Callable[..., Any]):
        import redis

        self.spawn = spawn  # how the answers' reader is started (socketio.start_background_task)

        # A read waits longer than the longest blocking command (redis 8 would cut it after 5 s otherwise); a
        # burst's answers wait for one of 50 connections rather than fail (redis-py refuses past 100 at once).
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=50,
            timeout=ANSWER_WITHIN,
            socket_timeout=ANSWER_WITHIN + 5,
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        self.redis = redis.Redis(connection_pool=pool)
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.queue = _key(event_id, "commands")
        self.channel = _key(event_id, "signals")
        # this process's answers: one list, read by one reader (`_read_answers`), however many commands wait
        self._answers = _key(event_id, f"answers:{secrets.token_hex(8)}")
        self._waiting: dict[str, list] = {}  # command id -> [its threading.Event, its answer once there]
        self._reading = False
        self.closed = False  # the event is no longer served here: every loop of this relay ends

    def close(self) -> None:
        """This process stops serving the event: its loops end within a few seconds, its connections with them."""
        self.closed = True

    # --- a follower ---------------------------------------------------------------------------------

    def forward(self, who: Principal, name: str, raw: object) -> dict:
        """Send one command to the writer and wait for its answer (or raise its refusal)."""
        import threading  # green under gevent: the server patched it before anything was imported

        number = secrets.token_hex(8)
        sent = {"who": {**asdict(who), "role": who.role.value}, "name": name, "raw": raw}
        sent.update(id=number, reply=self._answers, until=time.time() + ANSWER_WITHIN)
        try:
            message = json.dumps(sent)
        except TypeError:  # a payload JSON cannot carry (the socket gave it, so it cannot be valid either)
            raise Refused("invalid_payload", fields="payload") from None
        if not self._reading:
            self._reading = True
            self.spawn(self._read_answers)
        waiting = self._waiting[number] = [threading.Event(), None]
        try:
            self.redis.rpush(self.queue, message)
        except self._errors as exc:  # Redis away: the command never reached the writer
            self._waiting.pop(number, None)
            log.warning("a command could not be forwarded to the event's writer: %s", exc)
            raise Refused("writer_away") from None
        answered = waiting[0].wait(ANSWER_WITHIN)
        self._waiting.pop(number, None)
        if not answered:
            raise Refused("writer_away")
        answer = waiting[1]
        if "refused" in answer:
            raise Refused(answer["refused"], **answer.get("params", {}))
        return answer["ok"]

    def _read_answers(self) -> None:
        """The follower's one reader of its answers list: each answer goes to the command waiting for it."""
        while not self.closed:
            try:
                got = self.redis.blpop([self._answers], timeout=1)
                if got is None:
                    continue
                more = self.redis.lpop(self._answers, TAKEN_AT_ONCE) or []
            except self._errors as exc:
                log.warning("the writer's answers could not be read (tried again in a second): %s", exc)
                time.sleep(1)
                continue
            for message in [got[1], *more]:
                try:
                    answer = json.loads(message)
                except ValueError:
                    log.error("an answer that is not JSON was dropped")
                    continue
                waiting = self._waiting.get(answer.pop("id", ""))
                if waiting is not None:  # else its sender gave up waiting: it was told to send it again
                    waiting[1] = answer
                    waiting[0].set()

    # --- the writer ---------------------------------------------------------------------------------

    def take_commands(self, execute: Callable[[Principal, str, Any], dict], spawn, writing: Callable[[], bool]):
        """The writer's loop, for as long as `writing()`: each forwarded command runs in a green thread (or thread)
        of its own, so the writer batches a burst of them as it batches its own sockets' dots.

        A command is moved, not popped, into the event's `taking` list, and leaves it with its answer: Redis may
        hand a command to a writer that has just died (its blocked read not yet closed), so a new writer first
        puts back whatever the one before it took and did not answer. Run again, a command the old writer did
        commit gets its first answer back (its client id is remembered), never a second effect."""
        taking = self.queue + ":taking"
        while True:
            try:
                while self.redis.lmove(taking, self.queue, "RIGHT", "LEFT") is not None:
                    pass  # the oldest ahead of the rest, as they came
                break
            except self._errors as exc:
                log.warning("the commands the writer before left could not be put back yet: %s", exc)
                time.sleep(1)
        while writing() and not self.closed:
            try:
                got = self.redis.blmove(self.queue, taking, 1, "LEFT", "RIGHT")
                if got is None:
                    continue
                pipe = self.redis.pipeline(transaction=False)
                for _ in range(TAKEN_AT_ONCE):
                    pipe.lmove(self.queue, taking, "LEFT", "RIGHT")
                more = [message for message in pipe.execute() if message is not None]
            except self._errors as exc:  # Redis restarting, say: the followers' commands wait in it meanwhile
                log.warning("the forwarded commands could not be read (tried again in a second): %s", exc)
                time.sleep(1)
                continue
            for message in [got, *more]:
                spawn(self._answer, execute, message, taking)

    def _answer(self, execute: Callable[[Principal, str, Any], dict], message: bytes, taking: str) -> None:
        try:
            sent = json.loads(message)
        except ValueError:
            log.error("a forwarded command that is not JSON was dropped")
            self._done(taking, message)
            return
        if time.time() > sent.get("until", 0):  # its sender has answered "send it again" already
            self._done(taking, message)
            return
        try:
            who = Principal(**{**sent["who"], "role": Role(sent["who"]["role"])})
            answer: dict = {"ok": execute(who, sent["name"], sent["raw"])}
        except Refused as refused:
            answer = {"refused": refused.code, "params": refused.params}
        except Exception:
            log.exception("forwarded command %s failed", str(sent.get("name"))[:40])
            answer = {"refused": "server_error"}
        try:
            pipe = self.redis.pipeline()
            pipe.rpush(sent["reply"], json.dumps({"id": sent.get("id"), **answer}, default=str))
            pipe.expire(sent["reply"], 60)  # a follower gone: its answers do not stay in Redis
            pipe.lrem(taking, 1, message)  # type: ignore[arg-type]  # Redis takes the bytes it gave
            pipe.execute()
        except self._errors as exc:  # its sender answers "send it again", and the retry gets this answer back
            log.warning("an answer could not be sent back to a follower: %s", exc)

    def _done(self, taking: str, message: bytes) -> None:
        try:
            self.redis.lrem(taking, 1, message)  # type: ignore[arg-type]  # Redis takes the bytes it gave
        except self._errors as exc:
            log.warning("a forwarded command could not be marked done: %s", exc)

    # --- every process --------------------------------------------------------------------------------

    def signal(self, kind: str, **data) -> bool:
        """Tell every process of the event (this one too); False if Redis could not be reached."""
        try:
            self.redis.publish(self.channel, json.dumps({"kind": kind, **data}))
            return True
        except self._errors as exc:
            log.warning("the event's other processes could not be told of a %s: %s", kind, exc)
            return False

    def listen(self, handle: Callable[[dict], None]) -> None:
        """Handle every signal, for as long as the process lives (Redis gone a while: listened to again)."""
        while not self.closed:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                while not self.closed:
                    message = pubsub.get_message(timeout=5.0)
                    if message is None:
                        continue
                    try:
                        handle(json.loads(message["data"]))
                    except Exception:
                        log.exception("a signal could not be handled")
            except self._errors as exc:
                log.warning("the event's signals could not be heard (listening again in a second): %s", exc)
                time.sleep(1)


class Lease:
    """A follower's wait for the writer's lock: tried every `every` seconds while `wanted()` (the event is still
    served here); `won` runs once it is held."""

    def __init__(self, lock, won: Callable[[], None], every: float = 1.0, wanted: Callable[[], bool] = lambda: True):
        self.lock, self.won, self.every, self.wanted = lock, won, every, wanted

    def run(self, sleep) -> None:
        while True:
            sleep(self.every)
            if not self.wanted():
                return
            try:
                if self.lock.take():
                    break
            except Exception:  # the database restarting, say: tried again
                log.exception("the event's lock could not be tried")
        self.won()
