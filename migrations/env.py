"""Alembic environment: runs on the connection that content.db.upgrade hands over."""

from alembic import context

from content.db import Base
import content.models  # noqa: F401  (registers tables for autogenerate)
import channels.models  # noqa: F401
import schedules.models  # noqa: F401
import content.qa.models  # noqa: F401
import content.audit  # noqa: F401
import content.users  # noqa: F401

config = context.config
target_metadata = Base.metadata


def _render_item(type_, obj, autogen_context):  # noqa: ANN001
    """Migrations stay frozen: render our UTCDateTime as a plain timezone-aware DateTime."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from content.db import make_engine

        url = config.get_main_option("sqlalchemy.url")
        with make_engine(url).begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=True, compare_type=True,
                              render_item=_render_item)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True,
                              render_item=_render_item)
    with context.begin_transaction():
        context.run_migrations()


run()
