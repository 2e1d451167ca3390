"""Property-based fuzzing (hypothesis) of every socket event and HTTP endpoint against a real server: whatever
arrives, from any role, gets an answer (an ack with ok/error over sockets, JSON or a page below 500 over HTTP),
and a refusal leaves the event log exactly where it was.

The cases are derandomised, so CI runs the same inputs every time; `FUZZ_EXAMPLES` makes a longer run.
`INPUTS` counts what was sent; the module prints the total.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from facilitation.services.commands import COMMANDS
from tests.conftest import start_server, stop_server
from tests.realtime.clients import Client, join

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "400"))  # per test; ~0.06 s each on a 2-core CI machine
# No shrinking: each case costs round trips to the server, and the assertion messages carry the input.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
INPUTS: Counter[str] = Counter()
REFUSED: Counter[str] = Counter()  # inputs answered with a refusal (each checked to have changed nothing)
PHONES = 40  # the fuzz rotates over many phones so that few cases meet the per-phone rate limit

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "1", "true", "\u202e", "=1+1", "x" * 5000]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = sorted(
    {field for model, _fn in COMMANDS.values() for field in model.model_fields} - {"cid"} | {"since", "table"}
)
client_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=20)
# Payloads shaped like commands (a client id and known field names with any values), and anything at all.
# Each within the message size limit: a larger socket message closes the connection, a different contract
# (FACILITATION_MAX_MESSAGE_BYTES, tested on its own); with more command fields, a few generated payloads grew past it.
# A message may carry the payload twice (shape "two"): each stays under half the limit.
payloads = st.one_of(
    st.fixed_dictionaries({"cid": client_ids}, optional={f: json_values | st.integers(1, 40) for f in FIELDS}),
    json_values,
).filter(lambda payload: len(json.dumps(payload)) < 30_000)
event_names = st.sampled_from(
    [
        *COMMANDS,
        "sync",
        "suggestions",
        "theme.suggest",
        "ideas.search",
        "connect",
        "disconnect",
        "message",
        "update",
        "alert",
        "",
        "idea.add ",
        "IDEA.ADD",
    ]
) | st.text(max_size=20)


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("fuzz"))
    facilitator = Client(server.url, server.facilitator)
    assert facilitator.send("phase.start", {"phase": 2})["ok"]
    tables = server.tables()
    clients = {
        "facilitator": [facilitator],
        "theme": [Client(server.url, server.setting("theme_token"))],
        "observer": [Client(server.url, server.setting("observer_token"))],
        "projector": [Client(server.url, server.setting("projector_token"))],
        "scribe": [Client(server.url, tables[n][4]) for n in range(3)],
        "participant": [Client(server.url, cookie=join(server.url, tables[n % 30][3])) for n in range(PHONES)],
    }
    yield server, facilitator, clients
    for group in clients.values():
        for client in group:
            client.close()
    stop_server(server)
    print(f"\nfuzz: {sum(INPUTS.values())} inputs ({dict(INPUTS)}), refused and unchanged: {dict(REFUSED)}")


LAST_SEEN: dict[Client, int] = {}


def current_version(facilitator: Client) -> int:
    """The event's version, asked as a reconnecting console asks: with the version it last saw, the answer is
    "current" (cheap) unless something changed, and then a whole snapshot."""
    since = LAST_SEEN.get(facilitator)
    answer = facilitator.sync(since)
    version = since if answer.get("current") else answer["version"]
    assert type(version) is int, answer
    LAST_SEEN[facilitator] = version
    return version


@FUZZ
@given(
    role=st.sampled_from(["facilitator", "theme", "observer", "projector", "scribe", "participant"]),
    pick=st.integers(0, PHONES - 1),
    name=event_names,
    payload=payloads,
    shape=st.sampled_from(["one", "none", "two"]),
)
def test_every_socket_event_is_answered_and_a_refusal_changes_nothing(room, role, pick, name, payload, shape):
    _server, facilitator, clients = room
    group = clients[role]
    sender = group[pick % len(group)]
    before = current_version(facilitator)
    args = {"one": (payload,), "none": (), "two": (payload, payload)}[shape]
    INPUTS["socket"] += 1
    try:
        answer = (
            sender.sio.call(name, args if len(args) != 1 else args[0], timeout=10)
            if args
            else sender.sio.call(name, timeout=10)
        )
    except Exception as exc:
        raise AssertionError(f"no answer to {role} {name!r} {args!r}: {exc!r}") from None
    assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool), (name, payload, answer)
    if not answer["ok"]:
        REFUSED["socket"] += 1
        assert set(answer["error"]) == {"code", "message"} and answer["error"]["message"], answer
        assert answer["error"]["code"] != "server_error", (name, payload, answer)
        assert current_version(facilitator) == before, (name, payload, answer)
    if not answer["ok"] and answer["error"]["code"] == "too_large":
        # longer than any command of a phone or table screen: a script's, answered and then cut off
        assert role in ("scribe", "participant"), (role, name)
        sender.reconnect_once_closed()
    assert sender.sio.connected


API_ROLES = ["facilitator_token", "theme_token", "observer_token", "projector_token", None, "not-a-token"]
bodies = st.one_of(
    json_values.map(lambda v: ("json", json.dumps(v).encode())),
    st.binary(max_size=200).map(lambda b: ("raw", b)),
    st.just(("raw", b"[" * 5000 + b"]" * 5000)),
)


@FUZZ
@given(
    name=st.sampled_from([*COMMANDS, "nope", "", "..", "idea.add/x"]) | st.text(max_size=12),
    token=st.sampled_from(API_ROLES),
    body=bodies,
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", None]),
)
def test_every_api_command_gets_json_below_500_and_a_refusal_changes_nothing(room, name, token, body, content_type):
    server, facilitator, _clients = room
    before = current_version(facilitator)
    headers = {"Content-Type": content_type} if content_type else {}
    if token:
        headers["Authorization"] = f"Bearer {server.setting(token) if token.endswith('_token') else token}"
    INPUTS["http command"] += 1
    response = requests.post(
        f"{server.url}/api/command/{requests.utils.quote(name, safe='')}", data=body[1], headers=headers, timeout=10
    )
    assert response.status_code < 500, (name, body, response.status_code, response.text[:200])
    if response.status_code != 404 or response.headers.get("Content-Type", "").startswith("application/json"):
        answer = response.json()
        assert isinstance(answer.get("ok"), bool)
    if response.status_code >= 400:
        REFUSED["http command"] += 1
        assert current_version(facilitator) == before


paths = st.sampled_from(
    [
        "/",
        "/join",
        "/me",
        "/healthz",
        "/api/snapshot",
        "/api/log",
        "/j/",
        "/console/",
        "/observer/",
        "/projector/",
        "/table/",
        "/cards/",
        "/qr/",
        "/export/",
        "/static/",
    ]
)


@FUZZ
@given(
    path=paths,
    tail=st.text(max_size=40),
    query=st.text(max_size=30),
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE"]),
    body=st.binary(max_size=100),
)
def test_every_page_answers_below_500_and_only_a_join_may_change_anything(room, path, tail, query, method, body):
    server, facilitator, _clients = room
    before = current_version(facilitator)
    INPUTS["http page"] += 1
    url = f"{server.url}{path}{requests.utils.quote(tail)}?{requests.utils.quote(query, safe='=&')}"
    response = requests.request(method, url, data=body, timeout=10, allow_redirects=False)
    assert response.status_code < 500, (method, url, response.status_code)
    if not (method == "POST" and path == "/j/" and response.status_code == 303):
        REFUSED["http page"] += response.status_code >= 400
        assert current_version(facilitator) == before, (method, url)


def test_no_input_left_a_traceback_in_the_server_log(room):
    server, _facilitator, _clients = room
    log = server.log_path.read_text()
    assert "Traceback" not in log and " 500 " not in log
