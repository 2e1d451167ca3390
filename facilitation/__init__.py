"""facilitation: a live server for participatory events (table idea capture, dot voting, projector)."""

__version__ = "0.7.0"
