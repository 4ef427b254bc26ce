"""Atomic swaps of published files: a reader opens the old file or the new one, never a mix, and
the outgoing file is kept as the previous copy for `socialkpi publish --rollback`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines import checkpoints

READ_ONLY_FILE, READ_ONLY_FOLDER, WRITABLE_FOLDER = 0o444, 0o555, 0o755


def swap_in(new: Path, current: Path, previous: Path) -> None:
    """Rename `new` over `current`, keeping the outgoing `current` as `previous`. `new` is made
    read-only for everyone first: a published file is never opened for writing (a BI tool
    connecting read-write as its owner would otherwise change what every reader sees until the
    next refresh), and the previous copy, a link to the outgoing file, stays read-only too."""
    new.chmod(READ_ONLY_FILE)
    if current.exists():
        # Keep the outgoing copy without ever leaving `current` missing: link it under a
        # temporary name, then rename that over `previous`.
        keep = previous.with_name(previous.name + ".tmp")
        keep.unlink(missing_ok=True)
        try:
            os.link(current, keep)
        except OSError:
            shutil.copy2(current, keep)
        os.replace(keep, previous)
        checkpoints.reached("swap")
    os.replace(new, current)


def swap_back(current: Path, previous: Path) -> None:
    """Undo one publish of one file: the previous copy becomes current and the current one previous."""
    if current.exists() and previous.exists():
        restored = previous.with_name(previous.name + ".swap")
        restored.unlink(missing_ok=True)  # left read-only by a rollback that was killed
        shutil.copy2(previous, restored)
        swap_in(restored, current, previous)
    elif previous.exists():
        previous.chmod(READ_ONLY_FILE)  # a copy published before files were made read-only
        os.replace(previous, current)
    elif current.exists():
        os.replace(current, previous)


@contextmanager
def writable(folder: Path) -> Iterator[Path]:
    """Open a published folder for the length of a swap. Between publishes it is read-only, because
    BI connections to the Parquet views are allowed into it and DuckDB's allowed_directories grants
    writing as well as reading (COPY ... TO would otherwise overwrite a mart for everyone)."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(WRITABLE_FOLDER)
    try:
        yield folder
    finally:
        folder.chmod(READ_ONLY_FOLDER)


def swap_folder(new: Path, current: Path, previous: Path) -> None:
    """Swap every file of `new` into `current` one rename at a time; `previous` ends up holding
    exactly the files `current` held before."""
    with writable(current), writable(previous):
        outgoing = {path.name for path in current.iterdir()}
        incoming = {path.name for path in new.iterdir()}
        for name in sorted(incoming):
            swap_in(new / name, current / name, previous / name)
        for name in sorted(outgoing - incoming):
            os.replace(current / name, previous / name)
        for stale in previous.iterdir():
            if stale.name not in outgoing:
                stale.unlink()


def swap_folder_back(current: Path, previous: Path) -> None:
    if not previous.exists():
        return
    with writable(current), writable(previous):
        for name in sorted({p.name for p in current.iterdir()} | {p.name for p in previous.iterdir()}):
            swap_back(current / name, previous / name)


def remove_tree(folder: Path) -> None:
    """rmtree that also removes read-only folders (the swap leaves them that way)."""
    if not folder.exists():
        return
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(WRITABLE_FOLDER)
    shutil.rmtree(folder)
