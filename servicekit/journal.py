"""The operation journal: every user action appended to a SQLite file as it happens.

One file holds every workshop of an installation. Each operation is one row,
written in its own transaction; nothing is ever updated in place, so history,
undo and "anything after N?" come free, and many processes (one per Voila page)
can append at once. Operations are validated *inside* the write transaction
against the latest state, so the stored sequence always replays cleanly.

Location, first match wins: the ``path`` argument, ``$SERVICEKIT_DB``, then
``$XDG_DATA_HOME/servicekit/servicekit.db`` (default ``~/.local/share/...``).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import Conflict, FormatVersionError, InvalidInput, NotFound, StorageError
from .models import FORMAT_VERSION, WorkshopState, apply
from .models._base import check_format_version
from .models.workshop import check_slug

__all__ = [
    "SCHEMA_VERSION",
    "SNAPSHOT_EVERY",
    "Journal",
    "Operation",
    "StoredLog",
    "default_path",
    "read_workshop_file",
]

#: Version of the database schema; older files are migrated on open.
SCHEMA_VERSION = 3
#: A snapshot of the state is stored after this many operations, so rebuilds stay fast.
SNAPSHOT_EVERY = 500
#: Largest payload of one operation, in bytes of JSON.
MAX_PAYLOAD = 8 * 1024 * 1024
#: How long a writer waits for others before giving up, in seconds.
BUSY_SECONDS = 60.0
#: Largest event log file kept for a journey, in bytes.
MAX_EVENT_LOG = 256 * 1024 * 1024

_MIGRATIONS: dict[int, Sequence[str]] = {
    1: (
        """CREATE TABLE workshops (
               slug TEXT PRIMARY KEY,
               created_at TEXT NOT NULL)""",
        """CREATE TABLE ops (
               seq INTEGER PRIMARY KEY AUTOINCREMENT,
               workshop TEXT NOT NULL REFERENCES workshops(slug),
               at TEXT NOT NULL,
               actor TEXT NOT NULL,
               kind TEXT NOT NULL,
               payload TEXT NOT NULL,
               inverse TEXT,
               undoes INTEGER)""",
        "CREATE INDEX ops_by_workshop ON ops (workshop, seq)",
        "CREATE INDEX ops_by_actor ON ops (workshop, actor, seq)",
        "CREATE INDEX ops_undoes ON ops (workshop, undoes) WHERE undoes IS NOT NULL",
        """CREATE TABLE snapshots (
               workshop TEXT NOT NULL REFERENCES workshops(slug),
               seq INTEGER NOT NULL,
               format_version INTEGER NOT NULL,
               state TEXT NOT NULL,
               PRIMARY KEY (workshop, seq))""",
    ),
    # Secrets (the facilitator's key, the key that signs participants' sign-ins) live apart from
    # the operations, so an export never carries them.
    2: (
        """CREATE TABLE secrets (
               workshop TEXT NOT NULL REFERENCES workshops(slug),
               name TEXT NOT NULL,
               value TEXT NOT NULL,
               PRIMARY KEY (workshop, name))""",
    ),
    # Event logs: one file per journey, kept as uploaded (the bytes, not the parsed events), so
    # a better reader can read it again. Not operations: no undo, not in an export's history.
    # IF NOT EXISTS: a file whose version was set back by hand may still have the table.
    3: (
        """CREATE TABLE IF NOT EXISTS event_logs (
               workshop TEXT NOT NULL REFERENCES workshops(slug),
               journey TEXT NOT NULL,
               name TEXT NOT NULL,
               data BLOB NOT NULL,
               size INTEGER NOT NULL,
               sha256 TEXT NOT NULL,
               mapping TEXT NOT NULL,
               added_at TEXT NOT NULL,
               PRIMARY KEY (workshop, journey))""",
    ),
}


def default_path() -> Path:
    """Where the database lives when no path is given."""
    if env := os.environ.get("SERVICEKIT_DB"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "servicekit" / "servicekit.db"


def now() -> str:
    """The current UTC time as ISO 8601 text, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Operation:
    """One stored operation. ``inverse`` undoes it; ``undoes`` is set on undo operations."""

    seq: int
    workshop: str
    at: str
    actor: str
    kind: str
    payload: dict[str, Any]
    inverse: dict[str, Any] | None = None
    undoes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class StoredLog:
    """The event log file kept for a journey: its bytes as uploaded, and how to read them.

    ``mapping`` is the column mapping the file was read with (servicekit's field to the
    file's column; empty when every column was recognised by name); ``added_at`` is UTC
    ISO 8601 text; ``sha256`` is the hex digest of ``data``. Together with ``added_at`` it
    tells one stored version from another (see :meth:`Journal.event_log_stamp`).
    """

    workshop: str
    journey: str
    name: str
    data: bytes = field(repr=False)
    mapping: Mapping[str, str]
    added_at: str
    sha256: str

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)

    @property
    def stamp(self) -> tuple[str, str]:
        """``(added_at, sha256)``: what :meth:`Journal.event_log_stamp` returns for this version."""
        return self.added_at, self.sha256


#: What a writer returns from its ``decide`` callback: ``(actor, kind, payload, inverse)`` rows.
NewOps = list[tuple[str, str, dict[str, Any], dict[str, Any] | None]]


class Journal:
    """A handle on the SQLite journal. One per process (or per Voila kernel) is plenty."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self._lock = threading.RLock()
        if self.path.exists() and self.path.is_dir():
            raise StorageError(
                f"{self.path} is a directory. Give the path of a database file instead."
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
            )
            self._retry(self._setup)
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "_db"):
                self._db.close()
            msg = (
                f"{self.path} is not a servicekit database ({exc}). Point SERVICEKIT_DB or --db at "
                "another file; this one was left untouched."
            )
            raise StorageError(msg) from None

    # -- set-up ---------------------------------------------------------------------------------
    def _setup(self) -> None:
        db = self._db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            msg = (
                f"{self.path} was written by a newer servicekit (schema {version}; this one knows "
                f"{SCHEMA_VERSION}). Upgrade servicekit to open it."
            )
            raise StorageError(msg)
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        if version < SCHEMA_VERSION:
            with self._write():
                current = db.execute("PRAGMA user_version").fetchone()[0]
                for target in range(current + 1, SCHEMA_VERSION + 1):
                    for statement in _MIGRATIONS[target]:
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {target}")

    def close(self) -> None:
        """Close the connection. The handle cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so two writers never deadlock."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    def _retry(self, work: Callable[[], Any]) -> Any:
        """Run ``work``, retrying while another process holds the database.

        SQLite's busy timeout covers most waits; a few cases (a WAL checkpoint
        racing a writer) report busy at once and are retried here.
        """
        deadline = time.monotonic() + BUSY_SECONDS
        delay = 0.005
        while True:
            try:
                return work()
            except sqlite3.OperationalError as exc:
                text = str(exc)
                if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                    raise StorageError(
                        f"{self.path}: {text}. Another program may be holding it."
                    ) from None
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.2)

    # -- reading --------------------------------------------------------------------------------
    def workshops(self) -> list[dict[str, Any]]:
        """Every workshop: slug, created_at, number of operations and time of the last one."""
        rows = self._retry(
            lambda: self._db.execute(
                """SELECT w.slug, w.created_at, COUNT(o.seq), MAX(o.at)
                   FROM workshops w LEFT JOIN ops o ON o.workshop = w.slug
                   GROUP BY w.slug ORDER BY MAX(o.seq) DESC"""
            ).fetchall()
        )
        keys = ("slug", "created_at", "operations", "last_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def exists(self, slug: str) -> bool:
        """True when a workshop with this slug is stored."""
        row = self._retry(
            lambda: self._db.execute("SELECT 1 FROM workshops WHERE slug=?", (slug,)).fetchone()
        )
        return row is not None

    def require(self, slug: str) -> None:
        """Raise :class:`NotFound` with the known slugs when ``slug`` is not stored."""
        if not self.exists(slug):
            known = [w["slug"] for w in self.workshops()][:8]
            hint = (
                f" Known workshops: {', '.join(known)}."
                if known
                else " Create one with 'servicekit new'."
            )
            raise NotFound(f"No workshop {slug!r} in {self.path}.{hint}")

    def operations(self, slug: str, after: int = 0) -> list[Operation]:
        """The workshop's operations with a sequence number above ``after``, in order."""
        rows = self._retry(
            lambda: self._db.execute(
                """SELECT seq, workshop, at, actor, kind, payload, inverse, undoes FROM ops
                   WHERE workshop=? AND seq>? ORDER BY seq""",
                (slug, after),
            ).fetchall()
        )
        return [_row(r) for r in rows]

    def last_seq(self, slug: str) -> int:
        """Sequence number of the workshop's latest operation (0 if none)."""
        row = self._retry(
            lambda: self._db.execute(
                "SELECT MAX(seq) FROM ops WHERE workshop=?", (slug,)
            ).fetchone()
        )
        return int(row[0] or 0)

    def count(self, slug: str, after: int = 0, upto: int | None = None) -> int:
        """How many operations the workshop has with ``after < seq <= upto``."""
        row = self._retry(
            lambda: self._db.execute(
                "SELECT COUNT(*) FROM ops WHERE workshop=? AND seq>? AND seq<=?",
                (slug, after, upto if upto is not None else 1 << 62),
            ).fetchone()
        )
        return int(row[0])

    def last_undoable(self, slug: str, actor: str) -> Operation | None:
        """The actor's latest operation that has an inverse and is not undone yet."""
        row = self._db.execute(
            """SELECT seq, workshop, at, actor, kind, payload, inverse, undoes FROM ops o
               WHERE workshop=? AND actor=? AND inverse IS NOT NULL AND undoes IS NULL
                 AND NOT EXISTS (SELECT 1 FROM ops u WHERE u.workshop=o.workshop AND u.undoes=o.seq)
               ORDER BY seq DESC LIMIT 1""",
            (slug, actor),
        ).fetchone()
        return _row(row) if row else None

    # -- rebuilding -----------------------------------------------------------------------------
    def rebuild(self, slug: str, upto: int | None = None) -> tuple[WorkshopState, int]:
        """The workshop's state and the sequence number it reflects.

        Starts from the latest snapshot (at or before ``upto``), then replays what
        came after it.
        """
        self.require(slug)
        limit = upto if upto is not None else 1 << 62
        row = self._retry(
            lambda: self._db.execute(
                """SELECT seq, format_version, state FROM snapshots WHERE workshop=? AND seq<=?
                   ORDER BY seq DESC LIMIT 1""",
                (slug, limit),
            ).fetchone()
        )
        state: WorkshopState | None = None
        seq = 0
        if row is not None and row[1] <= FORMAT_VERSION:
            seq = row[0]
            state = WorkshopState.from_dict(json.loads(row[2]), where=f"snapshot {slug}@{seq}")
        for op in self.operations(slug, after=seq):
            if op.seq > limit:
                break
            state, _ = apply(state, op.kind, op.payload)
            seq = op.seq
        if state is None:
            raise StorageError(
                f"Workshop {slug!r} in {self.path} has no operations; it cannot be opened."
            )
        return state, seq

    # -- writing --------------------------------------------------------------------------------
    def commit(
        self, slug: str, after: int, decide: Callable[[list[Operation]], NewOps]
    ) -> list[Operation]:
        """Append operations in one transaction, deciding them against the latest state.

        Inside the write lock, ``decide`` receives every operation stored after
        ``after`` (written by other processes since the caller last looked) and
        returns the rows to append. If it raises, nothing is written. Returns the
        others' operations followed by the new ones, with their sequence numbers.
        """

        def work() -> list[Operation]:
            with self._write() as db:
                others = self.operations(slug, after)
                new = decide(others)
                stored = []
                for actor, kind, payload, inverse in new:
                    text = _dump(payload, kind)
                    undoes = payload.get("target") if kind == "undo" else None
                    at = now()
                    cur = db.execute(
                        """INSERT INTO ops (workshop, at, actor, kind, payload, inverse, undoes)
                           VALUES (?, ?, ?, ?, ?, ?, ?)""",
                        (
                            slug,
                            at,
                            actor,
                            kind,
                            text,
                            _dump(inverse, kind) if inverse else None,
                            undoes,
                        ),
                    )
                    stored.append(
                        Operation(
                            cur.lastrowid or 0, slug, at, actor, kind, payload, inverse, undoes
                        )
                    )
                return others + stored

        stored: list[Operation] = self._retry(work)
        return stored

    def create(
        self, slug: str, actor: str, first: Mapping[str, Any], *, kind: str = "workshop.create"
    ) -> WorkshopState:
        """Store a new workshop whose first operation is ``kind`` with payload ``first``."""
        check_slug(slug)
        state, _ = apply(None, kind, first)
        if state.slug != slug:
            raise InvalidInput(f"slug: the workshop data names {state.slug!r}, not {slug!r}.")

        def work() -> None:
            with self._write() as db:
                if db.execute("SELECT 1 FROM workshops WHERE slug=?", (slug,)).fetchone():
                    msg = f"A workshop named {slug!r} already exists in {self.path}. Choose another name."
                    raise Conflict(msg)
                db.execute("INSERT INTO workshops (slug, created_at) VALUES (?, ?)", (slug, now()))
                db.execute(
                    "INSERT INTO ops (workshop, at, actor, kind, payload) VALUES (?, ?, ?, ?, ?)",
                    (slug, now(), actor, kind, _dump(dict(first), kind)),
                )

        self._retry(work)
        return state

    def snapshot(self, slug: str, seq: int, state: WorkshopState) -> None:
        """Store the state as of ``seq`` so later rebuilds can start from it."""
        text = json.dumps(state.to_dict(), ensure_ascii=False, separators=(",", ":"))

        def work() -> None:
            with self._write() as db:
                db.execute(
                    "INSERT OR IGNORE INTO snapshots (workshop, seq, format_version, state) VALUES (?, ?, ?, ?)",
                    (slug, seq, FORMAT_VERSION, text),
                )

        self._retry(work)

    def last_snapshot_seq(self, slug: str) -> int:
        """Sequence number of the latest snapshot (0 if none)."""
        row = self._retry(
            lambda: self._db.execute(
                "SELECT MAX(seq) FROM snapshots WHERE workshop=?", (slug,)
            ).fetchone()
        )
        return int(row[0] or 0)

    # -- whole-workshop files ---------------------------------------------------------------------
    def secret(self, slug: str, name: str) -> str:
        """The workshop's secret called ``name``, made at random on first use and kept.

        Secrets never leave the database: :meth:`export` does not include them.
        """
        self.require(slug)
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM secrets WHERE workshop = ? AND name = ?", (slug, name)
            ).fetchone()
            if row is not None:
                return str(row[0])

            def make() -> str:
                with self._write() as db:
                    db.execute(
                        "INSERT OR IGNORE INTO secrets (workshop, name, value) VALUES (?, ?, ?)",
                        (slug, name, secrets.token_urlsafe(18)),
                    )
                    found = db.execute(
                        "SELECT value FROM secrets WHERE workshop = ? AND name = ?", (slug, name)
                    ).fetchone()
                return str(found[0])

            value: str = self._retry(make)
            return value

    # -- event logs -------------------------------------------------------------------------------
    def put_event_log(
        self,
        slug: str,
        journey_id: str,
        name: str,
        data: bytes,
        mapping: Mapping[str, str] | None = None,
    ) -> StoredLog:
        """Keep ``data``, an event log file, as the journey's log, replacing any earlier one.

        The file is stored whole, in one transaction: a process killed midway leaves the
        earlier log (or none) in place, never part of a file. Check the file first; this
        stores any bytes (:func:`servicekit.eventlog_store.store_event_log` reads the file,
        then stores it). ``mapping`` is the column mapping to read it with again.

        An event log is not an operation: storing or removing one cannot be undone, and
        :meth:`export` (``servicekit export-json``) does not carry it.
        """
        self.require(slug)
        _check_text("journey", journey_id, 200)
        _check_text("name", name, 255)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidInput(
                f"{name}: the event log must be the file's bytes, not {type(data).__name__}."
            )
        data = bytes(data)
        if not data:
            raise InvalidInput(f"{name}: the file is empty. Export the event log again.")
        if len(data) > MAX_EVENT_LOG:
            raise InvalidInput(
                f"{name}: {len(data):,} bytes; an event log may have up to {MAX_EVENT_LOG:,}. "
                "Export fewer cases (a shorter period) and import that."
            )
        columns = dict(mapping or {})
        for fld, column in columns.items():
            if not isinstance(fld, str) or not isinstance(column, str):
                raise InvalidInput(
                    f"mapping: {fld!r}: {column!r} must map a field name to a column name (text)."
                )
        stored = StoredLog(
            workshop=slug,
            journey=journey_id,
            name=name,
            data=data,
            mapping=columns,
            added_at=now(),
            sha256=hashlib.sha256(data).hexdigest(),
        )

        def work() -> None:
            with self._write() as db:
                db.execute(
                    """INSERT OR REPLACE INTO event_logs
                       (workshop, journey, name, data, size, sha256, mapping, added_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        slug,
                        journey_id,
                        name,
                        data,
                        len(data),
                        stored.sha256,
                        json.dumps(columns, ensure_ascii=False),
                        stored.added_at,
                    ),
                )
                self._check_event_log(db, stored)

        self._retry(work)
        return stored

    def _check_event_log(self, db: sqlite3.Connection, stored: StoredLog) -> None:
        """Inside the write: the row just written holds the whole file (else roll back)."""
        row = db.execute(
            "SELECT length(data), sha256 FROM event_logs WHERE workshop = ? AND journey = ?",
            (stored.workshop, stored.journey),
        ).fetchone()
        if row is None or (row[0], row[1]) != (stored.size, stored.sha256):
            raise StorageError(
                f"{self.path}: the event log {stored.name!r} was not stored whole; nothing was "
                "changed. Check the disk has room, then import it again."
            )

    def event_log(self, slug: str, journey_id: str) -> StoredLog | None:
        """The event log file kept for the journey, or None when it has none.

        Event logs are kept apart from the operations: see :meth:`put_event_log`.
        """
        row = self._retry(
            lambda: self._db.execute(
                """SELECT name, data, mapping, added_at, sha256 FROM event_logs
                   WHERE workshop = ? AND journey = ?""",
                (slug, journey_id),
            ).fetchone()
        )
        if row is None:
            return None
        name, data, mapping, added_at, digest = row
        return StoredLog(slug, journey_id, name, bytes(data), json.loads(mapping), added_at, digest)

    def event_log_stamp(self, slug: str, journey_id: str) -> tuple[str, str] | None:
        """``(added_at, sha256)`` of the journey's event log, or None: cheap, the file is not read.

        A redraw compares it with what it showed last, to read the file only when it changed.
        """
        row = self._retry(
            lambda: self._db.execute(
                "SELECT added_at, sha256 FROM event_logs WHERE workshop = ? AND journey = ?",
                (slug, journey_id),
            ).fetchone()
        )
        return (str(row[0]), str(row[1])) if row is not None else None

    def remove_event_log(self, slug: str, journey_id: str) -> bool:
        """Forget the journey's event log; True if there was one.

        Not an operation: it cannot be undone (import the file again to bring it back).
        """

        def work() -> bool:
            with self._write() as db:
                cur = db.execute(
                    "DELETE FROM event_logs WHERE workshop = ? AND journey = ?", (slug, journey_id)
                )
                return cur.rowcount > 0

        removed: bool = self._retry(work)
        return removed

    def export(self, slug: str) -> dict[str, Any]:
        """One workshop as plain data: its state and its full operation history."""
        state, _ = self.rebuild(slug)
        return {
            "format_version": FORMAT_VERSION,
            "kind": "servicekit.workshop",
            "exported_at": now(),
            "workshop": state.to_dict(),
            "operations": [
                {k: v for k, v in op.to_dict().items() if k != "workshop"}
                for op in self.operations(slug)
            ],
        }

    def import_(self, data: Any, *, source: str = "the file", slug: str | None = None) -> str:
        """Store a workshop from :meth:`export` data (or a bare state); return its slug.

        With its history, the workshop is stored operation by operation, exactly as
        exported; renamed with ``slug`` (or given without history), it starts from one
        ``workshop.restore`` operation. Everything is checked before anything is written.
        """
        if not isinstance(data, Mapping):
            raise InvalidInput(f"{source}: expected a JSON object with a 'workshop' field.")
        check_format_version(data, source)
        if "workshop" not in data:
            raise InvalidInput(f"{source}: no 'workshop' field. Is this a servicekit export?")
        state = WorkshopState.from_dict(data["workshop"], where=f"{source}: workshop")
        history = data.get("operations")
        target = check_slug(slug) if slug is not None else state.slug
        if history and target == state.slug:
            rows = _check_history(history, state, source)
            self._insert_history(target, rows)
        else:
            self.create(
                target,
                "import",
                {"state": {**state.to_dict(), "slug": target}},
                kind="workshop.restore",
            )
        return target

    def _insert_history(self, slug: str, rows: list[dict[str, Any]]) -> None:
        def work() -> None:
            with self._write() as db:
                if db.execute("SELECT 1 FROM workshops WHERE slug=?", (slug,)).fetchone():
                    msg = (
                        f"A workshop named {slug!r} already exists in {self.path}. Import it under "
                        "another name (servicekit import-json FILE --as NEW-NAME)."
                    )
                    raise Conflict(msg)
                db.execute(
                    "INSERT INTO workshops (slug, created_at) VALUES (?, ?)", (slug, rows[0]["at"])
                )
                remap: dict[int, int] = {}
                for row in rows:
                    payload = dict(row["payload"])
                    undoes = None
                    if row["kind"] == "undo":
                        undoes = remap[payload["target"]]
                        payload["target"] = undoes
                    inverse = row.get("inverse")
                    cur = db.execute(
                        """INSERT INTO ops (workshop, at, actor, kind, payload, inverse, undoes)
                           VALUES (?, ?, ?, ?, ?, ?, ?)""",
                        (
                            slug,
                            row["at"],
                            row["actor"],
                            row["kind"],
                            _dump(payload, row["kind"]),
                            _dump(inverse, row["kind"]) if inverse else None,
                            undoes,
                        ),
                    )
                    remap[row["seq"]] = cur.lastrowid or 0

        self._retry(work)


def read_workshop_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a workshop JSON file, with errors that give the file, line and column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file. Check the path.") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path}: not UTF-8 text (byte {exc.start}). Is this a servicekit JSON export?"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = (
            f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}). "
            "Export the workshop again, or fix the file in a JSON-aware editor."
        )
        raise InvalidInput(msg) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            f"{path}: expected a JSON object with a 'workshop' field, found {type(data).__name__}."
        )
    return data


def _check_history(history: Any, state: WorkshopState, source: str) -> list[dict[str, Any]]:
    """Validate an exported history: well-formed rows that replay to exactly ``state``."""
    if not isinstance(history, list) or not history:
        raise InvalidInput(f"{source}: 'operations' must be a non-empty list.")
    seen: set[int] = set()
    replayed: WorkshopState | None = None
    for i, row in enumerate(history):
        where = f"{source}: operations[{i}]"
        if not isinstance(row, Mapping):
            raise InvalidInput(f"{where}: expected an object.")
        for key, kind in (
            ("seq", int),
            ("at", str),
            ("actor", str),
            ("kind", str),
            ("payload", dict),
        ):
            if not isinstance(row.get(key), kind):
                raise InvalidInput(f"{where}.{key}: missing or of the wrong type.")
        if row["seq"] in seen:
            raise Conflict(
                f"{where}.seq: {row['seq']} appears twice. Each operation has its own number."
            )
        seen.add(row["seq"])
        if row["kind"] == "undo" and row["payload"].get("target") not in seen:
            raise InvalidInput(
                f"{where}: undoes operation {row['payload'].get('target')!r}, which is not before it."
            )
        try:
            replayed, _ = apply(replayed, row["kind"], row["payload"])
        except (InvalidInput, Conflict, NotFound, FormatVersionError) as exc:
            raise type(exc)(f"{where} ({row['kind']}): {exc}") from None
    if replayed != state:
        msg = f"{source}: the operations do not rebuild the workshop stored beside them; the file was edited or damaged."
        raise Conflict(msg)
    return list(history)


def _check_text(what: str, value: Any, limit: int) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidInput(f"{what}: {value!r} must be text of 1-{limit} characters.")


def _dump(value: Any, kind: str) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_PAYLOAD:
        msg = (
            f"Operation {kind!r} is {len(text):,} characters of data; the limit is {MAX_PAYLOAD:,}."
        )
        raise InvalidInput(msg + " Split it into smaller changes.")
    return text


def _row(row: Sequence[Any]) -> Operation:
    seq, workshop, at, actor, kind, payload, inverse, undoes = row
    return Operation(
        seq,
        workshop,
        at,
        actor,
        kind,
        json.loads(payload),
        json.loads(inverse) if inverse else None,
        undoes,
    )
