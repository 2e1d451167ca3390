"""Alembic's entry point, run by `facilitation.store.schema` on the connection it hands over."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
