"""Persistence: SQLModel tables, the engine (SQLite in WAL mode by default) and event bootstrapping."""
