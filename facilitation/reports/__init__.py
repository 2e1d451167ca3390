"""What leaves the event: exports of ideas, votes and rankings, and printable table cards."""

from facilitation.domain.exchange import EXPORT_FORMAT

__all__ = ["EXPORT_FORMAT"]
