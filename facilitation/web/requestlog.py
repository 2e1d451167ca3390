"""One log line per HTTP request, with capability tokens cut short so that the log never holds a secret."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("facilitation.requests")


def redacted_path() -> str:
    """The request path with any `<token>` of its route shortened to its first four characters."""
    path = request.path
    token = (request.view_args or {}).get("token")
    if isinstance(token, str) and token:
        path = path.replace(token, token[:4] + "…")
    return path


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        if log.isEnabledFor(logging.INFO):
            took = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
            log.info(
                "%s %s %s %s %.1f ms", request.remote_addr, request.method, redacted_path(), response.status_code, took
            )
        return response
