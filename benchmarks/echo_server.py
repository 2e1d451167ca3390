"""The bare baseline for `make bench`: an eventlet Socket.IO server that acks every event at once.

Same stack as the app (eventlet, python-socketio, one process), no application: what the machine, the
network stack and the crowd cost by themselves. `python benchmarks/echo_server.py <port>`
"""
import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402

server = socketio.Server(async_mode="eventlet", ping_interval=10, ping_timeout=20)


@server.on("*")
def echo(event, sid, data=None):
    return {"ok": True}


if __name__ == "__main__":
    listener = eventlet.listen(("127.0.0.1", int(sys.argv[1])), backlog=2048)
    eventlet.wsgi.server(listener, socketio.WSGIApp(server), log_output=False, max_size=8000)
