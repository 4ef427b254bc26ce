"""The shape of a format declaration: what makes one platform export different from another.

A reader never branches on a platform. Everything it needs to know about an export shape (how to
recognise it, what its headers are called in every language, which tokens mean "no value", which
date styles it writes, where the account and the window are written) is data declared here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

# Column kinds the reader validates before anything lands, so a bad value is quarantined with its
# row and column named instead of turning into a silent NULL three layers later.
TEXT = "text"
ID = "id"
COUNT = "count"
RATE = "rate"  # a fraction, 0.0384
PERCENT = "percent"  # a percent, 3.51 meaning 3.51% (YouTube CTR); staging divides by 100
DURATION = "duration"  # H:MM:SS (YouTube average view duration)
TIMESTAMP = "timestamp"


@functools.lru_cache(maxsize=65536)  # every file's header cells, against every declared shape
def normalize_header(name: str) -> str:
    """Fold a header cell so spelling differences between export generations do not matter.

    NFKC turns "math bold" letters and non-breaking spaces into plain ones; U+00AD (soft hyphen)
    and the BOM are invisible in every viewer but break naive comparisons; curly apostrophes
    appear in French headers (J’aime).
    """
    folded = unicodedata.normalize("NFKC", name)
    folded = folded.replace("\u00ad", "").replace("\ufeff", "").replace("\u2019", "'")
    return " ".join(folded.casefold().split())


LANGUAGES = ("en", "fr", "de")


@dataclass(frozen=True)
class Column:
    """One canonical column and every header spelling that means it, per interface language."""

    canonical: str
    en: tuple[str, ...] = ()
    fr: tuple[str, ...] = ()
    de: tuple[str, ...] = ()
    kind: str = TEXT
    required: bool = False
    # A net change (gained minus lost over the day or the period: LinkedIn's daily reactions,
    # YouTube's Subscribers): the platform really writes it negative, so a minus sign loads. Every
    # other count is never negative, and a minus sign there is refused.
    signed: bool = False

    def spellings(self) -> dict[str, tuple[str, ...]]:
        return {"en": self.en, "fr": self.fr, "de": self.de}


@dataclass(frozen=True)
class ErrorRows:
    """Rows a platform writes where it failed to compute a data row (Meta's posts exports: an
    empty Post ID and a `Data comment` "An error occurred while computing metadata for content
    with ID 933528094972880."). They are not data: the reader drops them and says so in the ledger.

    Attributes:
        empty_column: the canonical column that is empty on such a row (the row's key).
        note_column: the canonical column holding the platform's note.
        note_pattern: the note's wording; a group `content_id` names what failed, when it does.
        what, what_one: what they are, for the ledger ("Meta error rows, not posts"; "a Meta
            error row, not a post").
    """

    empty_column: str
    note_column: str
    note_pattern: re.Pattern[str]
    what: str
    what_one: str


@dataclass(frozen=True)
class ExportFormat:
    """A declared export shape.

    Attributes:
        name: stable identifier written to the ledger and to every raw row (`_format`).
        channel: the platform; raw rows land in schema `raw_<channel>`.
        table: the raw table the rows land in; shapes with the same grain share a table.
        identify: canonical columns whose presence says "this file is this shape". Kept small on
            purpose, so that a file of a known shape that lacks a required column is reported as
            such (quarantined, column named) rather than as unrecognised.
        columns: the canonical columns with their aliases, kinds and whether they are required.
        null_tokens: cell values that mean "no value" in this shape (X writes `-` for promoted
            metrics of accounts that bought no ads).
        timestamp_styles: strptime patterns the timestamp columns may use.
        file_name_pattern: a regex on the file name (for a file inside a ZIP, the ZIP's name)
            with optional named groups `account`, `window_start`, `window_end` (YYYYMMDD,
            YYYY-MM-DD or Mon-DD-YYYY), `download_epoch_ms` and `language`.
        title_column: where a one-cell title line above the header goes (Meta daily series
            write the metric's name there: "Facebook follows").
        trailer_pattern: a regex for rows the platform appends after the data ("Showing top
            500 results"); they are not data and are dropped before parsing.
        description_rows: rows between the header and the data that describe the columns
            (legacy Facebook Insights).
        account_column: the column naming the account on each row (Meta `Page name`,
            `Account username`); the file name and folder are then only a fallback.
        sheet_names: for spreadsheet exports, the sheet names this shape lives in (any of them;
            compared after normalisation). Empty: any sheet, or a CSV.
        total_labels: first-cell values of a totals row the platform puts among the data
            (YouTube `Total`, German `Gesamt`): landed in raw, used to reconcile, never a data row.
            Compared normalised (the German UI writes `Ge\u00adsamt` with a soft hyphen).
        error_rows: rows the platform writes in place of a data row it failed to compute.
        stacked_blocks: the file may hold several tables one after the other, each with its own
            title line and header, separated by an empty line (Meta's `Visits.csv`: Facebook
            visits, then Instagram profile visits). Only for shapes without free text, where an
            empty line cannot be inside a cell.
        metric_named_column: a column some generations name after the metric instead of a fixed
            word (Meta's 2023 series: `"Date","Facebook reach"` where newer files say
            `"Date","Primary"`): a header whose only unknown cell is in that place means that
            column, and the cell is the series title when no title line says it.
        bom: the byte-order mark the platform starts its files with ("utf-8", "utf-16-le"; ""
            for none), None where no real file showed it. A refused file whose mark differs was
            re-saved by a spreadsheet (Excel's "CSV UTF-8" adds one, a plain "CSV" drops it), and
            the refusal can say so.
        label_rows: in a stacked file, the table is written sideways under its title line: a row
            of labels over a row of values (Meta's `Audience.csv`: `Top cities`, then the cities,
            then their percents). The title is the header of the label column (the shape's first
            column), the value column's first spelling heads the values.
        metric_names: what such a cell looks like (`Facebook reach`, `Instagram reach`): a
            header like `Date, Impressions` of another export is not taken for this shape.
    """

    name: str
    channel: str
    table: str
    identify: frozenset[str]
    columns: tuple[Column, ...]
    null_tokens: frozenset[str] = frozenset({""})
    timestamp_styles: tuple[str, ...] = ()
    file_name_pattern: re.Pattern[str] | None = None
    description: str = ""
    title_column: str | None = None
    trailer_pattern: re.Pattern[str] | None = None
    description_rows: int = 0
    account_column: str | None = None
    total_labels: frozenset[str] = frozenset()
    sheet_names: frozenset[str] = frozenset()
    error_rows: ErrorRows | None = None
    stacked_blocks: bool = False
    metric_named_column: str | None = None
    metric_names: re.Pattern[str] | None = None
    bom: str | None = None
    label_rows: bool = False
    _alias_index: dict[str, tuple[str, frozenset[str]]] = field(
        default=None, init=False, repr=False, compare=False
    )
    # kind -> canonical names of that kind, in declaration order (asked for every file read)
    _kind_index: dict[str, tuple[str, ...]] = field(default=None, init=False, repr=False, compare=False)
    # the total labels, normalised once: a timestamp column may ask about many values
    _total_keys: frozenset[str] = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # normalised spelling -> (canonical name, languages that spell it this way)
        languages_of: dict[str, set[str]] = {}
        canonical_of: dict[str, str] = {}
        for column in self.columns:
            for language, spellings in column.spellings().items():
                for spelling in spellings:
                    key = normalize_header(spelling)
                    if canonical_of.setdefault(key, column.canonical) != column.canonical:
                        raise ValueError(f"{self.name}: {spelling!r} aliases two columns")
                    languages_of.setdefault(key, set()).add(language)
        index = {k: (canonical_of[k], frozenset(v)) for k, v in languages_of.items()}
        object.__setattr__(self, "_alias_index", index)
        object.__setattr__(self, "_total_keys", frozenset(map(normalize_header, self.total_labels)))
        kinds: dict[str, list[str]] = {}
        for column in self.columns:
            kinds.setdefault(column.kind, []).append(column.canonical)
        object.__setattr__(self, "_kind_index", {k: tuple(v) for k, v in kinds.items()})
        self._check_named_columns()

    def _check_named_columns(self) -> None:
        """Every column a rule names is declared: a typo would make the rule silently idle."""
        declared = {c.canonical for c in self.columns}
        unknown = self.identify - declared
        if unknown:
            raise ValueError(f"{self.name}: identify names undeclared columns {sorted(unknown)}")
        named = {self.metric_named_column} - {None}
        if self.error_rows:
            named |= {self.error_rows.empty_column, self.error_rows.note_column}
        if named - declared:
            raise ValueError(f"{self.name}: names undeclared columns {sorted(named - declared)}")

    def localised_header(self, header: list[str] | tuple[str, ...], language: str) -> list[str]:
        """An English header as the interface in `language` writes it, from the declared
        spellings (English where a column declares none in that language). For writing files
        in this shape: the demo exports and tests."""
        if language == "en":
            return list(header)
        spelling = {}
        for column in self.columns:
            translated = column.spellings()[language]
            for english in column.en:
                spelling[normalize_header(english)] = translated[0] if translated else english
        return [spelling.get(normalize_header(h), h) for h in header]

    def allows_sheet(self, sheet: str | None) -> bool:
        """A CSV (no sheet) may hold any shape: people save sheets as CSV."""
        if sheet is None or not self.sheet_names:
            return True
        return normalize_header(sheet) in {normalize_header(n) for n in self.sheet_names}

    def canonical_for(self, header: str) -> str | None:
        """The canonical name of a header cell, or None when this shape does not know it."""
        hit = self._alias_index.get(normalize_header(header))
        return hit[0] if hit else None

    def languages_for(self, header: str) -> frozenset[str]:
        """Interface languages that spell a header cell this way (empty when unknown)."""
        hit = self._alias_index.get(normalize_header(header))
        return hit[1] if hit else frozenset()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.canonical for c in self.columns if c.required)

    def spelling_of(self, canonical: str) -> str:
        """A header spelling of a declared column (its first English one, else any)."""
        column = next(c for c in self.columns if c.canonical == canonical)
        return next(iter((*column.en, *column.fr, *column.de)), canonical)

    @property
    def signed(self) -> frozenset[str]:
        """The net-change columns: the only ones a minus sign may load in."""
        return frozenset(c.canonical for c in self.columns if c.signed)

    def is_total_label(self, cell: str) -> bool:
        """The cell labels the totals row (`Total`, `Ge\u00adsamt`), however it is spelled."""
        return normalize_header(cell) in self._total_keys

    def columns_of_kind(self, *kinds: str) -> tuple[str, ...]:
        return tuple(name for kind, names in self._kind_index.items() if kind in kinds for name in names)

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.channel}"
