"""Security headers on every response: no framing, no inline script, no Referer carrying a capability token."""

from __future__ import annotations

import secrets

from flask import Flask, request

# Inline <style> stays allowed for the printable cards, which must work as a single saved file; scripts never.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",  # page URLs hold tokens: never send them to another page or site
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers older than frame-ancestors
}


# Several processes on one event behind a proxy (deploy/nginx.conf hashes on it): the pages, the socket's long
# polling and its websocket of one browser all reach one process, as Socket.IO needs; a new browser may go anywhere.
ROUTE_COOKIE = "facilitation_route"


def init_app(app: Flask) -> None:
    routed = bool(app.config.get("REDIS_URL"))

    @app.after_request
    def _secure(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if routed and ROUTE_COOKIE not in request.cookies:
            value = secrets.token_urlsafe(12)  # random: it says nothing of the person, only which process
            response.set_cookie(ROUTE_COOKIE, value, httponly=True, samesite="Lax", secure=request.is_secure)
        return response
