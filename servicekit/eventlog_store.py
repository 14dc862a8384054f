"""A journey's event log, kept in the workshop's database and read back when a page needs it.

A facilitator imports a team's event log (a CSV export from a ticketing or CRM system)
for a journey. :func:`store_event_log` reads the file first, so a file that cannot be
read is refused with the reader's message and nothing is stored; then it keeps the
file's bytes, as uploaded, with the column mapping it was read with
(:meth:`~servicekit.journal.Journal.put_event_log`). :func:`stored_event_log` reads
them again after a page reload or in another kernel; the parsed log is cached in the
process, so redraws do not read the file again.

An event log is not an operation: storing or removing one cannot be undone, and
``servicekit export-json`` does not carry it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InvalidInput
from .eventlog import FIELDS, EventLog, read_event_log

if TYPE_CHECKING:
    from .workshop import Workshop

__all__ = [
    "clear_cache",
    "parse_mapping",
    "store_event_log",
    "stored_event_log",
    "without_code_example",
]

#: Parsed logs kept in the process (a million events take a few tens of MB each).
CACHE_SIZE = 4

_Key = tuple[str, str, str]  # (database file, workshop, journey)
_cache: OrderedDict[_Key, tuple[tuple[str, str], EventLog]] = OrderedDict()
_lock = threading.Lock()


def parse_mapping(parts: str | Iterable[str], *, where: str = "mapping") -> dict[str, str]:
    """Column names from ``field=column`` parts: servicekit's field to the file's column.

    ``parts`` is one text, its parts separated by commas, semicolons or new lines, or
    the parts themselves (e.g. repeated ``--map`` options, where a column name may hold
    a comma). Field names ignore case; ``time`` is taken for ``timestamp``. Errors name
    ``where`` and the part that is wrong, and how to write it.

    >>> parse_mapping("case=Ticket ID, activity = Status")
    {'case': 'Ticket ID', 'activity': 'Status'}
    >>> parse_mapping("")
    {}
    >>> parse_mapping("ticket=Ticket ID")
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInput: mapping: 'ticket=Ticket ID' maps no field 'ticket'. The fields are case, activity, timestamp, resource, team: write e.g. case=Ticket ID.
    """
    items = re.split(r"[,;\n]", parts) if isinstance(parts, str) else list(parts)
    fields = ", ".join(FIELDS)
    out: dict[str, str] = {}
    for raw in items:
        part = raw.strip()
        if not part:
            continue
        fld, eq, column = part.partition("=")
        fld, column = fld.strip().casefold(), column.strip()
        fld = "timestamp" if fld == "time" else fld
        if not eq:
            raise InvalidInput(
                f"{where}: {part!r} has no '='. Write each column as field=column, "
                "e.g. case=Ticket ID."
            )
        if fld not in FIELDS:
            raise InvalidInput(
                f"{where}: {part!r} maps no field {fld!r}. The fields are {fields}: "
                "write e.g. case=Ticket ID."
            )
        if not column:
            raise InvalidInput(
                f"{where}: {part!r} names no column. Write the file's column after '=', "
                f"e.g. {fld}=Ticket ID."
            )
        if "=" in column:
            raise InvalidInput(
                f"{where}: {part!r} has more than one '='. Separate the columns with commas, "
                "e.g. case=Ticket ID, activity=Status."
            )
        if fld in out:
            raise InvalidInput(
                f"{where}: {fld!r} is mapped twice ({out[fld]!r} and {column!r}). Keep one of them."
            )
        out[fld] = column
    return out


def without_code_example(message: str) -> str:
    """The reader's message without its Python example of a mapping, for a page or a command
    that has its own way to name columns (which the caller then explains).

    >>> without_code_example(
    ...     "x.csv: no column for the time. Name the columns in a mapping, e.g. "
    ...     "read_event_log(path, mapping={'timestamp': 'Your column'})."
    ... )
    'x.csv: no column for the time.'
    """
    cut = message.find(" Name the columns in a mapping, e.g. read_event_log(")
    return message[:cut] if cut >= 0 else message


def store_event_log(
    ws: Workshop,
    journey_id: str,
    name: str,
    data: bytes,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> EventLog:
    """Read ``data`` (a CSV file's bytes) as an event log, then keep it as the journey's log.

    The read is the check: a file that cannot be read raises the reader's
    :class:`~servicekit.errors.InvalidInput` (naming the file and the fix), and nothing
    is stored; an earlier log of the journey stays as it was. A log read successfully
    replaces the earlier one in one transaction. ``name`` is the file's name, as
    messages give it; ``mapping`` and ``progress`` are as in
    :func:`~servicekit.eventlog.read_event_log`. Returns the log read.

    Not an operation: it cannot be undone, and an export does not carry it.
    """
    ws.journey(journey_id)  # an unknown journey is refused before the file is read
    name = Path(str(name)).name or "uploaded file"
    data = bytes(data)
    columns = dict(mapping or {})
    log = read_event_log(data, columns or None, source=name, progress=progress)
    stored = ws.journal.put_event_log(ws.slug, journey_id, name, data, columns)
    _remember(_key(ws, journey_id), stored.stamp, log)
    return log


def stored_event_log(
    ws: Workshop, journey_id: str, progress: Callable[[float], None] | None = None
) -> EventLog | None:
    """The journey's stored event log, read again with its stored mapping; None when it has none.

    A log already read in this process, and not replaced since, comes from a cache
    (``progress`` is then not called). A stored file that no longer reads (a later
    servicekit is stricter) raises :class:`~servicekit.errors.InvalidInput`, saying so.
    """
    key = _key(ws, journey_id)
    stamp = ws.journal.event_log_stamp(ws.slug, journey_id)
    if stamp is None:
        _forget(key)
        return None
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == stamp:
            _cache.move_to_end(key)
            return hit[1]
    stored = ws.journal.event_log(ws.slug, journey_id)
    if stored is None:  # removed by another page a moment ago
        _forget(key)
        return None
    try:
        log = read_event_log(
            stored.data, dict(stored.mapping) or None, source=stored.name, progress=progress
        )
    except InvalidInput as exc:
        raise InvalidInput(
            f"The event log stored for journey {journey_id!r} cannot be read any more: {exc} "
            "Remove it and import the file again."
        ) from None
    _remember(key, stored.stamp, log)
    return log


def clear_cache() -> None:
    """Forget every parsed log this process holds (they are read again when next asked for)."""
    with _lock:
        _cache.clear()


def _key(ws: Workshop, journey_id: str) -> _Key:
    return str(ws.journal.path.resolve()), ws.slug, journey_id


def _remember(key: _Key, stamp: tuple[str, str], log: EventLog) -> None:
    with _lock:
        _cache[key] = (stamp, log)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _forget(key: _Key) -> None:
    with _lock:
        _cache.pop(key, None)
