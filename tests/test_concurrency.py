"""Many processes writing one workshop at once, and a writer killed mid-append."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from servicekit import create_workshop
from servicekit.journal import Journal

WORKER = Path(__file__).with_name("journal_worker.py")
WRITERS, EACH = 16, 200


def _setup(db: Path) -> str:
    ws = create_workshop("room", "Room", db=db)
    tree = ws.add_tree("Problem", tree_id="t")
    ws.add_survey(
        "Check",
        [{"id": "people", "title": "People"}],
        [{"id": "q1", "text": "Q", "lens": "people"}],
        survey_id="s",
    )
    return tree


def _worker(db: Path, actor: str, count: int, go: Path, writers: int = 1) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(WORKER.parent.parent), os.environ.get("PYTHONPATH", "")]
        ),
    }
    return subprocess.Popen(
        [
            sys.executable,
            str(WORKER),
            str(db),
            "room",
            "t",
            actor,
            str(count),
            str(go),
            str(writers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_sixteen_processes_append_at_once_and_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "room.db"
    tree = _setup(db)
    go = tmp_path / "go"
    procs = [_worker(db, f"w{i:02d}", EACH, go, WRITERS) for i in range(WRITERS)]
    time.sleep(1.0)  # let every writer open its handle
    go.touch()
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err

    with Journal(db) as journal:
        ops = journal.operations("room")
        state, _ = journal.rebuild("room")
    answers = Counter(op.payload["node"]["answer"] for op in ops if op.kind == "five_whys.add")
    expected = {f"w{i:02d}#{k}" for i in range(WRITERS) for k in range(EACH) if k % 4 != 3}
    assert set(answers) == expected
    assert set(answers.values()) == {1}, "every operation stored exactly once"
    assert sum(op.kind == "survey.answer" for op in ops) == WRITERS * (EACH // 4)
    assert len(state.trees[tree].nodes) == len(expected)
    digests = {line for out, _ in outputs for line in out.splitlines() if line.startswith("state ")}
    assert len(digests) == 1, "every process rebuilt the identical state"


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9])
def test_a_writer_killed_mid_append_loses_no_committed_operation(
    tmp_path: Path, delay: float
) -> None:
    db = tmp_path / "room.db"
    _setup(db)
    go = tmp_path / "go"
    go.touch()
    proc = _worker(db, "victim", 100_000, go)
    committed: list[int] = []
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while len(committed) < 20 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("committed"):
            committed.append(int(line.split()[1]))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    committed += [int(line.split()[1]) for line in out.splitlines() if line.startswith("committed")]
    assert len(committed) >= 20

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with Journal(db) as journal:
        stored = {op.seq for op in journal.operations("room")}
        assert set(committed) <= stored
        _, seq = journal.rebuild("room")
        assert seq == max(stored)
        create_workshop("after-crash", "Still writable", db=journal)
