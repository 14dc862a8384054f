"""Journal benchmarks: how fast a room can write, and how fast a page can rebuild a big workshop.

* **Append, 1 process** — one participant's handle doing the mixed workload of
  :class:`_workload.Participant`; the floor for one kernel.
* **Append, 16 processes** — 16 processes start together (a barrier), each with its own handle and actor,
  as 16 Voila kernels would. Each write takes SQLite's write lock and first applies what the others wrote
  meanwhile, so this measures lock contention *and* catch-up. Reported: total operations per second over the
  whole burst, and per-operation latency (median, p95, max) across all processes. Run twice: back to back
  (every process writes as fast as it can: the worst case for the lock) and paced (each process thinks for
  0-200 ms between operations, about 160 operations per second offered by the room: a very busy room).
* **Rebuild of 10,000 operations** — ``Journal.rebuild(slug)`` and ``open_workshop(...)`` (what each new
  page does), with the snapshots the handles wrote, and on a copy whose snapshots table is emptied, to show
  what snapshots buy. The journal's head sits on a snapshot (the best case), so the rebuild is also timed
  just before it (the worst case: 499 operations to replay). Target: <= 100 ms with snapshots.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _report import Row, Section, log, median, p95, percentile
from _workload import BENCH_SLUG, Participant, setup_room

from servicekit import open_workshop
from servicekit.journal import SNAPSHOT_EVERY, Journal

__all__ = ["run"]

REBUILD_TARGET_MS = 100.0
REBUILD_OPS = 10_000
#: Mean think time between two operations of one person in the paced run, in seconds.
PACE_S = 0.1


def _append_worker(db: str, name: str, n_ops: int, pace: float, barrier: Any, queue: Any) -> None:
    """One process of the contention run: join, wait for everyone, then write ``n_ops`` operations.

    With ``pace`` > 0 the process thinks for a random 0..2*pace seconds before each operation, like a
    person; with 0 it writes back to back (the worst case for the write lock). Failures are sent back as
    text, so the parent reports them instead of waiting forever.
    """
    try:
        person = Participant(Path(db), name)
        rng = random.Random(name)
        barrier.wait(timeout=120)
        start = time.time()
        latencies = []
        for i in range(n_ops):
            if pace:
                time.sleep(rng.uniform(0, 2 * pace))
            t0 = time.perf_counter()
            person.act(i)
            latencies.append(time.perf_counter() - t0)
        queue.put({"name": name, "start": start, "end": time.time(), "latencies": latencies})
        person.close()
    except BaseException as exc:
        barrier.abort()
        queue.put({"name": name, "error": f"{type(exc).__name__}: {exc}"})


def _append(db: Path, processes: int, ops_each: int, pace: float = 0.0) -> dict[str, Any]:
    """Run ``processes`` writers at once against ``db``; return throughput and latency figures."""
    ctx = mp.get_context(
        "spawn"
    )  # a fresh interpreter per writer, like a kernel; no inherited connection
    barrier, queue = ctx.Barrier(processes), ctx.Queue()
    workers = [
        ctx.Process(
            target=_append_worker, args=(str(db), f"p{k:02d}", ops_each, pace, barrier, queue)
        )
        for k in range(processes)
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=900) for _ in workers]
    for w in workers:
        w.join()
    errors = [f"{r['name']}: {r['error']}" for r in results if "error" in r]
    if errors:
        raise RuntimeError("append workers failed: " + "; ".join(errors[:3]))
    latencies = [x for r in results for x in r["latencies"]]
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    return {
        "processes": processes,
        "ops": len(latencies),
        "wall_s": wall,
        "ops_per_s": len(latencies) / wall,
        "latency_median_ms": median(latencies) * 1e3,
        "latency_p95_ms": p95(latencies) * 1e3,
        "latency_p99_ms": percentile(latencies, 99) * 1e3,
        "latency_max_ms": max(latencies) * 1e3,
        "ops_over_100ms": sum(x > 0.1 for x in latencies),
        "pace_s": pace,
        "snapshots_written": _count_snapshots(db),
    }


def _build_big(db: Path, total: int) -> dict[str, Any]:
    """Write a ``total``-operation workshop through 4 handles; return per-operation latency along the way."""
    setup_room(db)
    people = [Participant(db, f"writer-{k}") for k in range(4)]
    latencies: list[float] = []
    seq, i = people[-1].ws.seq, 0
    t_start = time.perf_counter()
    while seq < total:
        person = people[i % len(people)]
        t0 = time.perf_counter()
        person.act(i // len(people))
        latencies.append(time.perf_counter() - t0)
        seq, i = person.ws.seq, i + 1
        if seq % 2000 == 0:
            log(f"  journal: built {seq:,} of {total:,} operations")
    wall = time.perf_counter() - t_start
    for person in people:
        person.close()
    tenth = max(1, len(latencies) // 10)
    return {
        "ops": seq,
        "build_s": wall,
        "handles": len(people),
        "first_tenth_median_ms": median(latencies[:tenth]) * 1e3,
        "last_tenth_median_ms": median(latencies[-tenth:]) * 1e3,
    }


def _timed(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls, in ms."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times) * 1e3


def _time_rebuilds(db: Path, repeats: int) -> dict[str, float]:
    """Median times, in ms, of ``Journal.rebuild`` and ``open_workshop`` at the head of the journal.

    The head of a 10,000-operation workshop sits right on a snapshot (the best case), so the rebuild is
    also timed up to the operation just before that snapshot (``rebuild(slug, upto=...)``): the previous
    snapshot plus SNAPSHOT_EVERY - 1 operations to replay, the worst case a page can meet.
    """

    def open_and_close() -> None:
        open_workshop(BENCH_SLUG, db=db, actor="reader").journal.close()

    with Journal(db) as journal:
        journal.rebuild(
            BENCH_SLUG
        )  # warm the OS page cache once; every later page finds it warm too
        last_snap = journal.last_snapshot_seq(BENCH_SLUG)
        upto = last_snap - 1 if last_snap else journal.last_seq(BENCH_SLUG)
        out = {
            "head": journal.last_seq(BENCH_SLUG),
            "rebuild_ms": _timed(lambda: journal.rebuild(BENCH_SLUG), repeats),
            "worst_upto": upto,
            "worst_rebuild_ms": _timed(lambda: journal.rebuild(BENCH_SLUG, upto=upto), repeats),
            "open_workshop_ms": _timed(open_and_close, repeats),
        }
    with sqlite3.connect(db) as con:
        prev = con.execute(
            "SELECT MAX(seq) FROM snapshots WHERE workshop=? AND seq<=?", (BENCH_SLUG, upto)
        ).fetchone()[0]
    out["worst_replayed_ops"] = upto - (prev or 0)
    return out


def _snapshot_stats(db: Path) -> dict[str, Any]:
    """Number of snapshots, size of the latest one, size of the database file."""
    with sqlite3.connect(db) as con:
        count, size = con.execute(
            "SELECT COUNT(*), (SELECT LENGTH(state) FROM snapshots ORDER BY seq DESC LIMIT 1) FROM snapshots"
        ).fetchone()
    return {
        "snapshots": count,
        "latest_snapshot_kib": (size or 0) / 1024,
        "db_mib": db.stat().st_size / 2**20,
    }


def _count_snapshots(db: Path) -> int:
    """How many snapshots the handles wrote (one row each in the journal's snapshots table)."""
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0])


def _without_snapshots(db: Path, copy: Path) -> None:
    """Copy ``db`` to ``copy`` (SQLite's backup API, consistent under WAL) and empty its snapshots table."""
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
        dst.execute("DELETE FROM snapshots")


def run(quick: bool = False) -> Section:
    """Run the journal benchmarks in a temporary directory; return their rows."""
    section = Section("journal")
    single_ops, ops_each, paced_each, repeats = (300, 50, 30, 3) if quick else (1000, 200, 100, 7)
    with tempfile.TemporaryDirectory(prefix="sk-bench-journal-") as tmp:
        root = Path(tmp)
        log(f"journal: 1 process appending {single_ops} operations")
        setup_room(root / "one.db")
        one = _append(root / "one.db", 1, single_ops)
        log(f"journal: 16 processes appending {ops_each} operations each, back to back")
        setup_room(root / "many.db")
        many = _append(root / "many.db", 16, ops_each)
        log(
            f"journal: 16 processes appending {paced_each} operations each, one per ~{PACE_S * 1e3:.0f} ms"
        )
        setup_room(root / "paced.db")
        paced = _append(root / "paced.db", 16, paced_each, pace=PACE_S)
        log(
            f"journal: building a workshop of {REBUILD_OPS:,} operations (snapshot every {SNAPSHOT_EVERY})"
        )
        big = _build_big(root / "big.db", REBUILD_OPS)
        big.update(_snapshot_stats(root / "big.db"))
        log("journal: timing rebuilds with snapshots")
        snap = _time_rebuilds(root / "big.db", repeats)
        _without_snapshots(root / "big.db", root / "bare.db")
        log("journal: timing rebuilds without snapshots")
        bare = _time_rebuilds(root / "bare.db", repeats)
    section.details = {
        "append_1": one,
        "append_16": many,
        "append_16_paced": paced,
        "big_workshop": big,
        "rebuild_with_snapshots": snap,
        "rebuild_without_snapshots": bare,
    }

    def ops_row(name: str, r: dict[str, Any]) -> Row:
        value = (
            f"{r['ops_per_s']:.0f} ops/s; latency median {r['latency_median_ms']:.1f} ms, "
            f"p95 {r['latency_p95_ms']:.1f} ms, max {r['latency_max_ms']:.0f} ms"
        )
        return Row(
            "journal",
            name,
            value,
            note=f"{r['ops']} ops, {r['snapshots_written']} snapshot(s) written",
        )

    rows = [
        ops_row("append, 1 process", one),
        ops_row("append, 16 processes at once, back to back", many),
        ops_row(f"append, 16 processes at once, one op per ~{PACE_S * 1e3:.0f} ms each", paced),
    ]
    rows.append(
        Row(
            "journal",
            f"append latency as the workshop grows to {big['ops']:,} ops",
            f"{big['first_tenth_median_ms']:.1f} ms (first tenth) -> "
            f"{big['last_tenth_median_ms']:.1f} ms (last tenth)",
            note="median, 4 handles in 1 process",
        )
    )
    snap_note = (
        f"median of {repeats}; {big['snapshots']} snapshots, latest "
        f"{big['latest_snapshot_kib']:.0f} KiB of JSON"
    )
    cases = [
        ("Journal.rebuild", "with snapshots, head on a snapshot", snap["rebuild_ms"], True),
        ("open_workshop", "with snapshots, head on a snapshot", snap["open_workshop_ms"], True),
        (
            "Journal.rebuild",
            f"with snapshots, {snap['worst_replayed_ops']} ops to replay after one (worst case)",
            snap["worst_rebuild_ms"],
            True,
        ),
        ("Journal.rebuild", "without snapshots", bare["rebuild_ms"], False),
        ("open_workshop", "without snapshots", bare["open_workshop_ms"], False),
    ]
    for what, label, ms, target in cases:
        rows.append(
            Row(
                "journal",
                f"{what}, {REBUILD_OPS:,} ops, {label}",
                f"{ms:.1f} ms",
                f"<= {REBUILD_TARGET_MS:.0f} ms" if target else "",
                ms <= REBUILD_TARGET_MS if target else None,
                note=snap_note if target else f"median of {repeats}",
            )
        )
    section.rows = rows
    return section
