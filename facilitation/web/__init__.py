"""HTTP: the server-rendered screens, the JSON API, exports and printable cards."""
