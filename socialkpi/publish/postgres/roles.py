"""`socialkpi postgres-setup`: the two roles the PostgreSQL publish needs, created by an
administrator once.

- `socialkpi_writer` (the pipeline, SOCIALKPI_POSTGRES_URL): may create schemas in the database,
  owns the marts schemas it loads and swaps, and grants readers access to each new one.
- `socialkpi_reader` (BI tools): may connect and read `marts`; it cannot create anything (no
  CREATE on the database or any schema, no temporary tables), its sessions are read-only, and a
  statement running longer than the timeout is cancelled so one dashboard cannot hold the server.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from socialkpi.publish.postgres.load import READER_ROLE

WRITER_ROLE = "socialkpi_writer"
WRITER_PASSWORD_ENV = "SOCIALKPI_POSTGRES_WRITER_PASSWORD"
READER_PASSWORD_ENV = "SOCIALKPI_POSTGRES_READER_PASSWORD"


def setup_roles(admin_url: str, writer_password: str, reader_password: str, reader_timeout: str) -> str:
    """Create or update both roles in the admin URL's database; the database's name."""
    with psycopg.connect(admin_url, autocommit=True) as con, con.transaction():
        (database,) = con.execute("select current_database()").fetchone()
        db = sql.Identifier(database)
        writer, reader = sql.Identifier(WRITER_ROLE), sql.Identifier(READER_ROLE)
        for role, password in ((writer, writer_password), (reader, reader_password)):
            verb = "alter" if _role_exists(con, role) else "create"
            con.execute(sql.SQL(verb + " role {} login password {}").format(role, sql.Literal(password)))
        # PUBLIC may create temporary tables in every database by default; readers may not.
        con.execute(sql.SQL("revoke create, temporary on database {} from public").format(db))
        con.execute(sql.SQL("revoke create on schema public from public"))
        con.execute(sql.SQL("grant connect on database {} to {}, {}").format(db, writer, reader))
        con.execute(sql.SQL("grant create, temporary on database {} to {}").format(db, writer))
        con.execute(
            sql.SQL("alter role {} in database {} set default_transaction_read_only = on").format(reader, db)
        )
        con.execute(
            sql.SQL("alter role {} in database {} set statement_timeout = {}").format(
                reader, db, sql.Literal(reader_timeout)
            )
        )
        # Marts published before the reader role existed.
        if con.execute("select 1 from pg_namespace where nspname = 'marts'").fetchone():
            con.execute(sql.SQL("grant usage on schema marts to {}").format(reader))
            con.execute(sql.SQL("grant select on all tables in schema marts to {}").format(reader))
    return database


def _role_exists(con: psycopg.Connection, role: sql.Identifier) -> bool:
    name = role.as_string(con).strip('"')
    return con.execute("select 1 from pg_roles where rolname = %s", [name]).fetchone() is not None
