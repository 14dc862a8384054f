"""A journey's event log kept in the database: stored only once read, whole or not at all."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servicekit import Workshop, create_workshop, open_workshop
from servicekit.errors import InvalidInput, NotFound, StorageError
from servicekit.eventlog_store import (
    clear_cache,
    parse_mapping,
    store_event_log,
    stored_event_log,
)
from servicekit.journal import SCHEMA_VERSION, Journal

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LOG = REPO / "data" / "samples" / "onboarding-events.csv"

TICKETS = (
    b"Ticket;Status;Created;Assignee\n"
    b"T-1;Opened;2026-01-05 09:00;Desk\n"
    b"T-1;Fixed;2026-01-05 11:30;Network\n"
    b"T-2;Opened;2026-01-06 08:00;Desk\n"
)
#: Columns no name is recognised by: they need a mapping.
ODD = b"Ref,What,When,Who\nR-1,Opened,2026-01-05 09:00,Desk\nR-1,Closed,2026-01-05 10:00,Ops\n"
ODD_MAPPING = {"case": "Ref", "activity": "What", "timestamp": "When", "resource": "Who"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_cache()


@pytest.fixture
def jid(ws: Workshop) -> str:
    return ws.add_journey("Support ticket", journey_id="tickets")


def _row_count(ws: Workshop) -> int:
    return int(ws.journal._db.execute("SELECT COUNT(*) FROM event_logs").fetchone()[0])


def test_a_log_is_stored_and_read_back_after_a_reload(ws: Workshop, jid: str) -> None:
    data = SAMPLE_LOG.read_bytes()
    ops = ws.journal.count(ws.slug)
    log = store_event_log(ws, jid, "exports/onboarding-events.csv", data)
    assert (len(log), log.cases, log.source) == (700, 40, "onboarding-events.csv")

    stored = ws.journal.event_log(ws.slug, jid)
    assert stored is not None
    assert (stored.name, stored.data, dict(stored.mapping)) == ("onboarding-events.csv", data, {})
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert ws.journal.event_log_stamp(ws.slug, jid) == stored.stamp
    # Not an operation: no row in the history, nothing in an export.
    assert ws.journal.count(ws.slug) == ops
    assert "NBS-0439" not in str(ws.journal.export(ws.slug))

    clear_cache()  # as a new kernel after a reload: a fresh handle on the same file
    with Journal(ws.journal.path) as again:
        other = open_workshop(ws.slug, db=again)
        reread = stored_event_log(other, jid)
        assert reread is not None
        assert reread.events.equals(log.events)
        assert reread.report == log.report


def test_the_mapping_is_kept_and_used_to_read_the_file_again(ws: Workshop, jid: str) -> None:
    with pytest.raises(InvalidInput, match="no column for"):
        store_event_log(ws, jid, "odd.csv", ODD)
    store_event_log(ws, jid, "odd.csv", ODD, ODD_MAPPING)
    stored = ws.journal.event_log(ws.slug, jid)
    assert stored is not None and dict(stored.mapping) == ODD_MAPPING
    clear_cache()
    log = stored_event_log(ws, jid)
    assert log is not None and log.activities == ("Closed", "Opened")


def test_a_parsed_log_is_cached_until_it_is_replaced(ws: Workshop, jid: str) -> None:
    first = store_event_log(ws, jid, "tickets.csv", TICKETS)
    calls: list[float] = []
    assert stored_event_log(ws, jid, progress=calls.append) is first, "no second read"
    assert calls == []
    time.sleep(0.002)  # added_at is to the millisecond
    second = store_event_log(ws, jid, "tickets.csv", TICKETS + b"T-2;Fixed;2026-01-06 09:00;Ops\n")
    clear_cache()
    again = stored_event_log(ws, jid, progress=calls.append)
    assert again is not None and again is not second and len(again) == 4
    assert calls[-1] == 1.0
    assert stored_event_log(ws, jid) is again


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"Ticket;Status;Created;Assignee\n", "has a header but no events"),
        (b"a,b\n1,2\n", "no column for the case id"),
        (
            b"Ticket;Status;Created;Assignee\nT-1;Opened;caf\xe9;Desk\n",
            "line 2: not UTF-8 text",
        ),
        (b"Ticket;Status;Created;Assignee\nT-1;Opened;soon;Desk\n", "none of the 1 rows"),
    ],
    ids=["empty", "header-only", "no-columns", "not-utf8", "no-usable-row"],
)
def test_a_bad_file_stores_nothing_and_keeps_the_log_before(
    ws: Workshop, jid: str, data: bytes, message: str
) -> None:
    store_event_log(ws, jid, "tickets.csv", TICKETS)
    before = ws.journal.event_log(ws.slug, jid)
    with pytest.raises(InvalidInput, match=message):
        store_event_log(ws, jid, "bad.csv", data)
    assert ws.journal.event_log(ws.slug, jid) == before
    log = stored_event_log(ws, jid)
    assert log is not None and log.source == "tickets.csv"


def test_a_bad_first_file_leaves_no_log(ws: Workshop, jid: str) -> None:
    with pytest.raises(InvalidInput):
        store_event_log(ws, jid, "bad.csv", b"a,b\n1,2\n")
    assert ws.journal.event_log(ws.slug, jid) is None
    assert stored_event_log(ws, jid) is None
    assert _row_count(ws) == 0


def test_an_unknown_journey_or_workshop_is_refused(ws: Workshop, jid: str) -> None:
    with pytest.raises(NotFound, match="No journey exercise 'nope'"):
        store_event_log(ws, "nope", "tickets.csv", TICKETS)
    with pytest.raises(NotFound, match="No workshop 'elsewhere'"):
        ws.journal.put_event_log("elsewhere", jid, "tickets.csv", TICKETS, None)
    assert _row_count(ws) == 0


def test_the_journal_refuses_what_it_cannot_keep(
    ws: Workshop, jid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    put = ws.journal.put_event_log
    with pytest.raises(InvalidInput, match="the file is empty"):
        put(ws.slug, jid, "e.csv", b"", None)
    with pytest.raises(InvalidInput, match="must be the file's bytes"):
        put(ws.slug, jid, "e.csv", "text", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="name: '' must be text"):
        put(ws.slug, jid, "", TICKETS, None)
    with pytest.raises(InvalidInput, match="must map a field name to a column name"):
        put(ws.slug, jid, "t.csv", TICKETS, {"case": 3})  # type: ignore[dict-item]
    monkeypatch.setattr("servicekit.journal.MAX_EVENT_LOG", 100)
    with pytest.raises(InvalidInput, match="an event log may have up to 100"):
        put(ws.slug, jid, "t.csv", TICKETS, None)
    assert _row_count(ws) == 0


def test_remove(ws: Workshop, jid: str) -> None:
    store_event_log(ws, jid, "tickets.csv", TICKETS)
    assert stored_event_log(ws, jid) is not None
    assert ws.journal.remove_event_log(ws.slug, jid) is True
    assert ws.journal.event_log(ws.slug, jid) is None
    assert stored_event_log(ws, jid) is None, "the cached log goes with it"
    assert ws.journal.remove_event_log(ws.slug, jid) is False


def test_one_log_per_journey_and_workshop(ws: Workshop, jid: str) -> None:
    other = ws.add_journey("Another", journey_id="other")
    store_event_log(ws, jid, "tickets.csv", TICKETS)
    store_event_log(ws, other, "odd.csv", ODD, ODD_MAPPING)
    second = create_workshop("second", "Second", db=ws.journal)
    second.add_journey("Support ticket", journey_id="tickets")
    assert stored_event_log(second, "tickets") is None
    a, b = stored_event_log(ws, jid), stored_event_log(ws, other)
    assert a is not None and b is not None and (a.source, b.source) == ("tickets.csv", "odd.csv")


# -- transactions, crashes, migration --------------------------------------------------------------


def test_a_failure_after_the_write_rolls_it_back(
    ws: Workshop, jid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_event_log(ws, jid, "tickets.csv", TICKETS)
    before = ws.journal.event_log(ws.slug, jid)

    def fail(*args: object) -> None:  # runs after the INSERT, before COMMIT
        raise StorageError("disk full")

    monkeypatch.setattr(Journal, "_check_event_log", fail)
    with pytest.raises(StorageError, match="disk full"):
        store_event_log(ws, jid, "odd.csv", ODD, ODD_MAPPING)
    assert ws.journal.event_log(ws.slug, jid) == before
    with Journal(ws.journal.path) as other:  # and so does every other process
        assert other.event_log(ws.slug, jid) == before


_WRITER = """
import sys
from servicekit.journal import Journal
journal = Journal(sys.argv[1])
filler = bytes(range(256)) * (12 * 4096)  # 12 MiB
for n in range(1_000_000):
    journal.put_event_log("demo", "tickets", f"v{n}.csv", f"{n}\\n".encode() + filler, None)
    print("stored", n, flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.13])
def test_a_process_killed_mid_store_leaves_a_whole_log(
    ws: Workshop, jid: str, db_path: Path, delay: float
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    done: list[int] = []
    deadline = time.monotonic() + 60
    while len(done) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("stored"):
            done.append(int(line.split()[1]))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    done += [int(line.split()[1]) for line in out.splitlines() if line.startswith("stored")]
    assert len(done) >= 2

    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with Journal(db_path) as journal:
        stored = journal.event_log("demo", jid)
        assert stored is not None
        assert hashlib.sha256(stored.data).hexdigest() == stored.sha256
        version = int(stored.data.split(b"\n", 1)[0])
        assert stored.name == f"v{version}.csv"
        assert version in (done[-1], done[-1] + 1), "the last stored log, or the one after it"
        assert stored.size == len(f"{version}\n") + 12 * 1024 * 1024


def _as_schema_2(path: Path) -> None:
    """Turn a database back into what servicekit with schema 2 wrote."""
    con = sqlite3.connect(path)
    con.execute("DROP TABLE event_logs")
    con.execute("PRAGMA user_version = 2")
    con.commit()
    con.close()


def test_a_schema_2_database_is_migrated(db_path: Path) -> None:
    assert SCHEMA_VERSION == 3
    with Journal(db_path) as journal:
        ws = create_workshop("old", "Old workshop", db=journal)
        ws.add_journey("Support ticket", journey_id="tickets")
        key = journal.secret("old", "facilitator")
        history = journal.export("old")["operations"]
    _as_schema_2(db_path)
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "event_logs" not in tables and "secrets" in tables
    con.close()

    with Journal(db_path) as journal:
        assert journal._db.execute("PRAGMA user_version").fetchone()[0] == 3
        assert journal.secret("old", "facilitator") == key
        assert journal.export("old")["operations"] == history
        ws = open_workshop("old", db=journal)
        assert ws.journey("tickets").name == "Support ticket"
        assert ws.journal.event_log("old", "tickets") is None
        store_event_log(ws, "tickets", "tickets.csv", TICKETS)
    with Journal(db_path) as journal:  # opening a migrated file again changes nothing
        stored = journal.event_log("old", "tickets")
        assert stored is not None and stored.data == TICKETS


# -- the mapping as people type it ----------------------------------------------------------------


def test_parse_mapping() -> None:
    assert parse_mapping("case=Ticket ID; Activity=Status\nTIME = Created at") == {
        "case": "Ticket ID",
        "activity": "Status",
        "timestamp": "Created at",
    }
    assert parse_mapping(["case=Ref, with a comma", "team=Group"]) == {
        "case": "Ref, with a comma",
        "team": "Group",
    }
    assert parse_mapping(" , ;") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "case Ticket ID",
            r"Columns: 'case Ticket ID' has no '='\. Write each column as field=column",
        ),
        ("who=Assignee", r"Columns: 'who=Assignee' maps no field 'who'\. The fields are case, "),
        ("case=", r"Columns: 'case=' names no column\. .* e\.g\. case=Ticket ID"),
        ("case=Ref activity=What", r"has more than one '='\. Separate the columns with commas"),
        ("case=A, case=B", r"Columns: 'case' is mapped twice \('A' and 'B'\)\. Keep one"),
    ],
)
def test_parse_mapping_errors_name_the_part_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_mapping(text, where="Columns")
