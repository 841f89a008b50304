"""The plain shape every export writer reads: a summary block and titled sheets of typed cells.

Cells are checked when a sheet is built, so a writer never meets a float amount, a naive
datetime or a row of the wrong length; a mistake surfaces where the data was assembled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, cast, get_args

from campaign.rules.calendar import KST

ColumnKind = Literal["text", "won", "int", "date", "datetime"]
KINDS: tuple[str, ...] = get_args(ColumnKind)
NUMBER_KINDS = ("won", "int")

# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR, may
# drop the character and read what follows as one). See OWASP "CSV Injection".
# Their full-width forms too (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠): some spreadsheets
# fold them to the ASCII ones when reading a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Excel's limits on a worksheet's name; the JSON writer uses the same titles as keys.
TITLE_MAX = 31
TITLE_FORBIDDEN = set("[]:*?/\\")


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}")
        if not self.name:
            raise ValueError("a column needs a name")


def check_cell(kind: str, value: Any) -> None:
    """Raise ValueError unless ``value`` fits a cell of ``kind`` (None fits every kind)."""
    if value is None:
        return
    if kind == "text":
        ok = isinstance(value, str)
    elif kind in NUMBER_KINDS:
        # ₩ are integers, never floats; a bool is an int to Python but not an amount.
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "date":
        ok = isinstance(value, date) and not isinstance(value, datetime)
    else:  # datetime: aware, so it can be shown in KST without guessing
        ok = isinstance(value, datetime) and value.tzinfo is not None
    if not ok:
        raise ValueError(f"{value!r} is not a valid {kind} cell")


# check_cell as one quick test per kind, for the rows of a streamed sheet (a row that fails it
# goes through check_cell for the message).
_FITS: dict[str, Callable[[Any], bool]] = {
    "text": lambda v: v is None or type(v) is str,
    "won": lambda v: v is None or type(v) is int,
    "int": lambda v: v is None or type(v) is int,
    "date": lambda v: v is None or type(v) is date,
    "datetime": lambda v: v is None or (type(v) is datetime and v.tzinfo is not None),
}


def kind_of(value: Any) -> ColumnKind:
    """The kind a summary value gets when none is given."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r}: give a summary yes/no as text")
    if isinstance(value, int):
        return "int"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    return "text"


@dataclass(frozen=True)
class Sheet:
    """A titled table. Its rows are either given (``rows``, checked here) or ``stream``ed: a
    callable giving an iterable of rows, called once by the writer and checked row by row as it
    is read, so a sheet of a million lines never sits in memory."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...] = ()
    stream: Callable[[], Iterable[Sequence[Any]]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        if not self.title or len(self.title) > TITLE_MAX or TITLE_FORBIDDEN & set(self.title):
            raise ValueError(f"sheet title {self.title!r}: 1-{TITLE_MAX} characters, no []:*?/\\")
        names = [column.name for column in self.columns]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"sheet {self.title!r}: column names must be present and unique")
        if self.stream is not None and self.rows:
            raise ValueError(f"sheet {self.title!r}: give rows or a stream, not both")
        for number, row in enumerate(self.rows, start=1):
            self._check(number, row)

    def _check(self, number: int, row: Sequence[Any]) -> None:
        if len(row) != len(self.columns):
            raise ValueError(
                f"sheet {self.title!r} row {number}: {len(row)} cells "
                f"for {len(self.columns)} columns"
            )
        for column, value in zip(self.columns, row, strict=True):
            try:
                check_cell(column.kind, value)
            except ValueError as exc:
                raise ValueError(
                    f"sheet {self.title!r} row {number} column {column.name!r}: {exc}"
                ) from exc

    def each_row(self) -> Iterator[tuple[Any, ...]]:
        """The rows, in order: the given ones, or the stream's, each checked as it comes."""
        if self.stream is None:
            yield from self.rows
            return
        fits = [_FITS[column.kind] for column in self.columns]
        width = len(fits)
        for number, row in enumerate(self.stream(), start=1):
            if len(row) != width:
                self._check(number, row)
            for fit, value in zip(fits, row):  # noqa: B905 (the width was checked just above)
                if not fit(value):
                    self._check(number, row)
            yield tuple(row)

    def column(self, name: str) -> tuple[int, Column]:
        for index, column in enumerate(self.columns):
            if column.name == name:
                return index, column
        raise KeyError(f"sheet {self.title!r} has no column {name!r}")


class SummaryItem(NamedTuple):
    label: str
    value: Any
    kind: ColumnKind


def summary_item(entry: SummaryItem | tuple[Any, ...]) -> SummaryItem:
    """(label, value) or (label, value, kind) as a checked SummaryItem."""
    if len(entry) == 2:
        label, value = entry
        kind = kind_of(value)
    elif len(entry) == 3:
        label, value, kind = entry
    else:
        raise ValueError(f"summary entry {entry!r}: give (label, value) or (label, value, kind)")
    if not isinstance(label, str) or not label:
        raise ValueError(f"summary entry {entry!r}: the label must be text")
    if kind not in KINDS:
        raise ValueError(f"summary entry {label!r}: unknown kind {kind!r}")
    check_cell(kind, value)
    return SummaryItem(label, value, kind)


@dataclass(frozen=True)
class ExportDocument:
    """What one export holds. ``summary`` takes (label, value) pairs, or (label, value, kind)
    to say e.g. that an int is ₩ ("won"). ``created_at`` stamps the XLSX file's properties; with
    it given, the same document always gives the same bytes (and the same digest)."""

    summary: Sequence[SummaryItem | tuple[Any, ...]] = ()
    sheets: Sequence[Sheet] = ()
    summary_title: str = "Summary"
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        items = tuple(summary_item(entry) for entry in self.summary)
        object.__setattr__(self, "summary", items)
        object.__setattr__(self, "sheets", tuple(self.sheets))
        labels = [item.label for item in items]
        if len(set(labels)) != len(labels):
            raise ValueError("summary labels must be unique")
        Sheet(self.summary_title, (Column("label"),))  # the same title rules as a sheet
        # Excel compares worksheet names without case.
        titles = [self.summary_title.lower(), *(sheet.title.lower() for sheet in self.sheets)]
        if len(set(titles)) != len(titles):
            raise ValueError("sheet titles (and the summary's) must be unique, in any case")
        if self.created_at is not None and self.created_at.tzinfo is None:
            raise ValueError("created_at must be an aware datetime")

    @property
    def summary_items(self) -> tuple[SummaryItem, ...]:
        """The summary, checked and with every kind filled in."""
        return cast(tuple[SummaryItem, ...], self.summary)

    def sheet(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(f"no sheet {title!r}")


def row_count(document: ExportDocument) -> int:
    """How many data rows the document's sheets hold (headers and summary not counted); a
    streamed sheet is read through to count it (writers count as they write instead)."""
    return sum(
        len(sheet.rows) if sheet.stream is None else sum(1 for _ in sheet.each_row())
        for sheet in document.sheets
    )


def total_won(document: ExportDocument, sheet: str, column: str) -> int:
    """The sum of a ₩ column (empty cells count 0). KeyError for an unknown sheet or column,
    ValueError when the column is not a "won" column."""
    found = document.sheet(sheet)
    index, described = found.column(column)
    if described.kind != "won":
        raise ValueError(f"column {column!r} of sheet {sheet!r} is {described.kind}, not won")
    return sum(row[index] or 0 for row in found.each_row())


def neutralise(text: str) -> str:
    """``text`` made inert for a spreadsheet: a leading formula character gets a ' before it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def in_kst(moment: datetime) -> datetime:
    """An aware moment as the naive KST wall-clock time partners read (spreadsheets have no
    time zones)."""
    return moment.astimezone(KST).replace(tzinfo=None)
