"""`socialkpi`: the command line (docs/design.md §4, contract).

Exit codes: 0 success; 1 a step failed (one line says why, nothing was published); 2 the refresh
or load completed but some files were quarantined or unrecognised (the others loaded; `socialkpi
files --status quarantined` says what to do), or a platform's comments could not be loaded (the
line says why; the rest was built and published).
"""

from __future__ import annotations

import functools
import getpass
import os
import sys
import time
from pathlib import Path

import click
import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.comments.api import CommentsApiError
from pipelines.comments.load import CommentsReport
from pipelines.comments.privacy import PseudonymKeyMissing
from pipelines.comments.replay_server import DemoCommentsMissing
from pipelines.errors import STATUSES
from pipelines.exports import ExportsFolderMissing, printable
from pipelines.ledger import ledger_listing
from pipelines.load import LoadReport
from pipelines.reconcile import ReconciliationFailed
from pipelines.settings import Settings, load_settings
from pipelines.warehouse import open_warehouse
from pipelines.writer_lock import WarehouseBusy, writing
from socialkpi import comments, steps
from socialkpi.build.dbt_runner import BuildFailed
from socialkpi.failure_line import failure_line, quiet_dlt_logs, raise_on_signals
from socialkpi.publish.marts import PublishFailed, PublishResult, rollback
from socialkpi.publish.postgres import PostgresPublishFailed
from socialkpi.serve.access import open_published

# soft_wrap: long paths and reasons stay on one line in logs and pipes (no wrapping at 80 columns).
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_FAILED, EXIT_FILES_REFUSED = 1, 2  # 2: the run completed, some input was not loaded
_KNOWN_FAILURES = (
    steps.NoWarehouse,
    BuildFailed,
    WarehouseBusy,
    steps.UnloadRefused,
    PublishFailed,
    PostgresPublishFailed,
    ExportsFolderMissing,
    ReconciliationFailed,
    duckdb.IOException,
    PseudonymKeyMissing,
    CommentsApiError,
    DemoCommentsMissing,
)


def _settings_options(command):
    command = click.option(
        "--warehouse",
        envvar="SOCIALKPI_WAREHOUSE",
        type=click.Path(dir_okay=False),
        help="Warehouse file [env SOCIALKPI_WAREHOUSE; default ./warehouse/socialkpi.duckdb].",
    )(command)
    return click.option(
        "--exports",
        envvar="SOCIALKPI_EXPORTS",
        help="Exports folder or fsspec URL [env SOCIALKPI_EXPORTS; default ./exports].",
    )(command)


def _one_line_errors(command):
    """Failures reach the user as one line and an exit code, never as a traceback
    (set SOCIALKPI_DEBUG=1 to see it)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        # SIGTERM unwinds like Ctrl-C (locks released, half-built copies removed), and dlt's retry
        # tracebacks stay off stderr: the failure's one line says it (failure_line.py).
        raise_on_signals()
        quiet_dlt_logs()
        try:
            return command(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except (Exception, KeyboardInterrupt) as error:
            if os.environ.get("SOCIALKPI_DEBUG"):
                raise
            shown = failure_line(error, _KNOWN_FAILURES)
            err.print(f"[red]error:[/red] {escape(printable(shown))}")
            raise SystemExit(EXIT_FAILED) from None

    return wrapper


def _needs_warehouse(command):
    """A command that reads or changes what a load made refuses in one line, before it takes the
    writer lock (which would create the folder), when there is no warehouse at the path: a
    mistyped --warehouse must not leave an empty warehouse behind, nor look like an empty one."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        steps.require_warehouse(load_settings(kwargs.get("exports"), kwargs.get("warehouse")))
        return command(*args, **kwargs)

    return wrapper


def _needs_exports(command):
    """A command that loads checks the exports folder before it takes the writer lock: a mistyped
    --exports is refused in one line and creates nothing (no warehouse folder, no lock file)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        steps.require_exports(load_settings(kwargs.get("exports"), kwargs.get("warehouse")))
        return command(*args, **kwargs)

    return wrapper


def _one_writer(command):
    """A command that writes the warehouse holds its writer lock for the whole run (a second
    writer exits 1 naming the holder: pipelines/writer_lock.py). Commands that only read do not."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        warehouse = load_settings(kwargs.get("exports"), kwargs.get("warehouse")).warehouse
        with writing(warehouse, click.get_current_context().command_path):
            return command(*args, **kwargs)

    return wrapper


class _Progress:
    """Progress of long steps on stderr: a live line on a terminal; in logs (cron, CI) a line per
    step and the counts of files read and dbt nodes done, which the steps say at most every few
    seconds and once at the end (pipelines/progress.py)."""

    def __init__(self) -> None:
        self._status = err.status("starting") if err.is_terminal else None

    def __enter__(self) -> _Progress:
        if self._status:
            self._status.start()
        return self

    def __exit__(self, *_exc) -> None:
        if self._status:
            self._status.stop()

    def __call__(self, message: str) -> None:
        if self._status:
            self._status.update(message)
        else:
            err.print(f"… {escape(message)}")


@click.group()
def main() -> None:
    """socialkpi: social-media export files -> DuckDB KPI marts -> a published read-only copy."""


def _comments_from_option(command):
    return click.option(
        "--comments-from",
        envvar="SOCIALKPI_COMMENTS_FROM",
        type=click.Path(file_okay=False),
        help="Serve the demo comments in this folder (written by `socialkpi demo`) instead of the "
        "platform APIs [env SOCIALKPI_COMMENTS_FROM].",
    )(command)


@main.command()
@_settings_options
@_comments_from_option
@_one_line_errors
@_needs_exports
@_one_writer
def refresh(exports: str | None, warehouse: str | None, comments_from: str | None) -> None:
    """Load new exports and comments, build and test all models, publish the marts (the nightly job)."""
    settings = load_settings(exports, warehouse, comments_from)
    started = time.monotonic()
    with _Progress() as progress:
        report, comments_report, published = steps.refresh(settings, progress)
    _print_load_summary(report)
    _print_comments_summary(comments_report)
    _print_publish_summary(published, settings)
    out.print(f"refresh finished in {time.monotonic() - started:.1f} s")
    _exit_if_refused(report, comments_report)


@main.command(name="comments")
@_settings_options
@_comments_from_option
@_one_line_errors
@_one_writer
def load_comments(exports: str | None, warehouse: str | None, comments_from: str | None) -> None:
    """Load new comments from the platform APIs (pseudonymised and redacted before they are written)."""
    with _Progress() as progress:
        report = steps.load_comments(load_settings(exports, warehouse, comments_from), progress)
    _print_comments_summary(report)
    if report.failed:
        sys.exit(EXIT_FAILED)


@main.command()
@_settings_options
@click.option("--author", required=True, help="The author's platform id (YouTube channel id, Meta user id).")
@_one_line_errors
@_needs_warehouse
@_one_writer
def forget(exports: str | None, warehouse: str | None, author: str) -> None:
    """Erase one person's comments everywhere (warehouse, published copy, its rollback copy) and
    keep them out of later loads."""
    settings = load_settings(exports, warehouse)
    with _Progress() as progress:
        result = comments.forget(settings, author, progress)
    total = sum(result.rows_by_table.values())
    out.print(f"forgot author {author}: {total} rows deleted", markup=False)
    for table, rows in sorted(result.rows_by_table.items()):
        out.print(f"  {table}: -{rows} rows", markup=False)
    if result.published:
        out.print(f"republished {result.published.path} without them", markup=False)
    out.print("later loads leave this author's comments out", markup=False)


@main.command()
@_settings_options
@_one_line_errors
@_needs_exports
@_one_writer
def load(exports: str | None, warehouse: str | None) -> None:
    """Load new and changed export files into the raw schemas and the file ledger."""
    with _Progress() as progress:
        report = steps.load(load_settings(exports, warehouse), progress)
    _print_load_summary(report)
    _exit_if_refused(report)


@main.command()
@_settings_options
@_one_line_errors
@_needs_warehouse
@_one_writer
def build(exports: str | None, warehouse: str | None) -> None:
    """Build staging models and marts with dbt, running every test and contract."""
    with _Progress() as progress:
        quarantined = steps.build(load_settings(exports, warehouse), progress).quarantined
    out.print("build passed: models built, all tests and contracts passed")
    for held in quarantined:
        shown = f"{escape(printable(held.relative_path))}: {escape(printable(held.reason))}"
        out.print(f"  [yellow]quarantined[/yellow] {shown}")
    if quarantined:
        err.print(
            f"[yellow]{len(quarantined)} file(s) failed a blocking check and were taken out; "
            "the rest was built.[/yellow] See `socialkpi files --status quarantined`."
        )
        sys.exit(EXIT_FILES_REFUSED)


@main.command()
@_settings_options
@click.option("--rollback", "roll_back", is_flag=True, help="Restore the previous published copy.")
@click.option(
    "--postgres",
    "postgres_url",
    envvar="SOCIALKPI_POSTGRES_URL",
    metavar="URL",
    help="Also publish the marts to this PostgreSQL database (postgresql://socialkpi_writer@host/db) "
    "[env SOCIALKPI_POSTGRES_URL].",
)
@_one_line_errors
@_needs_warehouse
@_one_writer
def publish(exports: str | None, warehouse: str | None, roll_back: bool, postgres_url: str | None) -> None:
    """Copy the marts into the published read-only file, and PostgreSQL when configured (or roll
    both back to the previous copy)."""
    settings = load_settings(exports, warehouse)
    if roll_back:
        restored = rollback(settings, postgres_url)
        out.print(f"restored the previous published copy at {restored}", markup=False)
        if postgres_url:
            out.print("restored the previous marts in PostgreSQL (schema marts)", markup=False)
        return
    _print_publish_summary(steps.publish(settings, postgres_url), settings)


@main.command(hidden=True)
@_settings_options
@_one_line_errors
def parse(exports: str | None, warehouse: str | None) -> None:
    """Write dbt's manifest (what Dagster reads its dbt assets from)."""
    steps.parse(load_settings(exports, warehouse))


@main.command()
@_settings_options
@click.option("--status", type=click.Choice(STATUSES), help="Only files with this status.")
@click.option(
    "--unload",
    "unload_path",
    metavar="PATH",
    help="Take this loaded file (its path as listed here) out of the warehouse: its rows leave "
    "raw, the same bytes are not loaded again, the next refresh rebuilds without it.",
)
@_one_line_errors
@_needs_warehouse
def files(exports: str | None, warehouse: str | None, status: str | None, unload_path: str | None) -> None:
    """The file ledger: every export file seen, what became of it, and why."""
    settings = load_settings(exports, warehouse)
    if unload_path:
        with writing(settings.warehouse, "socialkpi files --unload"):
            unloaded = list(steps.unload(settings, unload_path, getpass.getuser()))
        for held in unloaded:
            out.print(f"unloaded {held.relative_path}: {held.rows} raw rows removed", markup=False)
        out.print("the next `socialkpi refresh` rebuilds and publishes the marts without it", markup=False)
        return
    with open_warehouse(settings.warehouse, read_only=True) as con:
        rows = ledger_listing(con, status)
    columns = ("file", "status", "channel", "account", "snapshot", "rows", "reason")
    cells = [["" if v is None else printable(str(v)) for v in row] for row in rows]
    if not out.is_terminal:  # piped or logged: one tab-separated line per file, for scripts
        for line in [columns, *cells]:
            click.echo("\t".join(line))  # rich would expand the tabs into spaces
        return
    table = Table(*columns)
    for line in cells:
        table.add_row(*(escape(cell) for cell in line))  # a name like "[x]" is text, not markup
    out.print(table)


@main.command()
@_settings_options
@click.argument("query", required=False)
@click.option(
    "--file", "-f", "query_file", type=click.File(encoding="utf-8"), help="Run the SQL in this file."
)
@_one_line_errors
def sql(exports: str | None, warehouse: str | None, query: str | None, query_file) -> None:
    """Run QUERY (or --file) on the published marts (read-only), or open an interactive shell."""
    query = query_file.read() if query_file else query
    with open_published(load_settings(exports, warehouse)) as con:
        if query:
            _show(con, query)
            return
        out.print(
            "socialkpi sql: read-only marts (schema `marts`); end statements with ';', .quit or Ctrl-D quits"
        )
        _shell(con)


@main.command()
@_settings_options
@click.option(
    "--output", type=click.Path(dir_okay=False), help="Where to write the page [default: published/report/]."
)
@click.option(
    "--month", type=click.DateTime(["%Y-%m"]), help="Report this month (YYYY-MM) for every account."
)
@_one_line_errors
def report(exports: str | None, warehouse: str | None, output: str | None, month) -> None:
    """Write the HTML report (one self-contained file) from the published marts."""
    from socialkpi.serve.report import build_report

    written = build_report(load_settings(exports, warehouse), output, month.date() if month else None)
    out.print(f"wrote the report to {written}", markup=False)


@main.command(name="postgres-setup")
@click.option(
    "--admin-url",
    required=True,
    envvar="SOCIALKPI_POSTGRES_ADMIN_URL",
    metavar="URL",
    help="A role that may create roles, on the database the marts go to [env SOCIALKPI_POSTGRES_ADMIN_URL].",
)
@click.option(
    "--reader-timeout",
    default="5min",
    show_default=True,
    help="Longest statement a BI tool may run as socialkpi_reader.",
)
@_one_line_errors
def postgres_setup(admin_url: str, reader_timeout: str) -> None:
    """Create the PostgreSQL roles: socialkpi_writer (the publish) and socialkpi_reader (BI tools,
    read-only, `marts` only). Passwords: env SOCIALKPI_POSTGRES_WRITER_PASSWORD and
    SOCIALKPI_POSTGRES_READER_PASSWORD."""
    from socialkpi.publish.postgres import roles

    passwords = [os.environ.get(roles.WRITER_PASSWORD_ENV), os.environ.get(roles.READER_PASSWORD_ENV)]
    if not all(passwords):
        raise PublishFailed(
            f"set {roles.WRITER_PASSWORD_ENV} and {roles.READER_PASSWORD_ENV}: "
            "the roles get no default password"
        )
    database = roles.setup_roles(admin_url, *passwords, reader_timeout)
    out.print(
        f"roles ready in database {database}: publish with SOCIALKPI_POSTGRES_URL="
        f"postgresql://{roles.WRITER_ROLE}:<password>@<host>/{database}; BI tools connect as "
        f"{roles.READER_ROLE}",
        markup=False,
    )


def _show(con: duckdb.DuckDBPyConnection, query: str) -> None:
    relation = con.sql(query)
    if relation is not None:
        relation.show(max_width=200, max_rows=200)


# What people type to leave a SQL shell: DuckDB's and SQLite's dot commands, psql's \q.
_QUIT_WORDS = (".quit", ".exit", "quit", "exit", "\\q")


def _shell(con: duckdb.DuckDBPyConnection) -> None:
    buffer = ""
    while True:
        try:
            line = input("marts> " if not buffer else "   ...> ")
        except EOFError:
            return
        if not buffer and line.strip().lower() in _QUIT_WORDS:
            return
        buffer += line + "\n"
        if buffer.strip().endswith(";"):
            try:
                _show(con, buffer)
            except duckdb.Error as error:
                err.print(f"[red]{escape(str(error))}[/red]")
            buffer = ""


@main.command()
@click.option(
    "--exports",
    envvar="SOCIALKPI_EXPORTS",
    default="./exports",
    show_default=True,
    help="Folder to write the demo exports into.",
)
@click.option(
    "--scale",
    type=click.Choice(["small", "cern", "agency"]),
    default="small",
    show_default=True,
    help="small: months of each platform; cern: six accounts, ten years of weekly downloads; "
    "agency: 100 such teams over three years (tens of thousands of files).",
)
@click.option(
    "--comments",
    "comments_dir",
    type=click.Path(file_okay=False),
    help="Folder for the demo comments (API answers for `refresh --comments-from`) "
    "[default: comments/ beside the exports folder].",
)
@_one_line_errors
def demo(exports: str, scale: str, comments_dir: str | None) -> None:
    """Write deterministic demo exports of a CERN-like team in the platforms' exact formats, and
    demo comments in the platforms' API shapes."""
    from socialkpi.demo import write_demo_exports
    from socialkpi.demo.comments import write_demo_comments

    written = write_demo_exports(Path(exports), scale)
    out.print(f"wrote {len(written)} demo export files under {exports}", markup=False)
    comments_path = write_demo_comments(Path(comments_dir or Path(exports).resolve().parent / "comments"))
    out.print(f"wrote demo comments to {comments_path}", markup=False)


def _print_load_summary(report: LoadReport) -> None:
    if report.recovery:
        out.print(f"[yellow]{escape(report.recovery.describe())}[/yellow]")
    out.print(
        f"files: {len(report.loaded_now)} loaded, {report.count('duplicate')} "
        f"duplicate, {report.unchanged} unchanged, {report.count('quarantined')} quarantined, "
        f"{report.count('unrecognised')} unrecognised"
    )
    for table, rows in sorted(report.rows_by_table.items()):
        out.print(f"  {table}: +{rows} rows")
    for entry in report.refused:
        out.print(
            f"  [yellow]{entry.status}[/yellow] {escape(printable(entry.relative_path))}: "
            f"{escape(printable(entry.reason or ''))}"
        )


def _print_comments_summary(report: CommentsReport) -> None:
    for channel, rows in report.rows_by_channel.items():
        out.print(f"comments: {channel} +{rows} rows")
    _print_skipped_comments(report)
    for failed in report.failed:
        err.print(f"[yellow]comments: {failed.channel} not loaded:[/yellow] {escape(failed.reason)}")


_NO_CREDENTIALS = "no credentials"


def _print_skipped_comments(report: CommentsReport) -> None:
    """Platforms without credentials, in one line (on every run of a team that reads no comments,
    three lines saying the same thing would be noise); any other reason, one line each."""
    uncredentialed = [s for s in report.skipped if s.reason.startswith(_NO_CREDENTIALS)]
    if uncredentialed:
        settings = "; ".join(s.reason.removeprefix(_NO_CREDENTIALS).strip(" ()") for s in uncredentialed)
        channels = ", ".join(s.channel for s in uncredentialed)
        out.print(f"comments: {channels} skipped, no credentials ({settings})", markup=False)
    for skipped in report.skipped:
        if skipped not in uncredentialed:
            out.print(f"comments: {skipped.channel} skipped, {skipped.reason}", markup=False)


def _print_publish_summary(published: PublishResult | None, settings: Settings) -> None:
    if published is None:  # nothing was copied: the row counts of a publish would claim one
        out.print(f"publish skipped: {settings.published_marts} already holds these marts", markup=False)
        return
    out.print(f"published {published.path} ({published.size_bytes / 1e6:.1f} MB)", markup=False)
    for mart, rows in published.rows_by_mart.items():
        out.print(f"  marts.{mart}: {rows} rows")
    if published.postgres:
        out.print(f"PostgreSQL schema marts: {published.postgres}", markup=False)


def _exit_if_refused(report: LoadReport, comments_report: CommentsReport | None = None) -> None:
    """Exit 2 when this run found a new problem file, or a platform's comments could not be
    loaded (the rest was built and published); a file refused before for the same reason is
    listed again but does not fail every night until someone removes it."""
    if comments_report and comments_report.failed and not report.newly_refused:
        sys.exit(EXIT_FILES_REFUSED)
    if report.newly_refused:
        err.print(
            f"[yellow]{len(report.newly_refused)} new file(s) could not be loaded; the others "
            "were.[/yellow] See `socialkpi files --status quarantined` and `--status unrecognised`."
        )
        sys.exit(EXIT_FILES_REFUSED)


if __name__ == "__main__":
    main()
