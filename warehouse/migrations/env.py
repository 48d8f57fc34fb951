"""Alembic environment: runs on the connection handed over by warehouse.db.upgrade."""

from alembic import context

from warehouse.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    connection = context.config.attributes["engine"].connect()

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
