"""facilitation: a live server for participatory events (table idea capture, dot voting, projector)."""
