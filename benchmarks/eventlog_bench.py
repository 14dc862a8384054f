"""Event-log benchmark: a million events from a CRM export, imported and analysed in a fresh process.

A large client's ticketing system exports about a million events a year. This module writes such a log
once (fixed seed, in a temporary directory): 1,000,000 events in 100,000 cases, 20 activities and 12
teams, about 300 people, times over one year, rows in time order across cases as systems export them
(see :func:`write_log`). Then, in a fresh interpreter each (``_child.run_child``, as a new kernel or
``servicekit`` command starts):

* **ours**: ``import servicekit.eventlog`` and ``servicekit.analysis.eventlog`` (pandas with them),
  ``read_event_log(path)`` (columns recognised, chunked reading, every check), ``handovers(log)``
  (by team), ``rework(log)`` and ``directly_follows(log)``, each timed with ``time.perf_counter``;
  the peak resident memory of the process (``ru_maxrss``) and the log's own size in memory. Targets: the
  whole (imports included) <= 10 s, peak memory <= 2 GiB. ``repeat`` children (default 3, ``--quick`` 1).
* **pm4py**, when the child can import it (it is not a dependency of servicekit: put it on
  ``PYTHONPATH`` to include it): the same work the way a pm4py user does it, in one child:
  ``pandas.read_csv`` and ``to_datetime``, ``pm4py.format_dataframe``,
  ``discover_handover_of_work_network(df, beta=0, resource_key="team")``, ``discover_dfg`` and
  ``get_rework_cases_per_activity``; reported as time and as the ratio to ours. The child then checks
  that servicekit's ``handover_of_work(log, by="team")`` gives the same shares (untimed).

The machine is shared: before each child the 1-minute load average is noted, and a row says when it was
above 1 (figures then are noisy).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _child import run_child
from _report import Row, Section, log, median

__all__ = ["run", "write_log"]

EVENTS = 1_000_000
CASES = 100_000
SEED = 2026
WALL_TARGET_S = 10.0
RSS_TARGET_MIB = 2048.0
QUICK_EVENTS = 200_000

ACTIVITIES = (
    "Ticket created",
    "Triage",
    "Assigned to team",
    "Customer contacted",
    "Information requested",
    "Information received",
    "Diagnosis",
    "Escalated",
    "Vendor contacted",
    "Vendor reply",
    "Fix prepared",
    "Change approved",
    "Fix deployed",
    "Customer informed",
    "Customer confirms",
    "Quality check",
    "Reopened",
    "Billing adjusted",
    "Survey sent",
    "Ticket closed",
)
TEAMS = (
    "Service Desk",
    "Triage",
    "Network",
    "Applications",
    "Databases",
    "Security",
    "Field Service",
    "Vendor Management",
    "Change Board",
    "Customer Care",
    "Billing",
    "Quality",
)

_OURS = r"""
import json, os, resource, time
t0 = time.perf_counter()
from servicekit.eventlog import read_event_log
from servicekit.analysis.eventlog import directly_follows, handovers, rework
t1 = time.perf_counter()
log = read_event_log({path!r})
t2 = time.perf_counter()
h = handovers(log)
t3 = time.perf_counter()
r = rework(log)
t4 = time.perf_counter()
d = directly_follows(log)
t5 = time.perf_counter()
print("RESULT " + json.dumps({{
    "imports_s": t1 - t0, "read_s": t2 - t1, "handovers_s": t3 - t2, "rework_s": t4 - t3,
    "directly_follows_s": t5 - t4, "total_s": t5 - t0,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "log_mib": log.events.memory_usage(deep=True).sum() / 2**20,
    "events": len(log), "cases": log.cases, "issues": len(log.report.issues),
    "handover_pairs": len(h), "handovers": sum(x.count for x in h),
    "rework_activities": len(r), "flows": len(d), "load": os.getloadavg()[0],
}}))
"""

_PM4PY = r"""
import json, os, resource, sys, time
try:
    import importlib.util
    if importlib.util.find_spec("pm4py") is None:
        raise ImportError
except ImportError:
    print("RESULT " + json.dumps({{"missing": True}}))
    sys.exit()
t0 = time.perf_counter()
import pandas as pd
import pm4py
t1 = time.perf_counter()
df = pd.read_csv({path!r})
df["timestamp"] = pd.to_datetime(df["timestamp"])
df = pm4py.format_dataframe(df, case_id="case_id", activity_key="activity", timestamp_key="timestamp")
t2 = time.perf_counter()
hw = pm4py.discover_handover_of_work_network(df, beta=0, resource_key="team")
t3 = time.perf_counter()
rw = pm4py.get_rework_cases_per_activity(df)
t4 = time.perf_counter()
dfg, _, _ = pm4py.discover_dfg(df)
t5 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from servicekit.eventlog import read_event_log
from servicekit.analysis.eventlog import directly_follows, handover_of_work
log = read_event_log({path!r})
ours = handover_of_work(log, by="team")
theirs = dict(hw.connections)
flows = {{(f.source, f.target): f.count for f in directly_follows(log)}}
print("RESULT " + json.dumps({{
    "version": pm4py.__version__, "imports_s": t1 - t0, "read_s": t2 - t1,
    "handovers_s": t3 - t2, "rework_s": t4 - t3, "directly_follows_s": t5 - t4,
    "total_s": t5 - t0, "peak_rss_mib": peak, "load": os.getloadavg()[0],
    "same_pairs": set(ours) == set(theirs),
    "max_share_difference": max(abs(ours[k] - theirs.get(k, 0.0)) for k in ours),
    "same_dfg": flows == dict(dfg),
}}))
"""


def write_log(
    path: Path, events: int = EVENTS, cases: int = CASES, seed: int = SEED
) -> dict[str, Any]:
    """Write a realistic event log of ``events`` events in ``cases`` cases; return its shape.

    Each case has 4-16 events (about 10). Its activities follow the 20 activities in order with
    some skipped, some done again and some swapped (the position along the path, plus noise); the
    12 teams own one or two consecutive activities each, and 15 % of events are done by another team. The
    person is one of 25 per team. Times: each case starts within 2025, then 1 minute to days apart
    (exponential, mean 8 hours). Columns ``case_id,activity,timestamp,resource,team``; rows sorted
    by time, as an export is.
    """
    rng = np.random.default_rng(seed)
    lengths = rng.integers(4, 17, cases)
    lengths = np.maximum(1, np.round(lengths * events / lengths.sum())).astype(np.int64)
    lengths[-1] += events - lengths.sum()
    while lengths[-1] < 1:  # rounding left the last case with nothing: borrow from others
        lengths[np.argmax(lengths)] -= 1
        lengths[-1] += 1
    case = np.repeat(np.arange(cases), lengths)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    position = np.arange(events) - np.repeat(starts, lengths)
    along = position / np.repeat(lengths, lengths)
    activity = np.clip(
        np.floor(along * len(ACTIVITIES)).astype(np.int64) + rng.integers(-1, 2, events),
        0,
        len(ACTIVITIES) - 1,
    )
    activity[starts] = 0  # every ticket starts by being created
    team = activity * len(TEAMS) // len(ACTIVITIES)  # a team owns one or two steps in a row
    other = rng.random(events) < 0.15
    team[other] = rng.integers(0, len(TEAMS), int(other.sum()))
    person = team * 25 + rng.integers(0, 25, events)
    gaps = rng.exponential(480.0, events) + 1.0
    gaps[starts] = rng.uniform(0, 365 * 1440, cases)
    minutes = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[starts] - gaps[starts], lengths)
    times = np.datetime64("2025-01-01T00:00") + (minutes * 60).astype("timedelta64[s]")
    frame = pd.DataFrame(
        {
            "case_id": pd.Categorical.from_codes(case, [f"INC-{i:06d}" for i in range(cases)]),
            "activity": pd.Categorical.from_codes(activity, list(ACTIVITIES)),
            "timestamp": times,
            "resource": pd.Categorical.from_codes(
                person,
                [f"{t.split()[0]} agent {i % 25 + 1}" for i, t in enumerate(np.repeat(TEAMS, 25))],
            ),
            "team": pd.Categorical.from_codes(team, list(TEAMS)),
        }
    )
    frame = frame.iloc[np.argsort(times, kind="stable")]
    frame.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
    return {
        "events": events,
        "cases": cases,
        "activities": len(ACTIVITIES),
        "teams": len(TEAMS),
        "people": len(TEAMS) * 25,
        "mib": round(path.stat().st_size / 2**20, 1),
    }


def _load_note(loads: list[float]) -> str:
    cores = os.cpu_count() or 1
    busy = [x for x in loads if x > 1.0]
    note = (
        f"1-min load average before the children {min(loads):.2f}-{max(loads):.2f} on {cores} cores"
    )
    return note + ("; the machine was busy: figures are noisy" if busy else "")


def run(quick: bool = False, repeat: int | None = None) -> Section:
    """Write the log, import and analyse it in fresh interpreters (and with pm4py); return the rows."""
    n = repeat or (1 if quick else 3)
    events = QUICK_EVENTS if quick else EVENTS
    cases = events // 10
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-eventlog-"))
    rows: list[Row] = []
    details: dict[str, Any] = {"repeat": n}
    try:
        path = tmp / "events.csv"
        t0 = time.perf_counter()
        shape = write_log(path, events, cases)
        details["log"] = shape | {"write_s": round(time.perf_counter() - t0, 1)}
        log(
            f"eventlog: wrote {shape['events']:,} events in {shape['cases']:,} cases "
            f"({shape['mib']} MiB) in {details['log']['write_s']} s"
        )
        loads: list[float] = []
        ours: list[dict[str, Any]] = []
        for i in range(n):
            loads.append(os.getloadavg()[0])
            got = run_child(_OURS.format(path=str(path)), "eventlog", timeout=600)
            ours.append(got)
            log(
                f"eventlog: run {i + 1}/{n}: {got['total_s']:.2f} s in all (read {got['read_s']:.2f} s), "
                f"peak {got['peak_rss_mib']:.0f} MiB"
            )
        details["ours"] = ours
        wall = median([r["total_s"] for r in ours])
        peak = max(r["peak_rss_mib"] for r in ours)
        parts = {
            k: median([r[k] for r in ours])
            for k in ("imports_s", "read_s", "handovers_s", "rework_s", "directly_follows_s")
        }
        first = ours[0]
        at_target = events == EVENTS
        size = f"{events:,} events, {cases:,} cases"
        rows += [
            Row(
                "eventlog",
                f"{size}: import + handovers + rework + directly-follows, wall (median of {n} fresh processes)",
                f"{wall:.2f} s (imports {parts['imports_s']:.2f}, read_event_log {parts['read_s']:.2f}, "
                f"handovers {parts['handovers_s']:.2f}, rework {parts['rework_s']:.2f}, "
                f"directly_follows {parts['directly_follows_s']:.2f})",
                target=f"<= {WALL_TARGET_S:.0f} s" if at_target else "",
                passed=wall <= WALL_TARGET_S if at_target else None,
                note=f"{shape['mib']} MiB CSV, {shape['activities']} activities, {shape['teams']} "
                f"teams, {shape['people']} people; {first['handovers']:,} handovers in "
                f"{first['handover_pairs']} team pairs, {first['flows']} activity pairs",
            ),
            Row(
                "eventlog",
                f"{size}: peak resident memory of the process (highest of {n})",
                f"{peak:.0f} MiB (the log itself {first['log_mib']:.0f} MiB)",
                target=f"<= {RSS_TARGET_MIB / 1024:.0f} GiB" if at_target else "",
                passed=peak <= RSS_TARGET_MIB if at_target else None,
                note="ru_maxrss, pandas and numpy included",
            ),
        ]
        loads.append(os.getloadavg()[0])
        theirs = run_child(_PM4PY.format(path=str(path)), "eventlog pm4py", timeout=1800)
        details["pm4py"] = theirs
        if theirs.get("missing"):
            log(
                "eventlog: pm4py is not importable here; skipped (put it on PYTHONPATH to include it)"
            )
            rows.append(
                Row("eventlog", f"{size}: pm4py on the same log", "not installed", note="optional")
            )
        else:
            ratio = wall / theirs["total_s"]
            log(
                f"eventlog: pm4py {theirs['version']}: {theirs['total_s']:.2f} s, peak "
                f"{theirs['peak_rss_mib']:.0f} MiB; servicekit/pm4py {ratio:.2f}"
            )
            rows.append(
                Row(
                    "eventlog",
                    f"{size}: pm4py {theirs['version']} on the same log and work, one fresh process",
                    f"{theirs['total_s']:.2f} s (imports {theirs['imports_s']:.2f}, read + "
                    f"format_dataframe {theirs['read_s']:.2f}, handover network "
                    f"{theirs['handovers_s']:.2f}, rework {theirs['rework_s']:.2f}, dfg "
                    f"{theirs['directly_follows_s']:.2f}); peak {theirs['peak_rss_mib']:.0f} MiB; "
                    f"servicekit takes {ratio:.2f}x pm4py's time",
                    note="handover shares "
                    + ("agree" if theirs["same_pairs"] else "DIFFER")
                    + f" (largest difference {theirs['max_share_difference']:.1e}); directly-follows "
                    + ("agree" if theirs["same_dfg"] else "DIFFER"),
                )
            )
        details["loads"] = loads
        rows.append(Row("eventlog", "load during the runs", _load_note(loads)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Section("eventlog", rows, details)


if __name__ == "__main__":  # python benchmarks/eventlog_bench.py [--quick]
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    section = run(quick="--quick" in sys.argv)
    for row in section.rows:
        print(f"{row.metric}: {row.value} {row.target} {row.verdict} {row.note}")
