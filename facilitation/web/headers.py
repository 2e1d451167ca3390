"""Security headers on every response: no framing, no inline script, no Referer carrying a capability token."""

from __future__ import annotations

from flask import Flask

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


def init_app(app: Flask) -> None:
    @app.after_request
    def _secure(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
