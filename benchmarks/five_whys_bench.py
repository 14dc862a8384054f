"""Five Whys benchmarks, kernel side: how long a click takes until the redrawn view is ready to send.

A projected Five Whys tree is clicked all workshop long, so a click must feel immediate with a big tree. For
trees of 50 and 200 answers (see :mod:`_five_whys_tree`) in a temporary database, the app is built headless,
exactly as a page's kernel builds it (``FiveWhysApp(ws)`` on a live workshop handle), and three actions are
timed, each ``repeat`` times on randomly chosen answers:

* **select** — ``app.clicks.pick(id)``, what a click on a chart box sends to the kernel;
* **add** — ``app.why.value = "..."`` (Enter in the "why?" box): the journal commit and the redraw; the added
  answer is undone afterwards (not timed), so the tree keeps its size;
* **edit** — ``app.node.confidence.value = ...`` on the selected answer: commit and redraw.

Each time includes what the kernel does to send the result: every widget message (updates, and the
``comm_open`` of every widget created) is packed with the kernel's ``json_packer`` and signed
(:func:`_clock.packing_sends`), the new chart spec above all. Per run the harness also counts redraws,
widgets opened and closed, packed bytes, the pauses of full garbage collections that fell inside the timed
call, and the growth of this process's resident memory: a kernel that creates widgets on every click and
never closes them grows, and its full collections get slower. Target:
median <= 50 ms at 200 answers for each action. For the 200-answer select, a separate pass times each part
of the redraw on its own (:class:`_clock.Clock`) and another runs under cProfile, so a reader sees where the
time goes. The first build of the app in a fresh interpreter (what a page's kernel pays once, altair's
import included) is measured too (:mod:`_fresh_app`).
"""

from __future__ import annotations

import cProfile
import pstats
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import _fresh_app
from _clock import Clock, pack, packing_sends, timed_runs
from _five_whys_tree import TreeShape, build_tree
from _report import Row, Section, log, median

import servicekit.charts.five_whys as chart_module
import servicekit.ui.apps.five_whys as app_module
from servicekit import create_workshop
from servicekit.ui.apps.five_whys import FiveWhysApp

__all__ = ["run"]

SIZES = (50, 200)
TARGET_MS = 50.0
TARGET_SIZE = 200
ACTIONS = ("select", "add", "edit")
_LABEL = {
    "select": "select an answer (clicks.pick)",
    "add": "add an answer (why.value: commit + redraw)",
    "edit": "edit a field (node.confidence.value: commit + redraw)",
}
_OTHER_CONFIDENCE = {"fact": "likely", "likely": "opinion", "opinion": "fact"}


def _visible(app: FiveWhysApp) -> int:
    return len(app.ws.tree(app.tree_id or "").visible_nodes())


def _one(app: FiveWhysApp, shape: TreeShape, action: str, i: int, rng: random.Random) -> None:
    """Do one ``action`` on a random answer: the part that is timed."""
    if action == "select":
        app.clicks.pick(rng.choice([n for n in shape.nodes if n != app.selected]))
    elif action == "add":
        app.why.value = f"Because the form changed in release {i} and nobody was told."
    else:
        app.node.confidence.value = _OTHER_CONFIDENCE[app.node.confidence.value]


def _measure(app: FiveWhysApp, shape: TreeShape, action: str, repeat: int) -> dict[str, Any]:
    """Time ``repeat`` runs of one action; return times (ms), and per run: redraws, messages, bytes."""
    rng = random.Random(f"{action}-{len(shape.nodes)}")
    with timed_runs(app) as runs:
        for i in range(repeat):
            if action != "select":  # untimed: select the answer to work on
                app.clicks.pick(rng.choice(shape.nodes))
            runs.run(_one, app, shape, action, i, rng)
            if action == "add":  # untimed: take the answer back, so the tree keeps its size
                app.ws.undo()
                assert _visible(app) == len(shape.nodes), "undo did not restore the tree"
    return runs.summary()


def _parts(app: FiveWhysApp) -> list[tuple[Any, str, str]]:
    """What the breakdown times: ``(owner, attribute, label)`` for each step of a redraw."""
    return [
        (app_module, "tree_spec", "tree_spec: deep copy of the spec template, sizes"),
        (chart_module, "tree_layout", "tree_spec: layout"),
        (chart_module, "_rows", "tree_spec: node rows (wrap, labels)"),
        (chart_module, "_edges", "tree_spec: edges"),
        (app_module, "output_item", "output_item"),
        (app_module, "warnings", "warnings()"),
        (app_module, "warnings_rows", "warning widgets"),  # the app before warnings became HTML
        (app_module, "warnings_html", "warnings HTML"),
        (app_module, "summarise", "summarise()"),
        (app_module, "summary_html", "summary HTML"),
        (app.problem, "show", "problem panel"),
        (app.node, "show", "node panel"),
        (app.measures, "show", "countermeasures panel"),
    ]


def _breakdown(app: FiveWhysApp, shape: TreeShape, repeat: int) -> dict[str, Any]:
    """Time each part of the 200-answer select on its own; then profile it. Medians in ms per click."""
    clock = Clock()
    restore = [
        clock.patch(owner, attribute, label)
        for owner, attribute, label in _parts(app)
        if hasattr(owner, attribute)  # the app's helpers change as it is tuned: time those it has
    ]
    rng = random.Random("breakdown")
    try:
        with packing_sends(clock):
            for _ in range(repeat):
                clock.current = {}
                t0 = time.perf_counter()
                app.clicks.pick(rng.choice([n for n in shape.nodes if n != app.selected]))
                clock.lap((time.perf_counter() - t0) * 1e3)
    finally:
        for undo in reversed(restore):
            undo()
    names = sorted({k for lap in clock.laps for k in lap})
    parts = {k: median([lap.get(k, 0.0) for lap in clock.laps]) for k in names}
    total = median([sum(lap.values()) for lap in clock.laps])
    profiler = cProfile.Profile()
    with packing_sends():
        profiler.enable()
        for _ in range(repeat):
            app.clicks.pick(rng.choice([n for n in shape.nodes if n != app.selected]))
        profiler.disable()
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:15]  # type: ignore[attr-defined]
    top = [
        {
            "function": f"{Path(file).name}:{line}({func})",
            "calls_per_click": calls / repeat,
            "own_ms_per_click": own * 1e3 / repeat,
            "cumulative_ms_per_click": cum * 1e3 / repeat,
        }
        for (file, line, func), (_, calls, own, cum, _) in rows
    ]
    return {
        "total_ms": total,
        "parts_ms": dict(sorted(parts.items(), key=lambda kv: -kv[1])),
        "profile_top": top,
    }


def _fmt_parts(parts: dict[str, float]) -> str:
    return "; ".join(f"{k} {v:.1f}" for k, v in parts.items() if v >= 0.05)


def run(quick: bool = False, repeat: int | None = None) -> Section:
    """Build the trees, time the three actions, break the 200-answer select down; return the rows."""
    repeat = max(30, repeat or (30 if quick else 60))
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-five-whys-"))
    rows: list[Row] = []
    details: dict[str, Any] = {"repeat": repeat, "sizes": {}}
    try:
        for n in SIZES:
            db = tmp / f"tree-{n}.db"
            ws = create_workshop(f"five-whys-{n}", f"Five Whys benchmark, {n} answers", db=db)
            shape = build_tree(ws, n)
            t0 = time.perf_counter()
            app = FiveWhysApp(ws, shape.tree_id)
            build_ms = (time.perf_counter() - t0) * 1e3
            spec_kib = len(pack(list(app.chart.outputs))) / 1024
            log(f"five_whys: {shape.describe()}; chart message {spec_kib:.0f} KiB")
            size: dict[str, Any] = {
                "shape": shape.describe(),
                "chart_kib": spec_kib,
                "build_ms": build_ms,
            }
            for action in ACTIONS:
                got = _measure(app, shape, action, repeat)
                size[action] = got
                log(
                    f"five_whys: {n} answers, {action}: median {got['median_ms']:.1f} ms, "
                    f"p95 {got['p95_ms']:.1f} ms, {got['redraws']:.0f} redraw(s), {got['sent_kib']:.0f} KiB "
                    f"sent in {got['updates']:.0f} updates, {got['widgets_opened']:.0f} new widgets, "
                    f"{got['widgets_closed']:.0f} closed"
                )
                at_target = n == TARGET_SIZE
                rows.append(
                    Row(
                        "five_whys",
                        f"{n} answers: {_LABEL[action]}",
                        f"median {got['median_ms']:.1f} ms, p95 {got['p95_ms']:.1f} ms, max {got['max_ms']:.0f} ms",
                        target=f"median <= {TARGET_MS:.0f} ms" if at_target else "",
                        passed=got["median_ms"] <= TARGET_MS if at_target else None,
                        note=f"{repeat} runs; per run {got['redraws']:.0f} redraw(s), {got['sent_kib']:.0f} KiB "
                        f"packed, {got['widgets_opened']:.0f} widgets opened and {got['widgets_closed']:.0f} "
                        f"closed; resident memory +{got['rss_growth_mib']:.2f} MiB per run; a full garbage "
                        f"collection in {got['full_gc_runs']} of {repeat} runs, up to {got['full_gc_max_ms']:.0f} ms",
                    )
                )
            if n == TARGET_SIZE:
                size["breakdown"] = _breakdown(app, shape, repeat)
                b = size["breakdown"]
                log(f"five_whys: select at {n}, median ms per part: {_fmt_parts(b['parts_ms'])}")
                for entry in b["profile_top"][:8]:
                    log(
                        f"five_whys:   profile {entry['own_ms_per_click']:.2f} ms own, "
                        f"{entry['calls_per_click']:.0f} calls: {entry['function']}"
                    )
                rows.append(
                    Row(
                        "five_whys",
                        f"{n} answers, select: where the time goes (median ms per click, timers on)",
                        f"{b['total_ms']:.1f} ms: {_fmt_parts(b['parts_ms'])}",
                        note=f"tree: {shape.describe()}; chart spec {spec_kib:.0f} KiB",
                    )
                )
            details["sizes"][str(n)] = size
            ws.close()
        fresh = _fresh_app.measure(tmp / f"tree-{TARGET_SIZE}.db", f"five-whys-{TARGET_SIZE}")
        details["fresh_interpreter"] = fresh
        rows.append(_fresh_app.row(fresh, TARGET_SIZE))
        log(f"five_whys: {rows[-1].metric}: {rows[-1].value}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Section("five_whys", rows, details)
