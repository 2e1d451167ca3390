"""Alembic migrations of the event database: one file per schema change, applied on start."""
