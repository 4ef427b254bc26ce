"""Walk the exports folder: a local path or any fsspec URL (s3://, gs://, sftp://), through the
dlt filesystem source so bucket credentials come from dlt's usual config and secrets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC

from dlt.sources.filesystem import FileItemDict, filesystem

from pipelines.reader import ExportFile


class ExportsFolderMissing(Exception):
    """The exports folder or URL does not exist."""


def _is_url(location: str) -> bool:
    return "://" in location


def bucket_url(location: str) -> str:
    return location if _is_url(location) else os.path.abspath(location)


def list_exports(location: str) -> Iterator[tuple[ExportFile, FileItemDict]]:
    """Every file under the exports folder, in a stable order, skipping what is not an export:
    hidden files (`.DS_Store`) and office lock files (`~$report.xlsx`) that sit beside exports."""
    if not _is_url(location) and not os.path.isdir(location):
        raise ExportsFolderMissing(
            f"exports folder {location!r} does not exist; create it and put the platforms' "
            "export files in it, or pass --exports PATH_OR_URL"
        )
    items = [
        item
        for item in filesystem(bucket_url=bucket_url(location), file_glob="**/*")
        if not _ignored(item["relative_path"])
    ]
    for item in sorted(items, key=lambda i: i["relative_path"]):
        yield (
            ExportFile(
                relative_path=item["relative_path"],
                url=item["file_url"],
                size_bytes=int(item["size_in_bytes"]),
                modified_at=item["modification_date"].astimezone(UTC),
            ),
            item,
        )


def _ignored(relative_path: str) -> bool:
    return any(part.startswith((".", "~$")) for part in relative_path.split("/"))
