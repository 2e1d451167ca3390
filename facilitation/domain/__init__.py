"""The event's rules in plain Python: no Flask, no database, fast to test."""
