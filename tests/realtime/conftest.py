"""Fixtures for the socket tests."""

import pytest

from tests.realtime.clients import Client

CAPTURE = 2  # the demo agenda's idea-capture phase


@pytest.fixture(scope="module")
def event(shared_server):
    """The module's server and its facilitator, with idea capture open."""
    facilitator = Client(shared_server.url, shared_server.facilitator)
    assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
    yield shared_server, facilitator
    facilitator.close()
