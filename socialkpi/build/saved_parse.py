"""dbt's saved parse (partial_parse.msgpack), kept valid across warehouse paths and memory limits,
and shared with new warehouses.

dbt throws its saved parse away when any profile value differs, the warehouse path included,
though nothing it parses depends on the path: the manifest names the database (the file's stem,
still checked), never the file. So every new warehouse folder paid a whole parse (~7 s of CPU,
plus importing dbt in the process that ran it), and a moved warehouse paid it again. Nor does
anything parsed depend on DuckDB's memory limit, which socialkpi sets for each build from what
the process holds (pipelines/memory.py), so it would have thrown the parse away on most nights.
Here the path and the memory limit are left out of that one check, and a warehouse without a
parse of its own starts from the project's (`socialkpi parse`, make validate): dbt then checks
every file's hash against it and parses again only what changed, as it does between two nights.

`python -m socialkpi.build.saved_parse <dbt arguments>` is dbt's command line with the check
applied: the parse that runs beside a first refresh (dbt_runner.parsed_meanwhile) writes a parse
the build will accept."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's saved parse, in its target folder
PROJECT_PARSE = DBT_PROJECT_DIR / "target" / PARTIAL_PARSE  # `socialkpi parse` writes it


def keep_parse_across_warehouse_paths() -> None:
    """Compute dbt's profile check as dbt does (every connection value of the profile, sorted),
    less the warehouse path and DuckDB's memory limit. Idempotent; must run in every process that
    writes or reads a parse, or the two disagree and the reader parses everything again (which is
    safe, only slow)."""
    import pprint

    from dbt.artifacts.resources.base import FileHash
    from dbt.parser.manifest import ManifestLoader

    build_state_check = ManifestLoader.build_manifest_state_check
    if getattr(build_state_check, "leaves_out_the_warehouse_path", False):
        return

    def state_check_without_the_path(loader):
        state = build_state_check(loader)
        credentials = loader.root_project.credentials
        keys = sorted(
            _parsed_alike(key, value) for key, value in credentials.connection_info() if key != "path"
        )
        state.profile_hash = FileHash.from_contents(pprint.pformat(keys))
        return state

    state_check_without_the_path.leaves_out_the_warehouse_path = True
    ManifestLoader.build_manifest_state_check = state_check_without_the_path


def _parsed_alike(key: str, value: object) -> tuple[str, object]:
    """A profile value as the check sees it: DuckDB's memory limit left out of its settings, since
    socialkpi sets it for each build from what the process holds (pipelines/memory.py) and
    nothing dbt parses depends on it."""
    if key == "settings" and isinstance(value, dict):
        return key, {name: setting for name, setting in value.items() if name != "memory_limit"}
    return key, value


def start_from_the_project_parse(target: Path) -> bool:
    """Give a target folder without a saved parse a copy of the project's, when there is one.
    The copy is written aside and renamed: a build never reads half of it. A copy dbt cannot use
    (another dbt version, a parse written during the copy) only makes it parse everything, as it
    would have without one."""
    if (target / PARTIAL_PARSE).exists():
        return True
    if not PROJECT_PARSE.is_file():
        return False
    aside = target / f".{PARTIAL_PARSE}.{os.getpid()}"
    try:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT_PARSE, aside)
        os.replace(aside, target / PARTIAL_PARSE)
    except OSError:  # a full disk, a folder it may not write: dbt parses, as it did before
        aside.unlink(missing_ok=True)
        return False
    return True


def main() -> int:
    from dbt.cli.main import dbtRunner

    keep_parse_across_warehouse_paths()
    return 0 if dbtRunner().invoke(sys.argv[1:]).success else 1


if __name__ == "__main__":
    sys.exit(main())
