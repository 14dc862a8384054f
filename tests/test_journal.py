"""The SQLite journal: append, read-after, snapshots, schema, export/import, bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from servicekit import Workshop, create_workshop, open_workshop
from servicekit.errors import Conflict, FormatVersionError, InvalidInput, NotFound, StorageError
from servicekit.journal import SCHEMA_VERSION, SNAPSHOT_EVERY, Journal, read_workshop_file
from servicekit.models import FORMAT_VERSION


def _fingerprint(journal: Journal, slug: str) -> tuple:
    return journal.count(slug), journal.rebuild(slug)[0]


def test_operations_after_n(ws: Workshop) -> None:
    tid = ws.add_tree("P")
    mark = ws.seq
    ws.add_why(tid, None, "A")
    ws.add_why(tid, None, "B")
    later = ws.journal.operations("demo", after=mark)
    assert [op.payload["node"]["answer"] for op in later] == ["A", "B"]
    assert all(op.actor == "facilitator" and op.at for op in later)
    assert ws.journal.operations("demo", after=later[-1].seq) == []


def test_snapshots_keep_rebuilds_short_and_identical(ws: Workshop) -> None:
    tid = ws.add_tree("P")
    for i in range(SNAPSHOT_EVERY + 20):
        ws.add_why(tid, None, f"answer {i}")
    snap = ws.journal.last_snapshot_seq("demo")
    assert snap > 0
    assert ws.journal.count("demo", after=snap) < SNAPSHOT_EVERY
    rebuilt, seq = ws.journal.rebuild("demo")
    assert seq == ws.seq
    assert rebuilt == ws.state
    # The snapshot must agree with a full replay from the first operation.
    ws.journal._db.execute("DELETE FROM snapshots")
    assert ws.journal.rebuild("demo")[0] == ws.state


def test_schema_version_is_recorded_and_newer_files_refused(db_path: Path) -> None:
    Journal(db_path).close()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StorageError, match=r"written by a newer servicekit.*Upgrade servicekit"):
        Journal(db_path)


def test_an_old_empty_file_is_migrated(db_path: Path) -> None:
    sqlite3.connect(db_path).close()  # schema version 0, no tables
    with Journal(db_path) as j:
        create_workshop("m", "Migrated", db=j)
        assert j.exists("m")


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.write_text("these are my meeting notes, not a database\n" * 50)
    before = db_path.read_bytes()
    with pytest.raises(
        StorageError, match=r"is not a servicekit database .* this one was left untouched"
    ):
        Journal(db_path)
    assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()


def test_export_import_is_lossless(ws: Workshop, tmp_path: Path) -> None:
    tid = ws.add_tree("P ✓ — «quoted» 🍞")
    a = ws.add_why(tid, None, "A", lens="people")
    ws.edit_why(tid, a, root_cause=True)
    ws.undo()
    data = json.loads(json.dumps(ws.journal.export("demo")))
    with Journal(tmp_path / "other.db") as other:
        assert other.import_(data) == "demo"
        copy = open_workshop("demo", db=other)
        assert copy.state == ws.state
        assert [(o.kind, o.actor, o.at, o.payload) for o in copy.history()][:4] == [
            (o.kind, o.actor, o.at, o.payload) for o in ws.history()
        ][:4]
        assert other.export("demo")["operations"][-1]["kind"] == "undo"
        # Undo history survives: the facilitator's last undoable operation is the same one.
        copy.undo()
        assert copy.tree(tid).nodes == {}


def test_import_under_another_name(ws: Workshop) -> None:
    ws.add_tree("P")
    data = ws.journal.export("demo")
    assert ws.journal.import_(data, slug="demo-copy") == "demo-copy"
    copy = open_workshop("demo-copy", db=ws.journal)
    assert copy.state.trees == ws.state.trees
    with pytest.raises(Conflict, match=r"already exists.*--as NEW-NAME"):
        ws.journal.import_(data)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ('{"workshop": {"slug": "x",', InvalidInput, r"line 1, column 2\d: not valid JSON"),
        ("[1, 2]", InvalidInput, "expected a JSON object"),
        (
            json.dumps({"format_version": FORMAT_VERSION + 1, "workshop": {}}),
            FormatVersionError,
            rf"format version {FORMAT_VERSION + 1}.*Upgrade servicekit",
        ),
        (
            json.dumps(
                {"workshop": {"slug": "demo", "title": "T", "join_code": "ABCD", "colour": 1}}
            ),
            InvalidInput,
            "unknown field 'colour'",
        ),
        (
            json.dumps({"workshop": {"slug": "Bad Slug", "title": "T", "join_code": "ABCD"}}),
            InvalidInput,
            "is not a valid workshop name",
        ),
    ],
)
def test_bad_import_files_give_a_specific_error_and_change_nothing(
    ws: Workshop, tmp_path: Path, text: str, error: type, message: str
) -> None:
    ws.add_tree("P")
    before = _fingerprint(ws.journal, "demo")
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(error, match=message):
        ws.journal.import_(read_workshop_file(path), source=str(path))
    assert _fingerprint(ws.journal, "demo") == before
    assert [w["slug"] for w in ws.journal.workshops()] == ["demo"]


def test_a_tampered_history_is_refused(ws: Workshop, tmp_path: Path) -> None:
    tid = ws.add_tree("P")
    ws.add_why(tid, None, "A")
    data = ws.journal.export("demo")
    data["operations"][-1]["payload"]["node"]["answer"] = "changed"
    with Journal(tmp_path / "o.db") as other:
        with pytest.raises(Conflict, match="do not rebuild the workshop"):
            other.import_(data)
        assert other.workshops() == []
        data["operations"].append(dict(data["operations"][-1]))
        with pytest.raises(Conflict, match="appears twice"):
            other.import_(data)


@pytest.mark.parametrize(
    ("intent", "error", "message"),
    [
        (lambda w, t, n: w._commit("five_whys.explode", {}), InvalidInput, "Unknown operation"),
        (
            lambda w, t, n: w._commit("exercise.add", {"exercise": "quiz", "value": {}}),
            InvalidInput,
            "'quiz' is not an exercise",
        ),
        (
            lambda w, t, n: w.add_why(t, n, "x" * 1_000_000),
            InvalidInput,
            "1,000,000 characters long",
        ),
        (lambda w, t, n: w.add_tree("again", tree_id=t), Conflict, "already exists"),
        (lambda w, t, n: w.move_why(t, n, w.tree(t).children(n)[0].id), Conflict, "cycle"),
        (
            lambda w, t, n: w.add_why("no-such-tree", None, "x"),
            NotFound,
            "No five_whys exercise 'no-such-tree'",
        ),
    ],
    ids=[
        "unknown-operation",
        "unknown-exercise",
        "1MB-answer",
        "duplicate-id",
        "cycle",
        "unknown-tree",
    ],
)
def test_bad_intents_give_a_specific_error_and_store_nothing(
    ws: Workshop, intent, error, message
) -> None:
    tid = ws.add_tree("P")
    node = ws.add_why(tid, None, "A")
    ws.add_why(tid, node, "B")
    before = _fingerprint(ws.journal, "demo")
    state = ws.state
    with pytest.raises(error, match=message):
        intent(ws, tid, node)
    assert _fingerprint(ws.journal, "demo") == before
    assert ws.state == state


def test_a_payload_over_the_limit_is_refused(ws: Workshop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("servicekit.journal.MAX_PAYLOAD", 1000)
    with pytest.raises(InvalidInput, match="Split it into smaller changes"):
        ws.add_tree("x" * 2000)
    assert ws.state.trees == {}


def test_read_workshop_file_missing(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such file"):
        read_workshop_file(tmp_path / "nope.json")
