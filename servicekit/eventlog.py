"""Import an event log that a ticketing or CRM system exported, to see how a journey really runs.

An event log has one row per event: the case it belongs to (a ticket, a candidate, an
order), the activity, when it happened, and the team or person who did it. Systems name
these columns differently; :func:`read_event_log` recognises the usual names (including
pm4py's and XES's ``case:concept:name``, ``concept:name``, ``time:timestamp`` and
``org:resource``) and a ``mapping`` names the rest. :func:`event_log_from_frame` does the
same for a pandas DataFrame.

Exports are messy, so the import never gives up on a row it can keep, and reports every
problem in an :class:`ImportReport` a facilitator can read out: how many rows, up to
three examples with their row numbers (as a spreadsheet shows them: the header is row 1)
and what was done about them:

- a row with no case id or activity, or a time that cannot be read, is left out;
- a row with no team or person is kept, with the resource :data:`UNKNOWN`;
- a row that repeats an earlier row exactly (same case, activity, time and resource) is left out;
- events listed out of order are sorted by case, then time (events at the same time keep
  their order in the file).

Only the mapped columns are read, so cells in other columns are not checked.

A file or frame with no usable row at all, a missing column, or a file that is not
UTF-8 text raises :class:`~servicekit.errors.InvalidInput` naming the file and the fix.

The log is held compactly (categories for case, activity and resource, ``datetime64``
for the time), so a million events take a few tens of MB. pandas is loaded when a log is read.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import InvalidInput

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped]

__all__ = [
    "FIELDS",
    "KINDS",
    "NAMES",
    "REQUIRED",
    "UNKNOWN",
    "EventLog",
    "ImportIssue",
    "ImportReport",
    "IssueExample",
    "event_log_from_frame",
    "read_event_log",
]

#: servicekit's fields of an event, in order; a mapping maps them to the file's column names.
FIELDS: tuple[str, ...] = ("case", "activity", "timestamp", "resource", "team")
#: The fields every log must have; ``team`` is optional (handovers then go by ``resource``).
REQUIRED: tuple[str, ...] = ("case", "activity", "timestamp", "resource")
#: The resource (and team) of an event whose row names none.
UNKNOWN = "(unknown)"
#: Column names each field is recognised by when no mapping names its column, best first.
#: Compared without regard to case, spaces, underscores or punctuation.
NAMES: dict[str, tuple[str, ...]] = {
    "case": (
        "case:concept:name",
        "case_id",
        "case",
        "case number",
        "ticket id",
        "ticket",
        "ticket number",
    ),
    "activity": ("concept:name", "activity", "activity name", "event", "status", "step"),
    "timestamp": (
        "time:timestamp",
        "timestamp",
        "time",
        "date",
        "datetime",
        "created",
        "start time",
        "start timestamp",
    ),
    "resource": ("org:resource", "resource", "assignee", "owner", "user", "team", "group"),
    "team": ("org:group", "team", "group", "department"),
}
#: Rows read per chunk; the progress callback is called after each chunk.
CHUNK_ROWS = 200_000
_SNIFF_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t")
_DESCRIBE = {
    "case": "the case id",
    "activity": "the activity",
    "timestamp": "the time",
    "resource": "the team or person",
    "team": "the team",
}
_STRING_FIELDS = ("case", "activity", "resource", "team")
_EXAMPLES = 3


def _key(name: str) -> str:
    """A column name as compared: case, spaces and punctuation do not matter.

    >>> _key("Case ID") == _key("case_id") == _key("CASE-ID")
    True
    """
    return re.sub(r"[\W_]+", "", name.casefold())


# -- what an import found -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueExample:
    """One row an issue was found in: its row number, the value, and what else helps to find it."""

    row: int
    value: str
    note: str = ""


#: Each kind of issue: (what the rows have, what was done, the fix).
_KINDS: dict[str, tuple[str, str, str]] = {
    "missing_case": (
        "no case id",
        "left out",
        "Fill in the case id, or filter such rows out of the export.",
    ),
    "missing_activity": (
        "no activity",
        "left out",
        "Fill in the activity, or filter such rows out of the export.",
    ),
    "bad_timestamp": (
        "no time that can be read",
        "left out",
        "Export times as 2026-01-31 14:05 (ISO 8601); for day-first dates such as "
        "31/01/2026, read the file with dayfirst=True.",
    ),
    "missing_resource": (
        "no team or person",
        f"kept, with the resource {UNKNOWN!r}, so their handovers cannot be told apart",
        "Fill in who did the work in the export.",
    ),
    "missing_team": (
        "no team",
        f"kept, with the team {UNKNOWN!r}",
        "Fill in the team in the export.",
    ),
    "duplicate": (
        "the same case, activity, time and resource as an earlier row",
        "left out (the first is kept)",
        "Nothing to do; if the system exports each event twice, check the export's settings.",
    ),
    "out_of_order": (
        "a time earlier than an event listed above it in the same case",
        "kept; every case is sorted by time",
        "Nothing to do.",
    ),
}
#: The kinds of issue, in the order they are checked and reported.
KINDS: tuple[str, ...] = tuple(_KINDS)


@dataclass(frozen=True)
class ImportIssue:
    """One kind of problem found in the rows: how many, which column, up to 3 examples, the fix."""

    kind: str
    count: int
    column: str
    examples: tuple[IssueExample, ...]
    source: str
    where: str = "row"  # how examples name a row: "row" in a file, "position" in a data frame

    @property
    def dropped(self) -> bool:
        """Whether the rows were left out of the log (otherwise they were kept)."""
        return self.kind not in ("missing_resource", "missing_team", "out_of_order")

    @property
    def message(self) -> str:
        """The issue in words: the file, how many rows, examples (row, column, value), the fix."""
        what, done, fix = _KINDS[self.kind]
        rows = "1 row" if self.count == 1 else f"{self.count} rows"
        verb = "has" if self.count == 1 else "have"
        shown = "; ".join(
            f"{self.where} {e.row}: {e.value!r}" + (f" ({e.note})" if e.note else "")
            for e in self.examples
        )
        column = f" in column {self.column!r}" if self.column else ""
        return f"{self.source}: {rows} {verb} {what}{column} ({shown}): {done}. {fix}"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ImportReport:
    """What an import read, what it kept, and every issue found, in words a facilitator can read out."""

    source: str
    columns: Mapping[str, str]  # field -> the file's column it was read from
    rows: int  # data rows read, blank lines not counted
    events: int  # events in the log
    cases: int
    issues: tuple[ImportIssue, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the rows needed no repair at all."""
        return not self.issues

    @property
    def dropped(self) -> int:
        """Rows left out of the log."""
        return sum(i.count for i in self.issues if i.dropped)

    def issue(self, kind: str) -> ImportIssue | None:
        """The issue of this kind (see :data:`KINDS`), or None when there was none."""
        if kind not in _KINDS:
            raise InvalidInput(f"No kind of issue {kind!r}. Pick one of: {', '.join(KINDS)}.")
        return next((i for i in self.issues if i.kind == kind), None)

    def count(self, kind: str) -> int:
        """How many rows had this kind of issue (0 when none)."""
        found = self.issue(kind)
        return found.count if found else 0

    def lines(self) -> list[str]:
        """The report as sentences: what was read, then one sentence per issue."""
        used = ", ".join(f"{f} from {c!r}" for f, c in self.columns.items())
        out = [
            f"{self.source}: {self.events} events in {self.cases} cases from {self.rows} rows "
            f"({used})."
        ]
        out += [i.message for i in self.issues]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


# -- the log ------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EventLog:
    """An imported event log: one row per event, sorted by case, then time.

    ``events`` has the columns ``case``, ``activity``, ``resource`` (and ``team`` when
    the file has one) as pandas categories, ``timestamp`` (``datetime64``, no time
    zone: times with an offset are converted to UTC) and ``row`` (the event's row in
    the file, or its position in a data frame). Treat it as read-only: the analysis
    in :mod:`servicekit.analysis.eventlog` relies on its order.
    """

    events: pd.DataFrame
    report: ImportReport
    columns: Mapping[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The file (or data frame) the log was read from, as messages name it."""
        return self.report.source

    def __len__(self) -> int:
        return len(self.events)

    @property
    def cases(self) -> int:
        """How many cases the log has."""
        return int(self.events["case"].nunique())

    @property
    def has_team(self) -> bool:
        """Whether the log has a team for each event, besides its resource."""
        return "team" in self.events.columns

    @property
    def actor(self) -> str:
        """The column handovers go by: ``team`` when the log has one, else ``resource``."""
        return "team" if self.has_team else "resource"

    @property
    def activities(self) -> tuple[str, ...]:
        """The activities, most frequent first."""
        return _by_count(self.events["activity"])

    @property
    def resources(self) -> tuple[str, ...]:
        """The resources (teams or people), most frequent first."""
        return _by_count(self.events["resource"])

    @property
    def teams(self) -> tuple[str, ...]:
        """The teams handovers go by (see :attr:`actor`), most frequent first."""
        return _by_count(self.events[self.actor])


def _by_count(column: pd.Series) -> tuple[str, ...]:
    counts = column.value_counts(sort=False)
    counts = counts[counts > 0]
    order = sorted(zip(counts.index, counts.to_numpy(), strict=True), key=lambda x: (-x[1], x[0]))
    return tuple(str(name) for name, _ in order)


# -- reading a file -----------------------------------------------------------------------------------


def read_event_log(
    path_or_buffer: str | os.PathLike[str] | bytes | IO[bytes] | IO[str],
    mapping: Mapping[str, str] | None = None,
    *,
    source: str | None = None,
    progress: Callable[[float], None] | None = None,
    dayfirst: bool = False,
) -> EventLog:
    """Read an event log from a CSV file, its content (bytes), or an open file.

    Parameters
    ----------
    path_or_buffer
        The file's path, its content as bytes (an upload), or a file object open for
        reading (binary or text).
    mapping
        servicekit's fields (:data:`FIELDS`: ``case``, ``activity``, ``timestamp``,
        ``resource`` and the optional ``team``) to the file's column names. Fields
        left out are recognised by the usual names (:data:`NAMES`), without regard to
        case. ``case``, ``activity``, ``timestamp`` and ``resource`` are required.
    source
        How messages name the file (default: the file's name, or "uploaded file").
    progress
        Called with fractions from 0 to 1 as the file is read in chunks, for a progress
        bar; 1.0 once the log is ready.
    dayfirst
        Read ambiguous dates such as 03/04/2026 as 3 April rather than 4 March.
        ISO 8601 times (2026-04-03 09:30) are always read as written.

    The file is UTF-8, with or without a byte-order mark; the delimiter (comma,
    semicolon or tab) is found from the header. See the module's description for
    how messy rows are repaired and reported in :attr:`EventLog.report`.

    Examples
    --------
    >>> log = read_event_log(
    ...     b"Ticket;Status;Created;Assignee\\n"
    ...     b"T-1;Opened;2026-01-05 09:00;Desk\\n"
    ...     b"T-1;Closed;2026-01-05 11:30;\\n",
    ...     source="tickets.csv",
    ... )
    >>> len(log), log.cases, log.activities, dict(log.columns)["case"]
    (2, 1, ('Closed', 'Opened'), 'Ticket')
    >>> print(log.report.lines()[1])
    tickets.csv: 1 row has no team or person in column 'Assignee' (row 3: ''): kept, with the resource '(unknown)', so their handovers cannot be told apart. Fill in who did the work in the export.
    """
    import numpy as np
    import pandas as pd

    if source is None:
        if isinstance(path_or_buffer, (str, os.PathLike)):
            source = Path(path_or_buffer).name
        else:
            name = getattr(path_or_buffer, "name", "")
            source = Path(name).name if isinstance(name, str) and name else "uploaded file"
    if progress is not None:
        progress(0.0)
    with _binary(path_or_buffer, source) as (stream, total):
        head = stream.read(_SNIFF_BYTES)
        stream.seek(0)
        text = head.decode("utf-8-sig", errors="replace")
        if not text.strip():
            raise InvalidInput(
                f"{source}: the file is empty. Export the event log with a header row, "
                "e.g. case_id,activity,timestamp,resource."
            )
        delimiter, header, skip = _sniff(text, mapping)
        columns = _resolve(source, header, mapping)
        positions = sorted(set(columns.values()))
        found = _Found(source)
        parts: list[dict[str, Any]] = []
        read = 0
        try:
            reader = pd.read_csv(
                stream,
                sep=delimiter,
                skiprows=skip,
                header=0,
                usecols=positions,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,  # so that row numbers are those a spreadsheet shows
                encoding="utf-8-sig",
                chunksize=CHUNK_ROWS,
            )
            for chunk in reader:
                by_pos = dict(zip(positions, chunk.columns, strict=True))
                raw = {f: chunk[by_pos[p]] for f, p in columns.items()}
                rows = np.arange(read, read + len(chunk), dtype=np.int64) + 2 + skip
                read += len(chunk)
                parts.append(_clean(raw, rows, found, dayfirst))
                if progress is not None and total:
                    progress(min(stream.tell() / total, 1.0) * 0.95)
        except InvalidInput:
            raise
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{source}, line {_bad_line(stream)}: not UTF-8 text. Save or export the file "
                "as 'CSV UTF-8' and import it again."
            ) from None
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            raise InvalidInput(
                f"{source}: not a readable CSV file ({str(exc).strip()}). Check that every "
                "quote is closed, and that the file is the CSV export itself."
            ) from None
    names = {f: header[p] for f, p in columns.items()}
    log = _assemble(source, names, parts, found, "row")
    if progress is not None:
        progress(1.0)
    return log


def event_log_from_frame(
    frame: pd.DataFrame,
    mapping: Mapping[str, str] | None = None,
    *,
    source: str = "data frame",
    dayfirst: bool = False,
) -> EventLog:
    """An :class:`EventLog` from a pandas DataFrame, checked and repaired as a file would be.

    Columns are found as in :func:`read_event_log`. A time column may hold
    ``datetime64`` values (with or without a time zone) or text. Examples in the
    report give a row's position in the frame (counting from 0, as ``iloc`` does).

    >>> import pandas as pd
    >>> frame = pd.DataFrame(
    ...     {
    ...         "case:concept:name": ["c1", "c1", "c2"],
    ...         "concept:name": ["a", "b", "a"],
    ...         "time:timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-01"]),
    ...         "org:resource": ["Sales", "Support", "Sales"],
    ...     }
    ... )
    >>> log = event_log_from_frame(frame)
    >>> len(log), log.cases, log.report.ok
    (3, 2, True)
    """
    import numpy as np

    header = [str(c) for c in frame.columns]
    columns = _resolve(source, header, mapping)
    found = _Found(source)
    raw = {f: frame.iloc[:, p] for f, p in columns.items()}
    rows = np.arange(len(frame), dtype=np.int64)
    parts = [_clean(raw, rows, found, dayfirst)] if len(frame) else []
    names = {f: header[p] for f, p in columns.items()}
    return _assemble(source, names, parts, found, "position")


# -- the pieces -----------------------------------------------------------------------------------


class _Opened:
    """A binary stream to read and its size, closed afterwards when the import opened it."""

    def __init__(self, stream: IO[bytes], total: int, close: bool) -> None:
        self.stream, self.total, self.close = stream, total, close

    def __enter__(self) -> tuple[IO[bytes], int]:
        return self.stream, self.total

    def __exit__(self, *exc: object) -> None:
        if self.close:
            self.stream.close()


def _binary(obj: Any, source: str) -> _Opened:
    if isinstance(obj, (str, os.PathLike)):
        path = Path(obj)
        try:
            return _Opened(path.open("rb"), path.stat().st_size, close=True)
        except FileNotFoundError:
            raise InvalidInput(f"{source}: no such file. Check the path.") from None
        except IsADirectoryError:
            raise InvalidInput(f"{source}: is a folder, not a file. Pick the CSV file.") from None
        except OSError as exc:
            raise InvalidInput(f"{source}: cannot read the file ({exc.strerror}).") from None
    if isinstance(obj, (bytes, bytearray, memoryview)):
        data = bytes(obj)
    elif hasattr(obj, "read"):
        content = obj.read()
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    else:
        raise InvalidInput(
            f"{source}: cannot read an event log from {type(obj).__name__}. "
            "Pass a file's path, its content as bytes, or an open file."
        )
    return _Opened(io.BytesIO(data), len(data), close=True)


def _bad_line(stream: IO[bytes]) -> int:
    """The number of the first line that is not UTF-8 (only when the import failed on one)."""
    stream.seek(0)
    for number, line in enumerate(stream, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def _sniff(text: str, mapping: Mapping[str, str] | None) -> tuple[str, list[str], int]:
    """The delimiter, the header's cells, and the blank lines above the header.

    The delimiter that finds most known column names in the header wins, then the one
    that splits it into most cells.
    """
    lines = text.splitlines()
    skip = next((i for i, line in enumerate(lines) if line.strip()), 0)
    first = lines[skip] if lines else ""
    known = {_key(n) for names in NAMES.values() for n in names}
    known |= {_key(c) for c in (mapping or {}).values() if isinstance(c, str)}
    best: tuple[int, int, str, list[str]] | None = None
    for delimiter in _DELIMITERS:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        score = sum(_key(c) in known for c in cells)
        if best is None or (score, len(cells)) > best[:2]:
            best = (score, len(cells), delimiter, cells)
    assert best is not None
    return best[2], [c.strip() for c in best[3]], skip


def _resolve(source: str, header: list[str], mapping: Mapping[str, str] | None) -> dict[str, int]:
    """Each field's column position: the mapping's first, then recognised names."""
    mapping = dict(mapping or {})
    unknown = [f for f in mapping if f not in FIELDS]
    if unknown:
        raise InvalidInput(
            f"mapping: no field {unknown[0]!r}. The fields are: {', '.join(FIELDS)}; "
            "map each to a column of the file, e.g. {'case': 'Ticket ID'}."
        )
    shown = ", ".join(repr(c) for c in header if c) or "none"
    by_key: dict[str, int] = {}
    for i, cell in enumerate(header):
        if cell:
            by_key.setdefault(_key(cell), i)
    out: dict[str, int] = {}
    for fld, column in mapping.items():
        if not isinstance(column, str):
            raise InvalidInput(
                f"mapping: the column for {fld!r} must be a column name (text), not {column!r}."
            )
        if column in header:
            out[fld] = header.index(column)
        elif _key(column) in by_key:
            out[fld] = by_key[_key(column)]
        else:
            raise InvalidInput(
                f"{source}: the mapping reads {_DESCRIBE[fld]} from column {column!r}, but the file "
                f"has no such column. The columns are: {shown}. Fix the column name in the mapping."
            )
    for fld in FIELDS:
        if fld in out:
            continue
        for name in NAMES[fld]:
            at = by_key.get(_key(name))
            if at is not None and at not in out.values():
                out[fld] = at
                break
    if out.get("team") is not None and out.get("team") == out.get("resource"):
        del out["team"]
    twice = [
        (a, b) for a in out for b in out if FIELDS.index(a) < FIELDS.index(b) and out[a] == out[b]
    ]
    if twice:
        a, b = twice[0]
        raise InvalidInput(
            f"{source}: the column {header[out[a]]!r} is mapped to both {a!r} and {b!r}. "
            "Map each field to a column of its own."
        )
    missing = [f for f in REQUIRED if f not in out]
    if missing:
        what = " or ".join(_DESCRIBE[f] for f in missing)
        looked = "; ".join(f"{f}: {', '.join(NAMES[f])}" for f in missing)
        example = ", ".join(f"{f!r}: 'Your column'" for f in missing)
        raise InvalidInput(
            f"{source}: no column for {what}. The columns are: {shown}. Names recognised "
            f"without a mapping are ({looked}). Name the columns in a mapping, e.g. "
            f"read_event_log(path, mapping={{{example}}})."
        )
    return {f: out[f] for f in FIELDS if f in out}


class _Found:
    """Counts and the first examples of each kind of issue, gathered chunk by chunk."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.counts: dict[str, int] = {}
        self.examples: dict[str, list[IssueExample]] = {}

    def add(self, kind: str, count: int, examples: Iterator[IssueExample]) -> None:
        if not count:
            return
        self.counts[kind] = self.counts.get(kind, 0) + count
        have = self.examples.setdefault(kind, [])
        for example in examples:
            if len(have) >= _EXAMPLES:
                break
            have.append(example)


def _strings(values: pd.Series) -> pd.Categorical:
    """Cells as stripped text categories; blank cells become missing (NaN)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values, sort=False)
    text = pd.Index(uniques).astype(str).str.strip()
    fold, names = pd.factorize(text, sort=False)
    blank = np.flatnonzero(names == "")
    fold = np.append(fold, -1)  # code -1 (a missing cell) stays missing
    if len(blank):
        fold[np.isin(fold, blank)] = -1
    return pd.Categorical.from_codes(fold[codes], categories=names, validate=False)


def _times(values: pd.Series, dayfirst: bool) -> tuple[pd.Series, np.ndarray]:
    """Times as ``datetime64[us]`` without a time zone (NaT where a cell cannot be read),
    and which cells hold anything at all."""
    import pandas as pd

    values = values.reset_index(drop=True)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = values.dt.tz_convert(None).astype("datetime64[us]")
        return parsed, values.notna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.astype("datetime64[us]"), values.notna().to_numpy()
    text = values.astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns when it falls back to parsing each value
        parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        left = parsed.isna() & text.notna()
        if left.any():  # blank cells, spaces around a time, or another format
            text[left] = text[left].str.strip()
            text = text.where(text != "")
            left &= text.notna()
            parsed[left] = pd.to_datetime(text[left], format="ISO8601", utc=True, errors="coerce")
            left &= parsed.isna()
        if left.any():
            from pandas.tseries.api import guess_datetime_format  # type: ignore[import-untyped]

            # One format for the rest, guessed from the first of them, so that 03/04 and 13/04
            # in one column are not read one month-first and the other day-first.
            fmt = guess_datetime_format(str(text[left].iloc[0]), dayfirst=dayfirst)
            parsed[left] = pd.to_datetime(
                text[left], format=fmt or "mixed", dayfirst=dayfirst, utc=True, errors="coerce"
            )
    given = text.notna().to_numpy()
    return parsed.dt.tz_convert(None).astype("datetime64[us]"), given


def _clean(
    raw: dict[str, pd.Series], rows: np.ndarray, found: _Found, dayfirst: bool
) -> dict[str, Any]:
    """One chunk's usable events as arrays, and what was wrong with the rest."""
    import numpy as np

    cats = {f: _strings(raw[f]) for f in _STRING_FIELDS if f in raw}
    times, keep = _times(raw["timestamp"], dayfirst)
    for cat in cats.values():  # a blank line, or a row of empty cells, is no event and no issue
        keep = keep | ~np.asarray(cat.isna())
    for kind, fld, bad in (
        ("missing_case", "case", cats["case"].isna()),
        ("missing_activity", "activity", cats["activity"].isna()),
        ("bad_timestamp", "timestamp", times.isna().to_numpy()),
    ):
        hit = keep & np.asarray(bad)
        values = raw[fld]
        found.add(
            kind,
            int(hit.sum()),
            (
                IssueExample(int(rows[i]), _shown(values.iloc[i]))
                for i in np.flatnonzero(hit)[:_EXAMPLES]
            ),
        )
        keep &= ~hit
    out: dict[str, Any] = {"row": rows[keep], "timestamp": times.to_numpy()[keep]}
    for fld, cat in cats.items():
        kept = cat[keep]
        if fld in ("resource", "team"):
            missing = np.asarray(kept.isna())
            kind = "missing_resource" if fld == "resource" else "missing_team"
            where = np.flatnonzero(keep)
            found.add(
                kind,
                int(missing.sum()),
                (
                    IssueExample(int(rows[where[i]]), _shown(raw[fld].iloc[where[i]]))
                    for i in np.flatnonzero(missing)[:_EXAMPLES]
                ),
            )
            if missing.any():
                if UNKNOWN not in kept.categories:
                    kept = kept.add_categories([UNKNOWN])
                kept = kept.fillna(UNKNOWN)
        out[fld] = kept
    return out


def _shown(value: Any) -> str:
    import pandas as pd

    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _assemble(
    source: str,
    names: dict[str, str],
    parts: list[dict[str, Any]],
    found: _Found,
    unit: str,
) -> EventLog:
    """Join the chunks, drop repeats, note events out of order, sort; the log and its report."""
    import numpy as np
    import pandas as pd
    from pandas.api.types import union_categoricals  # type: ignore[import-untyped]

    fields = [f for f in FIELDS if f in names]
    dropped = sum(found.counts.get(k, 0) for k in _DROPPED_EARLY)
    if not sum(len(p["row"]) for p in parts) and not dropped:
        raise InvalidInput(
            f"{source}: the {'file' if unit == 'row' else 'data frame'} has a header but no "
            "events. Export the event log with one row per event."
        )
    parts = [p for p in parts if len(p["row"])]
    data: dict[str, Any] = {}
    for fld in fields:
        if fld == "timestamp":
            data[fld] = np.concatenate(
                [np.empty(0, dtype="datetime64[us]")] + [p[fld] for p in parts]
            )
        elif parts:
            data[fld] = union_categoricals(
                [p[fld] for p in parts], sort_categories=True
            ).remove_unused_categories()
        else:
            data[fld] = pd.Categorical([])
    frame = pd.DataFrame(data)
    frame["row"] = np.concatenate([np.empty(0, dtype=np.int64)] + [p["row"] for p in parts])
    read = len(frame) + dropped

    # Exact repeats: the first is kept.
    repeated = frame.duplicated(subset=fields, keep="first").to_numpy()
    if repeated.any():
        first = frame[~repeated]
        examples = []
        for i in np.flatnonzero(repeated)[:_EXAMPLES]:
            same = np.ones(len(first), dtype=bool)
            for fld in fields:
                same &= (first[fld] == frame[fld].iat[i]).to_numpy()
            examples.append(
                IssueExample(
                    int(frame["row"].iat[i]),
                    f"{frame['case'].iat[i]}, {frame['activity'].iat[i]}",
                    f"repeats {unit} {int(first['row'].to_numpy()[same][0])}",
                )
            )
        found.add("duplicate", int(repeated.sum()), iter(examples))
        frame = first.reset_index(drop=True)

    # Out of order: earlier than an event listed before it in the same case.
    if len(frame):
        latest = frame.groupby("case", observed=True, sort=False)["timestamp"].cummax()
        before = latest.groupby(frame["case"], observed=True, sort=False).shift()
        late = (frame["timestamp"] < before).to_numpy()
        found.add(
            "out_of_order",
            int(late.sum()),
            (
                IssueExample(
                    int(frame["row"].iat[i]),
                    str(frame["timestamp"].iat[i]),
                    f"case {frame['case'].iat[i]}, listed after {before.iat[i]}",
                )
                for i in np.flatnonzero(late)[:_EXAMPLES]
            ),
        )
        # lexsort is stable: events of a case at the same time keep their order in the file.
        order = np.lexsort((frame["timestamp"].to_numpy(), frame["case"].cat.codes.to_numpy()))
        frame = frame.iloc[order].reset_index(drop=True)

    issues = tuple(
        ImportIssue(
            kind=kind,
            count=found.counts[kind],
            column=names[_FIELD[kind]] if kind in _FIELD else "",
            examples=tuple(found.examples.get(kind, ())),
            source=source,
            where=unit,
        )
        for kind in KINDS
        if found.counts.get(kind)
    )
    if not len(frame):
        raise InvalidInput(
            f"{source}: none of the {read} rows is a usable event; nothing was imported.\n"
            + "\n".join(i.message for i in issues)
        )
    report = ImportReport(
        source=source,
        columns=dict(names),
        rows=read,
        events=len(frame),
        cases=int(frame["case"].nunique()),
        issues=issues,
    )
    return EventLog(frame, report, dict(names))


#: The issues that drop a row while a chunk is cleaned; a row is counted under the first only.
_DROPPED_EARLY = ("missing_case", "missing_activity", "bad_timestamp")
_FIELD = {
    "missing_case": "case",
    "missing_activity": "activity",
    "bad_timestamp": "timestamp",
    "missing_resource": "resource",
    "missing_team": "team",
}
