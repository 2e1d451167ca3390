"""Rate limits: token buckets by key (a device, an address, a join code), kept in this server's memory; and
which addresses are one phone each (`Phones`).

A bucket holds up to `burst` tokens and gains `per_second` tokens a second; each try spends one. A person
tapping never empties it; a script does, and is refused with a message until tokens come back.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import threading
import time


class RateLimit:
    MAX_KEYS = 50_000  # past this, buckets that have refilled completely are forgotten (they hold no debt)

    def __init__(self, burst: float | None = None, per_second: float | None = None):
        """Default sizes for every key; without them, each `allow` call gives its key's size."""
        self.burst = burst
        self.per_second = per_second
        self._buckets: dict[object, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def allow(
        self,
        key: object,
        burst: float | None = None,
        per_second: float | None = None,
        now: float | None = None,
        cost: float = 1,
    ) -> bool:
        """Spend `cost` tokens (one try; or a message's bytes) of `key`'s bucket if it has them. `burst` and
        `per_second` override the defaults for keys whose size depends on them (a table's join code fills at the
        table's capacity)."""
        full = self.burst if burst is None else burst
        rate = self.per_second if per_second is None else per_second
        at_now = time.monotonic() if now is None else now
        if full is None or rate is None:
            raise ValueError("a bucket needs a size and a rate: give them here or to the RateLimit")
        with self._lock:
            tokens, at = self._buckets.get(key, (full, at_now))
            tokens = min(full, tokens + (at_now - at) * rate)
            if tokens < cost:
                self._buckets[key] = (tokens, at_now)
                return False
            self._buckets[key] = (tokens - cost, at_now)
            if len(self._buckets) > self.MAX_KEYS:
                self._forget_full(at_now)
            return True

    def _forget_full(self, now: float) -> None:
        """Forget buckets that have been idle long enough to refill (for keys sized per call: a minute)."""
        if self.burst is None or self.per_second is None:
            self._buckets = {k: (t, at) for k, (t, at) in self._buckets.items() if now - at < 60}
            return
        rate = self.per_second
        self._buckets = {k: (t, at) for k, (t, at) in self._buckets.items() if t + (now - at) * rate < self.burst}


class Phones:
    """Which addresses are one phone each, and a keyed digest naming that phone.

    On the venue's own network (the `networks`: private ranges by default) every phone reaching this laptop has
    an address of its own, so one address taking seat after seat is one device minting voters. A tunnel on this
    laptop (its connections come from loopback) or the routers in front of a hosted server make many people one
    address: those, outside the networks, are never taken for a phone. The digest is keyed by a secret kept in
    the event's database, so the addresses themselves are never stored and the count of a phone's seats survives
    a restart."""

    def __init__(self, networks: str, key: str, seats: int):
        self.networks = [ipaddress.ip_network(n.strip(), strict=False) for n in networks.split(",") if n.strip()]
        self.key = key.encode()
        self.seats = seats  # seats one phone may hold; 0: no limit

    def of(self, address: str | None) -> str | None:
        """The phone behind `address`, or None when the address may be many people's (or the limit is off)."""
        if not self.seats or not address:
            return None
        try:
            ip = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            return None
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not any(ip.version == n.version and ip in n for n in self.networks):
            return None
        return hmac.new(self.key, ip.packed, hashlib.sha256).hexdigest()[:20]
