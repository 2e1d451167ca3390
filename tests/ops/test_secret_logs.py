"""No secret in any log line, whoever writes it (issue 19, #11): not our request log for a path no route knows,
not gevent's server for a request line it cannot read, not a socket that joins with a token."""

from __future__ import annotations

import re
import socket
import time

import requests

from tests.realtime.clients import Client, join


def test_tokens_never_reach_the_log_in_full(server):
    facilitator, observer = server.facilitator, server.setting("observer_token")
    assert requests.get(f"{server.url}/console/{facilitator}/x", timeout=10).status_code == 404
    assert requests.get(f"{server.url}/export/{observer}/nothing.pdf", timeout=10).status_code == 404
    assert (
        requests.post(
            f"{server.url}/api/import", data=b"{}", timeout=10, headers={"Authorization": f"Bearer {facilitator}x"}
        ).status_code
        == 401
    )
    host, port = server.url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:  # a request line gevent cannot read
        raw.sendall(f"GET /console/{facilitator} HTTP/1.1 extra words\r\nHost: x\r\n\r\n".encode())
        assert raw.recv(100).startswith(b"HTTP/1.1 400")
    cookie = join(server.url, server.tables()[0][3])
    phone = Client(server.url, cookie=cookie)
    staff = Client(server.url, facilitator)
    assert staff.send("nothing.here")["error"]["code"] == "unknown_command"
    phone.close()
    staff.close()
    time.sleep(0.5)
    # the log's lines (the start-up banner printed before them gives the staff their links, on purpose)
    lines = [line for line in server.log_path.read_text().splitlines() if re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert any(f"/console/{facilitator[:4]}…/x" in line for line in lines)  # the lines are there, cut short
    assert any("400" in line or "Invalid" in line for line in lines), lines[-5:]
    for secret in (facilitator, observer, cookie):
        assert not [line for line in lines if secret in line], secret
