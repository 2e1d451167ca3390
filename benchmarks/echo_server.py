"""The bare baseline for `make bench`: a Socket.IO server that acks every event at once, on one of the runtimes
the app can run on (eventlet, gevent, threading): the same stack without the application, i.e. what the
machine, the network stack, the runtime and the crowd cost by themselves.

    python benchmarks/echo_server.py <port> [gevent|threading|eventlet]

(eventlet, the app's runtime before gevent, only once installed: pip install eventlet.)
"""

import sys

RUNTIME = sys.argv[2] if len(sys.argv) > 2 else "gevent"
if RUNTIME == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif RUNTIME == "gevent":
    from gevent import monkey

    monkey.patch_all()

import socketio  # noqa: E402

server = socketio.Server(async_mode=RUNTIME, ping_interval=10, ping_timeout=20)


@server.on("*")
def echo(event, sid, data=None):
    return {"ok": True}


if __name__ == "__main__":
    port, app = int(sys.argv[1]), socketio.WSGIApp(server)
    if RUNTIME == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(eventlet.listen(("127.0.0.1", port), backlog=2048), app, log_output=False, max_size=8000)
    elif RUNTIME == "gevent":
        from gevent.pywsgi import WSGIServer

        WSGIServer(("127.0.0.1", port), app, log=None, backlog=2048).serve_forever()
    else:
        from werkzeug.serving import run_simple

        run_simple("127.0.0.1", port, app, threaded=True)
