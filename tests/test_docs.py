"""The documentation lives in the repo (docs/), and what the code points to is there.

Code, SQL, yml, the README and the tests cite `docs/design.md §5` or `docs/formats.md §2.1`; a
citation that names no heading of its page sends the reader nowhere, so it fails here. The repo
must stand alone: nothing outside docs/ may cite the notes that used to live beside it (the
design, formats, style and stack notes, anything under `../shared/`); only the real export
samples in `../shared/samples` may be read from there (tests skip when they are absent). And
every declared export shape is named in docs/formats.md, so a new declaration without its
documentation fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.formats import ALL_FORMATS

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"

# Files people read as source or documentation; generated and vendored folders are not the repo's.
CITING_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".md", ".toml", ".cfg", ".txt", ".html", ".j2"}
CITING_NAMES = {"Makefile"}
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "target",
    "logs",
    "dbt_packages",
    "node_modules",
    "warehouse",
    "exports",
    "demo_exports",
    ".dagster_home",
    ".bench",
}

# `docs/formats.md §2.1`, `docs/formats.md §2.1, §2.2 and §3`, `docs/formats.md section 4`,
# `docs/formats.md sections 2 and 3`. A section-cited `<page>.md` names a page of docs/.
# Inside docs/ the pages cite each other without the folder (`formats.md §9`).
CITATION = re.compile(
    r"(?<![\w./-])(?:docs/)?(?P<page>[\w-]+\.md)\s*(?P<sections>(?:§\s?|sections?\s+)\d+(?:\.\d+)*"
    r"(?:\s*(?:,|and|&)\s*(?:§\s?|sections?\s+)?\d+(?:\.\d+)*)*)"
)
NUMBER = re.compile(r"\d+(?:\.\d+)*")
# A heading that starts with its number: `## 5. Marts`, `## §5 Marts`, `### 2.1 Facebook posts`.
NUMBERED_HEADING = re.compile(r"^#{1,6}\s+§?\s?(?P<number>\d+(?:\.\d+)*)\.?(?:\s|$)", re.MULTILINE)

# The notes that lived beside the repo in ../shared; its samples/ folder (real exports, with
# EXPECTED.md) is test data the tests read when present, not documentation.
OUTSIDE_NOTES = re.compile(r"\b(DESIGN|FORMATS|STYLE|STACK)\.md\b|\.\./shared/(?!samples\b)")


def repo_files() -> list[Path]:
    """The repo's source and documentation files, docs/ included."""
    found = []
    stack = [REPO]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                if entry.name not in SKIPPED_DIRS and not entry.name.endswith(".egg-info"):
                    stack.append(entry)
            elif entry.suffix in CITING_SUFFIXES or entry.name in CITING_NAMES:
                found.append(entry)
    return sorted(found)


def citations(text: str) -> list[tuple[str, str]]:
    """(page, section number) for every docs citation in a text."""
    return [
        (match.group("page"), number.rstrip("."))
        for match in CITATION.finditer(text)
        for number in NUMBER.findall(match.group("sections"))
    ]


def headings(page: Path) -> set[str]:
    return {m.group("number").rstrip(".") for m in NUMBERED_HEADING.finditer(page.read_text("utf-8"))}


def test_the_citation_reader_finds_every_section_of_a_list_and_ignores_plain_mentions():
    # The reader must see lists and both spellings, or broken citations would slip through.
    text = (
        "shapes of docs/formats.md §2.1, §2.2 and §3; docs/formats.md sections 2 and 3; "
        "docs/design.md §8. and docs/formats.md section 4, but not docs/formats.md alone; "
        "(formats.md §9), not docs/design.md"
    )
    assert citations(text) == [
        ("formats.md", "2.1"),
        ("formats.md", "2.2"),
        ("formats.md", "3"),
        ("formats.md", "2"),
        ("formats.md", "3"),
        ("design.md", "8"),
        ("formats.md", "4"),
        ("formats.md", "9"),
    ]


def test_every_docs_citation_in_the_repo_names_a_heading_of_its_page():
    cited: dict[tuple[str, str], list[str]] = {}
    for path in repo_files():
        if path == Path(__file__).resolve():
            continue  # this file's examples are not citations
        text = path.read_text("utf-8", errors="replace")
        for page, number in citations(text):
            cited.setdefault((page, number), []).append(str(path.relative_to(REPO)))
    assert cited, "no docs/ citation found anywhere: the citation reader is broken"
    pages = {page: headings(DOCS / page) for page in {p for p, _ in cited} if (DOCS / page).exists()}
    unresolved = {
        f"docs/{page} §{number}": sorted(set(where))
        for (page, number), where in cited.items()
        if number not in pages.get(page, set())
    }
    assert not unresolved, f"citations with no such heading in docs/: {unresolved}"


def test_no_file_outside_docs_cites_the_design_notes_that_lived_outside_the_repo():
    offenders = []
    for path in repo_files():
        if DOCS in path.parents or path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE_NOTES.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:120]}")
    assert not offenders, "cite docs/ instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize("export_format", ALL_FORMATS, ids=lambda f: f.name)
def test_every_declared_export_shape_is_named_in_the_formats_page(export_format):
    page = (DOCS / "formats.md").read_text("utf-8")
    assert f"`{export_format.name}`" in page, (
        f"{export_format.name} ({export_format.description}) is declared in pipelines/formats but "
        "docs/formats.md does not name it: document the shape and its evidence"
    )


@pytest.mark.parametrize("export_format", ALL_FORMATS, ids=lambda f: f.name)
def test_every_required_column_of_a_declared_shape_is_named_in_the_formats_page(export_format):
    # A file without a required column is quarantined: the page must tell the user it is needed.
    page = (DOCS / "formats.md").read_text("utf-8")
    missing = [
        column.en[0]
        for column in export_format.columns
        if column.required and column.en and f"`{column.en[0]}`" not in page
    ]
    assert not missing, f"{export_format.name}: required columns not in docs/formats.md: {missing}"
