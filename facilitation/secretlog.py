"""No secret or seat code in any log line, whoever writes it (our loggers, gevent's server, python-socketio,
SQLAlchemy): a filter on the log's handlers cuts every capability token short before the line is written.

Tokens are URL-safe random strings of 16 characters or more (`secrets.token_urlsafe`); they travel in paths
(/console/<token>/...), in `token=` query strings and JSON fields, in a `Bearer` header and in the device cookie.
A path segment of that shape is cut to its first four characters, as the request log already did for the routes
it knows: a 404 for /console/<token>/x or a malformed request line is written by code that knows no routes."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timezone

_TOKEN = r"[A-Za-z0-9_-]{16,}"
_SECRET = re.compile(
    rf"(?P<lead>/|token[\"']?\s*[=:]\s*[\"']?|Bearer\s+|facilitation_device=)(?P<token>{_TOKEN})(?![A-Za-z0-9_-])"
)


# A join code in a path (/j/<code>, /qr/<code>.svg): a seat code is one person's way in, as a token is
_CODE = re.compile(r"(?P<lead>/(?:j|qr)/)(?P<code>[A-Za-z0-9-]{4,})")


def redact(text: str) -> str:
    text = _SECRET.sub(lambda m: f"{m.group('lead')}{m.group('token')[:4]}…", text)
    return _CODE.sub(lambda m: f"{m.group('lead')}{m.group('code')[:2]}…", text)


class Redacting(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:  # a traceback can quote a path or a payload too
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line (`--log-format json`), for a hosted server's log collector."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def install(json_lines: bool = False) -> None:
    """On every handler of the root logger (set up by logging.basicConfig); with `json_lines`, each line is a
    JSON object."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, Redacting) for f in handler.filters):
            handler.addFilter(Redacting())
        if json_lines:
            handler.setFormatter(JsonLines())
