"""Journey-map benchmarks, kernel side: the analysis of a long journey, and a redraw after each edit.

A room maps a journey end to end, and every edit redraws the whole page in the kernel: the swimlane map,
the step list, the selected step's panels, the findings and three more charts. For journeys of 50 steps
(8 teams) and 300 steps (20 teams), built in a temporary database through the public API (see
:mod:`_journey`), this module measures:

* **the analysis**: ``findings(journey, "actual")`` (handovers, repeated requests, hotspots, intended
  against actual, the handover network), and each part on its own (``handovers``, ``repeated_requests``,
  ``hotspots``, ``compare_layers``, ``network_summary``, and ``step_table``, which the page's CSV download
  uses), each on a new journey value per run. Target: median <= 100 ms at 300 steps and 20 teams.
* **a redraw after an edit**: the app is built headless exactly as a page's kernel builds it
  (``JourneyMapApp(ws, id)`` on a live workshop handle), a random step is selected (untimed), and one edit
  is made the way the page makes it, ``repeat`` times each:

  - **select**: ``app.clicks.pick(id)``, what a click on a card sends (a redraw with no commit);
  - **friction**: ``app.step_panel.friction.value = ...``;
  - **rename**: ``app.step_panel.name.value = ...`` (Enter in the name box);
  - **earlier**: ``app.earlier.click()``;
  - **join owner**: ``app.handover_panel.owner.value = ...`` on a step that starts a team's work;
  - **add**: ``app.add.value = ...`` (Enter in the "new step" box): the step goes in after the selection.

  Every edit is undone afterwards (untimed) and the layer checked to be exactly as before, so each run
  meets the same journey. Each time includes the journal commit, every redraw the edit causes, and packing
  and signing every widget message as a kernel does (:func:`_clock.packing_sends`). Per run the harness
  counts redraws, operations stored, widgets opened and closed, packed bytes, full garbage collections
  inside the timed call and the growth of resident memory. Target: median <= 150 ms at 300 steps for each
  edit (a select is reported beside them, without a target: it is the same redraw without a commit).

For each size a separate pass times each part of a select's redraw on its own (:class:`_clock.Clock`), and
at 300 steps another runs under cProfile, so a reader sees where the time goes. The first build of the app
in a fresh interpreter is not measured here: :mod:`_fresh_app` builds a ``FiveWhysApp`` only.
"""

from __future__ import annotations

import cProfile
import pstats
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _clock import Clock, pack, packing_sends, timed_runs
from _journey import JourneyShape, build_journey
from _report import Row, Section, log, median, p95

import servicekit.ui.apps.journey_map as app_module
from servicekit import create_workshop
from servicekit.analysis.journey import (
    compare_layers,
    findings,
    handovers,
    hotspots,
    network_summary,
    repeated_requests,
    step_table,
)
from servicekit.models import JourneyMap
from servicekit.ui.apps.journey_map import JourneyMapApp

__all__ = ["run"]

SIZES = ((50, 8), (300, 20))  # (steps, teams)
TARGET_SIZE = 300
ANALYSIS_TARGET_MS = 100.0
REDRAW_TARGET_MS = 150.0
ACTIONS = ("select", "friction", "rename", "earlier", "join_owner", "add")
_LABEL = {
    "select": "select a step (clicks.pick: redraw, no commit)",
    "friction": "rate friction (step_panel.friction.value: commit + redraw)",
    "rename": "rename a step (step_panel.name.value: commit + redraw)",
    "earlier": "move a step earlier (earlier.click(): commit + redraw)",
    "join_owner": "name a join's owner (handover_panel.owner.value: commit + redraw)",
    "add": "add a step after the selection (add.value: commit + redraw)",
}
#: The analysis as the findings panel runs it, then each part on its own.
_ANALYSIS: dict[str, Callable[[JourneyMap], Any]] = {
    "findings": lambda j: findings(j, "actual"),
    "handovers": lambda j: handovers(j, "actual"),
    "repeated_requests": lambda j: repeated_requests(j, "actual"),
    "hotspots": lambda j: hotspots(j, "actual"),
    "compare_layers": lambda j: compare_layers(j, "intended", "actual"),
    "network_summary": lambda j: network_summary(j, "actual"),
    "step_table": lambda j: step_table(j, "actual"),
}


def _stats(ms: list[float]) -> str:
    return f"median {median(ms):.1f} ms, p95 {p95(ms):.1f} ms, max {max(ms):.1f} ms"


def _analysis(journey: JourneyMap, repeat: int) -> dict[str, list[float]]:
    """Time each analysis call ``repeat`` times, each on a new value decoded from the stored one (ms)."""
    stored = journey.to_dict()
    for fn in _ANALYSIS.values():  # warm-up: networkx and pandas load on first use
        fn(journey)
    times: dict[str, list[float]] = {name: [] for name in _ANALYSIS}
    for _ in range(repeat):
        for name, fn in _ANALYSIS.items():
            value = JourneyMap.from_dict(stored)  # nothing cached from the last call can help
            t0 = time.perf_counter()
            fn(value)
            times[name].append((time.perf_counter() - t0) * 1e3)
    return times


class _Work:
    """The steps each action picks from, read once from the journey the benchmark starts with."""

    def __init__(self, app: JourneyMapApp) -> None:
        self.app = app
        self.journey_id = app.journey_id or ""
        self.layer = app.ws.journey(self.journey_id).actual
        self.steps = [s.id for s in self.layer.steps]
        self.joins = [h.to_step for h in handovers(app.ws.journey(self.journey_id), "actual")]

    def candidates(self, action: str) -> list[str]:
        if action == "earlier":
            return self.steps[1:]  # the first step cannot move earlier: nothing would be stored
        if action == "join_owner":
            return self.joins  # only these show the handover panel
        return self.steps

    def now(self) -> Any:
        return self.app.ws.journey(self.journey_id).actual


_FRICTION_NEXT = {-1: 3, 0: 2, 1: 3, 2: 4, 3: 5, 4: 2, 5: 3}


def _one(app: JourneyMapApp, action: str, pick: str, i: int) -> None:
    """Do one ``action`` on the selected step ``pick``: the part that is timed."""
    if action == "select":
        app.clicks.pick(pick)
    elif action == "friction":
        app.step_panel.friction.value = _FRICTION_NEXT[app.step_panel.friction.value]
    elif action == "rename":
        app.step_panel.name.value = f"{app.step_panel.name.value} (checked twice, run {i})"
    elif action == "earlier":
        app.earlier.click()
    elif action == "join_owner":
        app.handover_panel.owner.value = f"Join owner {i}"
    else:
        app.add.value = f"Phone the customer to confirm the details again ({i})"


def _measure(work: _Work, action: str, repeat: int) -> dict[str, Any]:
    """Time ``repeat`` runs of one action; return times (ms), and per run: redraws, operations, bytes."""
    app = work.app
    rng = random.Random(f"{action}-{len(work.steps)}")
    with timed_runs(app) as runs:
        for i in range(repeat):
            pick = rng.choice([s for s in work.candidates(action) if s != app.selected])
            if action != "select":  # untimed: select the step to work on
                app.clicks.pick(pick)
                if action == "join_owner":
                    assert app.handover_ends is not None, "the join's panel should show"
            seq = app.ws.seq
            runs.run(_one, app, action, pick, i)
            stored = app.ws.seq - seq
            runs.add("stored", stored)
            assert not app.messages.widget.value, f"{action}: {app.messages.widget.value}"
            if action != "select":  # untimed: take the edit back, so every run meets one journey
                assert stored == 1, f"{action} stored {stored} operations, not 1"
                app.ws.undo()
                assert work.now() == work.layer, f"undo did not restore the layer ({action})"
    return runs.summary()


def _parts(app: JourneyMapApp) -> list[tuple[Any, str, str]]:
    """What the breakdown times: ``(owner, attribute, label)`` for each step of a redraw."""
    return [
        (app_module, "swimlane_spec", "swimlane_spec"),
        (app_module, "friction_spec", "friction_spec"),
        (app_module, "network_spec", "network_spec"),
        (app_module, "comparison_spec", "comparison_spec"),
        (app_module, "output_item", "output_item (4 charts)"),
        (app_module, "findings", "findings()"),
        (app_module, "findings_html", "findings HTML"),
        (app_module, "steps_csv_link", "CSV download link (step_table, CSV, base64)"),
        (app.step_panel, "show", "step panel"),
        (app.handover_panel, "show", "handover panel"),
        (app.stages, "show", "stages panel"),
    ]


STEPS_LIST = "steps list (options and value set)"


@contextmanager
def _timed_step_list(app: JourneyMapApp, clock: Clock) -> Iterator[None]:
    """Time setting the step list's ``options`` and ``value`` (validation, labels, index, its update).

    The redraw sets them inline, so they are timed through a subclass of the list's own class that
    times those two assignments; building the list of labels stays under *other*.
    """
    box = app.steps
    cls = type(box)

    class TimedSelect(cls):  # type: ignore[misc, valid-type]
        def __setattr__(self, name: str, value: Any) -> None:
            if name in ("options", "value"):
                clock.wrap(STEPS_LIST, super().__setattr__)(name, value)
            else:
                super().__setattr__(name, value)

    box.__class__ = TimedSelect
    try:
        yield
    finally:
        box.__class__ = cls


def _breakdown(work: _Work, repeat: int, profile: bool) -> dict[str, Any]:
    """Time each part of a select's redraw on its own; optionally profile it. Medians in ms per click."""
    app = work.app
    clock = Clock()
    restore = [
        clock.patch(owner, attribute, label)
        for owner, attribute, label in _parts(app)
        if hasattr(owner, attribute)  # the app's helpers change as it is tuned: time those it has
    ]
    rng = random.Random("breakdown")
    try:
        with packing_sends(clock), _timed_step_list(app, clock):
            for _ in range(repeat):
                clock.current = {}
                t0 = time.perf_counter()
                app.clicks.pick(rng.choice([s for s in work.steps if s != app.selected]))
                clock.lap((time.perf_counter() - t0) * 1e3)
    finally:
        for undo in reversed(restore):
            undo()
    names = sorted({k for lap in clock.laps for k in lap})
    parts = {k: median([lap.get(k, 0.0) for lap in clock.laps]) for k in names}
    total = median([sum(lap.values()) for lap in clock.laps])
    out: dict[str, Any] = {
        "total_ms": total,
        "parts_ms": dict(sorted(parts.items(), key=lambda kv: -kv[1])),
    }
    if profile:
        profiler = cProfile.Profile()
        with packing_sends():
            profiler.enable()
            for _ in range(repeat):
                app.clicks.pick(rng.choice([s for s in work.steps if s != app.selected]))
            profiler.disable()
        stats = pstats.Stats(profiler)
        rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:15]  # type: ignore[attr-defined]
        out["profile_top"] = [
            {
                "function": f"{Path(file).name}:{line}({func})",
                "calls_per_click": calls / repeat,
                "own_ms_per_click": own * 1e3 / repeat,
                "cumulative_ms_per_click": cum * 1e3 / repeat,
            }
            for (file, line, func), (_, calls, own, cum, _) in rows
        ]
    return out


def _fmt_parts(parts: dict[str, float]) -> str:
    return "; ".join(f"{k} {v:.1f}" for k, v in parts.items() if v >= 0.05)


def _chart_kib(app: JourneyMapApp) -> dict[str, float]:
    """The packed size of each chart's output, as the kernel sends it."""
    outputs = {
        "swimlane": app.chart,
        "friction": app.friction,
        "network": app.network,
        "comparison": app.comparison,
    }
    return {name: len(pack(list(out.outputs))) / 1024 for name, out in outputs.items()}


def _size(tmp: Path, n: int, teams: int, repeat: int) -> tuple[list[Row], dict[str, Any]]:
    """Build one journey, time its analysis, its edits and a redraw's parts; return rows and details."""
    at_target = n == TARGET_SIZE
    ws = create_workshop(
        f"journey-{n}", f"Journey benchmark, {n} steps", db=tmp / f"journey-{n}.db"
    )
    try:
        t0 = time.perf_counter()
        shape: JourneyShape = build_journey(ws, n, teams)
        build_ms = (time.perf_counter() - t0) * 1e3
        log(f"journey: {shape.describe()}; built in {build_ms:.0f} ms")
        journey = ws.journey(shape.journey_id)
        times = _analysis(journey, repeat)
        log(f"journey: {n} steps, findings(): {_stats(times['findings'])}")
        parts = {name: median(ms) for name, ms in times.items() if name != "findings"}
        rows = [
            Row(
                "journey",
                f"{n} steps, {teams} teams: full analysis, findings(journey, 'actual')",
                _stats(times["findings"]),
                target=f"median <= {ANALYSIS_TARGET_MS:.0f} ms" if at_target else "",
                passed=median(times["findings"]) <= ANALYSIS_TARGET_MS if at_target else None,
                note=f"{repeat} runs, a new journey value each; handovers, repeated requests, "
                "hotspots, intended vs actual, the network",
            ),
            Row(
                "journey",
                f"{n} steps: each analysis part on its own (median ms)",
                "; ".join(f"{k} {v:.1f}" for k, v in parts.items()),
                note="step_table is not part of findings: the page's CSV download uses it",
            ),
        ]
        t0 = time.perf_counter()
        app = JourneyMapApp(ws, shape.journey_id)
        app_ms = (time.perf_counter() - t0) * 1e3
        charts = _chart_kib(app)
        log(
            f"journey: {n} steps, JourneyMapApp built in {app_ms:.0f} ms; chart messages "
            + ", ".join(f"{k} {v:.0f} KiB" for k, v in charts.items())
        )
        work = _Work(app)
        details: dict[str, Any] = {
            "shape": shape.describe(),
            "build_ms": build_ms,
            "operations": shape.operations,
            "app_build_ms": app_ms,
            "chart_kib": charts,
            "analysis_ms": times,
        }
        for action in ACTIONS:
            got = _measure(work, action, repeat)
            details[action] = got
            log(
                f"journey: {n} steps, {action}: median {got['median_ms']:.1f} ms, p95 "
                f"{got['p95_ms']:.1f} ms, {got['redraws']:.0f} redraw(s), {got['sent_kib']:.0f} KiB "
                f"sent in {got['updates']:.0f} updates, {got['widgets_opened']:.0f} new widgets"
            )
            judged = at_target and action != "select"
            rows.append(
                Row(
                    "journey",
                    f"{n} steps: {_LABEL[action]}",
                    _stats(got["ms"]),
                    target=f"median <= {REDRAW_TARGET_MS:.0f} ms" if judged else "",
                    passed=got["median_ms"] <= REDRAW_TARGET_MS if judged else None,
                    note=f"{repeat} runs; per run {got['redraws']:.0f} redraw(s), {got['stored']:.0f} "
                    f"operation(s) stored, {got['sent_kib']:.0f} KiB packed, {got['widgets_opened']:.0f} "
                    f"widgets opened and {got['widgets_closed']:.0f} closed; resident memory "
                    f"{got['rss_growth_mib']:+.2f} MiB per run; a full garbage collection in "
                    f"{got['full_gc_runs']} of {repeat} runs, up to {got['full_gc_max_ms']:.0f} ms",
                )
            )
        b = _breakdown(work, repeat, profile=at_target)
        details["breakdown"] = b
        log(f"journey: select at {n}, median ms per part: {_fmt_parts(b['parts_ms'])}")
        for entry in b.get("profile_top", [])[:8]:
            log(
                f"journey:   profile {entry['own_ms_per_click']:.2f} ms own, "
                f"{entry['calls_per_click']:.0f} calls: {entry['function']}"
            )
        rows.append(
            Row(
                "journey",
                f"{n} steps, select: where a redraw's time goes (median ms per click, timers on)",
                f"{b['total_ms']:.1f} ms: {_fmt_parts(b['parts_ms'])}",
                note=f"journey: {shape.describe()}",
            )
        )
        rows.append(
            Row(
                "journey",
                f"{n} steps: building the journey; the JourneyMapApp; chart sizes",
                f"journey {build_ms:.0f} ms ({shape.operations} operations through the public API); "
                f"JourneyMapApp {app_ms:.0f} ms; charts "
                + ", ".join(f"{k} {v:.0f} KiB" for k, v in charts.items()),
                note="the first app build in this process pays for altair and the spec templates"
                if n == SIZES[0][0]
                else "",
            )
        )
    finally:
        ws.close()
    return rows, details


def run(quick: bool = False, repeat: int | None = None) -> Section:
    """Build the journeys, time the analysis and the edits, break a redraw down; return the rows."""
    repeat = max(30, repeat or (30 if quick else 60))
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-journey-"))
    rows: list[Row] = []
    details: dict[str, Any] = {"repeat": repeat, "sizes": {}}
    try:
        for n, teams in SIZES:
            got_rows, got = _size(tmp, n, teams, repeat)
            rows += got_rows
            details["sizes"][str(n)] = got
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Section("journey", rows, details)
