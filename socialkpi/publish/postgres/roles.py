"""`socialkpi postgres-setup`: the two roles the PostgreSQL publish needs, created by an
administrator once.

- `socialkpi_writer` (the pipeline, SOCIALKPI_POSTGRES_URL): may create schemas in the database,
  owns the marts schemas it loads and swaps, and grants readers access to each new one.
- `socialkpi_reader` (BI tools): may connect and read `marts`; it cannot create anything (no
  CREATE on the database or any schema, no temporary tables), its sessions are read-only, and a
  statement running longer than the timeout is cancelled so one dashboard cannot hold the server.
"""

from __future__ import annotations

from pg8000.native import Connection, identifier, literal

from socialkpi.publish.postgres.connection import first_row, session, transaction
from socialkpi.publish.postgres.load import READER_ROLE

WRITER_ROLE = "socialkpi_writer"
WRITER_PASSWORD_ENV = "SOCIALKPI_POSTGRES_WRITER_PASSWORD"
READER_PASSWORD_ENV = "SOCIALKPI_POSTGRES_READER_PASSWORD"


def setup_roles(admin_url: str, writer_password: str, reader_password: str, reader_timeout: str) -> str:
    """Create or update both roles in the admin URL's database; the database's name."""
    with session(admin_url, named_by="--admin-url") as con, transaction(con):
        (database,) = con.run("select current_database()")[0]
        db = identifier(database)
        writer, reader = identifier(WRITER_ROLE), identifier(READER_ROLE)
        for name, password in ((WRITER_ROLE, writer_password), (READER_ROLE, reader_password)):
            verb = "alter" if _role_exists(con, name) else "create"
            con.run(f"{verb} role {identifier(name)} login password {literal(password)}")
        # PUBLIC may create temporary tables in every database by default; readers may not.
        con.run(f"revoke create, temporary on database {db} from public")
        con.run("revoke create on schema public from public")
        con.run(f"grant connect on database {db} to {writer}, {reader}")
        con.run(f"grant create, temporary on database {db} to {writer}")
        con.run(f"alter role {reader} in database {db} set default_transaction_read_only = on")
        con.run(f"alter role {reader} in database {db} set statement_timeout = {literal(reader_timeout)}")
        # Marts published before the reader role existed.
        if first_row(con, "select 1 from pg_namespace where nspname = 'marts'"):
            con.run(f"grant usage on schema marts to {reader}")
            con.run(f"grant select on all tables in schema marts to {reader}")
    return database


def _role_exists(con: Connection, name: str) -> bool:
    return first_row(con, "select 1 from pg_roles where rolname = :name", name=name) is not None
