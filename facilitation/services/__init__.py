"""The service layer: commands that load, ask the domain, and commit; read models that only read."""
