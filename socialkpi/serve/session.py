"""One client connection = one session = its own hardened DuckDB database over the published file.

Own database per session: a session's scratch tables in memory are its own (like PostgreSQL
temporary tables) and no session can see or disturb another's. Before each statement outside a
transaction the session checks whether a publish has replaced the file (inode, size, mtime) and
reopens it, so a BI tool that keeps its connections sees each night's data on its next query.
"""

from __future__ import annotations

import os
from pathlib import Path

from buenavista.backends.duckdb import DuckDBQueryResult
from buenavista.core import Connection, QueryResult, Session

from socialkpi.access import open_hardened

# Statements a PostgreSQL client sends that mean nothing on a read-only, locked copy. They get
# their usual answer without reaching DuckDB (whose configuration is locked, so SET would fail).
CONTROL = {
    "begin": ("BEGIN", True),
    "start": ("START TRANSACTION", True),
    "commit": ("COMMIT", False),
    "end": ("COMMIT", False),
    "rollback": ("ROLLBACK", False),
    "abort": ("ROLLBACK", False),
    "set": ("SET", None),
    "reset": ("RESET", None),
    "discard": ("DISCARD ALL", None),
}


# SHOW of the settings PostgreSQL clients ask about; anything else goes to DuckDB (SHOW TABLES).
PARAMETERS = {
    "server_version": "14.0 (socialkpi serve, DuckDB)",
    "server_encoding": "UTF8",
    "client_encoding": "UTF8",
    "datestyle": "ISO, MDY",
    "timezone": "UTC",
    "integer_datetimes": "on",
    "standard_conforming_strings": "on",
    "transaction isolation level": "read committed",
    "search_path": "marts",
}


def first_keyword(sql: str) -> str:
    """The statement's first word, lower case, after leading comments and blanks."""
    text = sql.lstrip()
    while text.startswith(("--", "/*")):
        end = text.find("\n") if text.startswith("--") else text.find("*/") + 1
        text = text[end + 1 :].lstrip() if end > 0 else ""
    word = text.split(None, 1)[0] if text else ""
    return word.rstrip(";").lower()


class PublishedSession(Session):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.in_txn = False
        self._con = None
        self._identity: tuple[int, int, int] | None = None
        self._reopen_if_republished()

    def cursor(self):
        return self._con

    def close(self) -> None:
        self._con.close()

    def in_transaction(self) -> bool:
        return self.in_txn

    def execute_sql(self, sql: str, params=None) -> QueryResult:
        keyword = first_keyword(sql)
        if keyword in CONTROL:
            status, in_transaction = CONTROL[keyword]
            self.in_txn = self.in_txn if in_transaction is None else in_transaction
            return DuckDBQueryResult(status=status)
        if not keyword:
            return DuckDBQueryResult(status="")
        setting = sql.strip().rstrip(";").split(None, 1)[-1].lower() if keyword == "show" else None
        if setting in PARAMETERS:
            sql, params = "select ? as " + setting.split()[-1], [PARAMETERS[setting]]
        if not self.in_txn:
            self._reopen_if_republished()
        self._con.execute(sql, params or None)
        if self._con.description is None:
            return DuckDBQueryResult(status=keyword.upper())
        return DuckDBQueryResult(self._con.fetch_record_batch())

    def _reopen_if_republished(self) -> None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            if self._con is not None:
                return  # a rollback or publish is mid-rename: keep reading what is open
            raise
        identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if identity == self._identity:
            return
        previous, self._con, self._identity = self._con, open_hardened(self.path), identity
        if previous is not None:
            previous.close()


class PublishedConnection(Connection):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def new_session(self) -> Session:
        return PublishedSession(self.path)

    def parameters(self) -> dict[str, str]:
        """Sent to every client at startup, as PostgreSQL does (names as PostgreSQL spells them)."""
        spelled = {"datestyle": "DateStyle", "timezone": "TimeZone"}
        return {spelled.get(name, name): value for name, value in PARAMETERS.items() if " " not in name}
