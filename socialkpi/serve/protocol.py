"""buenavista's PostgreSQL wire protocol server, with the fixes `socialkpi serve` needs.

Found while evaluating buenavista 0.5.0 with psql 15 and psycopg 3.3 (see the README): it parses
every text parameter of unknown type as a date ("Unknown string format: twitter" for
`where channel = %s`), has no decoder for binary date and timestamp parameters, reads a NULL
parameter as the rest of the message, and drops the connection when a parameter cannot be read.
Bind is re-implemented here; password checking too, to name the failure the way PostgreSQL does.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from buenavista.postgres import BuenaVistaHandler, BuenaVistaServer, BVBuffer

from socialkpi.serve.session import PublishedConnection

PG_EPOCH = datetime(2000, 1, 1)
NULL_LENGTH = -1


def _truthy(text: str) -> bool:
    return text.lower() in ("t", "true", "1", "on", "yes", "y")


def _binary_number(fmt: str):
    return lambda raw: struct.unpack(fmt, raw)[0]


def _binary_timestamp(raw: bytes, tz=None) -> datetime:
    moment = PG_EPOCH + timedelta(microseconds=struct.unpack("!q", raw)[0])
    return moment.replace(tzinfo=tz) if tz else moment


# Parameter decoders by PostgreSQL type oid (pg_type.h). Text parameters of a type not listed,
# and of oid 0 ("unknown", what psycopg sends for str), stay text: DuckDB casts them where used.
TEXT_PARAMETERS = {
    16: _truthy,
    20: int,
    21: int,
    23: int,
    700: float,
    701: float,
    1700: Decimal,
    1082: date.fromisoformat,
    1114: datetime.fromisoformat,
    1184: datetime.fromisoformat,
}
BINARY_PARAMETERS = {
    16: lambda raw: raw != b"\x00",
    17: bytes,
    20: _binary_number("!q"),
    21: _binary_number("!h"),
    23: _binary_number("!i"),
    25: lambda raw: raw.decode("utf-8"),
    700: _binary_number("!f"),
    701: _binary_number("!d"),
    1043: lambda raw: raw.decode("utf-8"),
    1082: lambda raw: date(2000, 1, 1) + timedelta(days=struct.unpack("!i", raw)[0]),
    1114: _binary_timestamp,
    1184: lambda raw: _binary_timestamp(raw, UTC),
}


class UnsupportedParameter(Exception):
    pass


def decode_parameter(raw: bytes | None, oid: int, binary: bool):
    """One Bind parameter as the Python value DuckDB should receive."""
    if raw is None:
        return None
    if not binary:
        convert = TEXT_PARAMETERS.get(oid)
        text = raw.decode("utf-8")
        return convert(text) if convert else text
    decode = BINARY_PARAMETERS.get(oid)
    if decode is None:
        raise UnsupportedParameter(
            f"binary parameters of type oid {oid} are not supported; send them as text"
        )
    return decode(raw)


def parse_bind(payload: bytes, statement_oids: dict[str, list[int]]) -> tuple[str, str, list, list[int]]:
    """Bind: portal, statement, parameter formats, values (length -1 is NULL), result formats."""
    portal, statement, rest = payload.split(b"\x00", 2)
    buffer = BVBuffer(BytesIO(rest))
    formats = [buffer.read_int16() for _ in range(buffer.read_int16())]
    count = buffer.read_int16()
    formats = formats * count if len(formats) == 1 else formats or [0] * count
    oids = statement_oids.get(statement.decode("utf-8"), [])
    values = []
    for i in range(count):
        length = buffer.read_int32()
        raw = None if length == NULL_LENGTH else buffer.read_bytes(length)
        values.append(decode_parameter(raw, oids[i] if i < len(oids) else 0, formats[i] == 1))
    result_formats = [buffer.read_int16() for _ in range(buffer.read_int16())]
    return portal.decode("utf-8"), statement.decode("utf-8"), values, result_formats


class ReadOnlyHandler(BuenaVistaHandler):
    def handle_bind(self, ctx, payload: bytes) -> None:
        oids = {name: statement[1] for name, statement in ctx.stmts.items()}
        try:
            portal, statement, values, result_formats = parse_bind(payload, oids)
        except Exception as error:  # the client gets the error and may go on after Sync
            self.send_error(error, ctx)
            return
        ctx.add_portal(portal, statement, values, result_formats)
        self.send_bind_complete()

    def handle_md5_password(self, ctx, payload: bytes) -> None:
        user = ctx.params.get("user", "")
        password = self.server.auth.get(user)
        answer = payload.decode("utf-8").rstrip("\x00")
        if password is not None and hmac.compare_digest(answer, md5_answer(user, password, ctx.salt)):
            self.send_authentication_ok()
            self.handle_post_auth(ctx)
        else:
            self.send_error(f'password authentication failed for user "{user}"')
            self.request.close()


def md5_answer(user: str, password: str, salt: bytes) -> str:
    """PostgreSQL's md5 password answer: md5(md5(password + user) + salt), hex, prefixed md5."""
    inner = hashlib.md5((password + user).encode("utf-8")).hexdigest()
    return "md5" + hashlib.md5(inner.encode("utf-8") + salt).hexdigest()


class ReadOnlyServer(BuenaVistaServer):
    daemon_threads = True  # Ctrl-C stops the server without waiting for idle BI connections

    def __init__(self, address: tuple[str, int], published: Path, auth: dict[str, str]) -> None:
        super().__init__(address, PublishedConnection(published), auth=auth)
        self.RequestHandlerClass = ReadOnlyHandler

    def verify_request(self, request, client_address) -> bool:
        """Who may connect is decided by the address bound (localhost by default) and the password,
        not by buenavista's localhost-only rule that ignores --host."""
        return True
