"""The findings report export: its time, its size and its memory, for the sample and for a large workshop.

``servicekit.export.report.export_files(export, out)`` writes the report (one HTML file with every chart as
static SVG) and its data bundle (a zip of CSV tables and the workshop's JSON). It runs in two situations:

* **cold**, what ``servicekit export`` pays: a fresh interpreter, so the export imports what it needs
  (pandas, networkx, Jinja2, vl-convert; altair too, as long as a chart builds its spec with it) and
  starts vl-convert's JavaScript engine;
* **warm**, what the Export button pays in a running page kernel: a second export in the same process.

Each figure comes from fresh interpreters (:func:`_child.run_child`, as :mod:`import_bench` and
:mod:`_fresh_app` run theirs). A child does what the command does: ``import servicekit.export.report``, reads
the workshop from its database (``Journal.export``), then calls ``export_files``, timed with
``time.perf_counter`` inside the child; then it exports again ``warm`` times. Beside ``export_files`` it
times ``build_report`` (the report alone) and ``data_bundle`` (the zip) as called inside it, reads the sizes
of the two files, and the child's peak resident memory (``resource.getrusage(...).ru_maxrss``) after the
cold export and after the warm ones. The parent notes the wall-clock time from starting the interpreter to
the cold report being written.

Two kinds of children run, interleaved:

* **plain** children give the headline figures: nothing is patched but two wrappers that read the time
  around ``build_report`` and ``data_bundle``;
* **breakdown** children first import, one by one and each timed, the libraries the first plain child's
  export loaded (of :data:`IMPORTS`: Jinja2; rfc3987-syntax, jsonschema and altair, in that order so that
  each shows on its own; pandas; networkx; vl-convert; servicekit's analysis and chart modules), then run
  the same export with exclusive timers (each timed call's own time, without the timed calls inside it;
  main thread only; wall and the main thread's CPU time) around each phase: the analysis (``workshop_findings``, the questionnaire figures and
  the tree outlines the page shows), the chart specs (``_charts``, with the Five Whys, journey and
  questionnaire chart functions apart), the SVG rendering (``render_svgs``, and any wait for vl-convert's
  engine, which ``build_report`` starts in a background thread first), the template (loading and
  compiling it, rendering it), the tables (for the appendix, and again for the bundle), the bundle's CSV,
  JSON and zip, and writing the files. What no timer covers (decoding the state, ``build_report``'s own
  code, the timers) is *other*. Every chart's rendering is also timed in its worker thread, with its SVG's
  size, and full garbage collections inside an export are counted with the collecting thread's CPU time
  (``gc.callbacks``).

The imports are timed before the export rather than inside it: an earlier version of this harness wrapped
``builtins.__import__`` to time them in place, and the main thread then spent 2.0-2.6 s of CPU instead of
about 1 s in jsonschema's import (in the lark grammar rfc3987-syntax builds; why was not pinned down),
which made the breakdown 1.5 s slower than the plain export it was meant to explain. Timed first, imports
plus export come within a few per cent of the plain figure.

Workshops: the shipped sample (``data/samples/northbridge-search.json``; targets: export <= 3 s, report
<= 3 MB) and the large workshop of :mod:`_large_workshop` (ten Five Whys trees of 60 answers, a
questionnaire of 200 respondents, a 300-step journey; no target, the figures are reported).

The machine is shared: before each workshop's timed runs the harness waits, polling every 30 s for up to
10 minutes, for the 1-minute load average to fall to 1 or below, and records the load it measured at.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from _child import run_child
from _report import Row, Section, log, median

__all__ = ["run"]

TIME_TARGET_S = 3.0
SIZE_TARGET_BYTES = 3_000_000
QUIET_LOAD = 1.0
POLL_S = 30.0
MAX_WAIT_S = 600.0
ENGINE_WAIT = "waiting for vl-convert's engine"
#: What the export may import, as (label, modules): a breakdown child imports one by one, before its
#: export, those that the first plain child's cold export loaded (so a library the export stops needing
#: is not charged to it), in the order the export meets them. jsonschema (which altair imports) and the
#: IRI grammar jsonschema builds at import when rfc3987-syntax is installed come first, so each shows.
IMPORTS = (
    ("jinja2", ("jinja2",)),
    ("rfc3987_syntax", ("rfc3987_syntax",)),
    ("jsonschema", ("jsonschema",)),
    ("altair", ("altair",)),
    ("pandas", ("pandas",)),
    ("networkx", ("networkx",)),
    ("vl_convert", ("vl_convert",)),
    (
        "servicekit's analysis and charts",
        (
            "servicekit.analysis.workshop",
            "servicekit.analysis.survey",
            "servicekit.analysis.journey",
            "servicekit.charts.render",
            "servicekit.charts.five_whys",
            "servicekit.charts.survey",
            "servicekit.charts.journey",
        ),
    ),
)
#: The chart functions ``_charts`` may call, timed in a breakdown child when their module is loaded:
#: (module, names, label).
CHART_SPECS = (
    ("servicekit.charts.five_whys", ("tree_spec",), "chart specs: Five Whys"),
    (
        "servicekit.charts.journey",
        ("swimlane_spec", "friction_spec", "network_spec", "comparison_spec"),
        "chart specs: journey",
    ),
    (
        "servicekit.charts.survey",
        ("heatmap_spec", "distribution_spec", "heatmap_chart", "distribution_chart"),
        "chart specs: questionnaire",
    ),
    ("servicekit.charts.render", ("spec",), "chart specs: questionnaire"),
)
#: Breakdown labels grouped as the table reports them.
GROUPS = {
    "analysis": ("analysis",),
    "chart specs": (
        "chart specs",
        "chart specs: Five Whys",
        "chart specs: journey",
        "chart specs: questionnaire",
    ),
    "SVG rendering": ("SVG rendering", ENGINE_WAIT),
    "template": ("template: load and compile", "template: render"),
    "tables + bundle": (
        "tables",
        "bundle: tables again",
        "bundle: CSV",
        "bundle: JSON + zip",
        "writing files",
    ),
}

_CHILD = r"""
import importlib, json, resource, sys, threading, time

MAIN = threading.get_ident()
now = time.perf_counter
HEAVY = ("altair", "pandas", "numpy", "networkx", "jinja2", "vl_convert", "jsonschema", "narwhals",
         "IPython", "ipywidgets")


def rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Clock:
    # Exclusive timers on the main thread: each label gets its calls' own time, without timed calls
    # inside, as wall time and as the main thread's CPU time (the difference is time spent waiting).
    def __init__(self):
        self.own = {}
        self.cpu = {}
        self.stack = []  # [label, wall and CPU seconds spent in timed calls inside]

    def top(self):
        return self.stack[-1][0] if self.stack else ""

    def wrap(self, label, fn):
        def timed(*args, **kwargs):
            name = label(self.top()) if callable(label) else label
            if name is None or threading.get_ident() != MAIN:
                return fn(*args, **kwargs)
            frame = [name, 0.0, 0.0]
            self.stack.append(frame)
            t0, c0 = now(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent, cpu = now() - t0, time.thread_time() - c0
                self.stack.pop()
                self.own[name] = self.own.get(name, 0.0) + spent - frame[1]
                self.cpu[name] = self.cpu.get(name, 0.0) + cpu - frame[2]
                if self.stack:
                    self.stack[-1][1] += spent
                    self.stack[-1][2] += cpu
        return timed

    def take(self):
        own, cpu = self.own, self.cpu
        self.own, self.cpu = {}, {}
        return {k: v * 1e3 for k, v in own.items()}, {k: v * 1e3 for k, v in cpu.items()}


clock = Clock()
out = {"baseline_rss_mib": rss_mib()}

t0 = now()
import servicekit.export.report as report
out["import_report_ms"] = (now() - t0) * 1e3
from servicekit.journal import Journal

if P["breakdown"]:  # what the export imports, each on its own and in the order the export meets them
    imports = out["imports_ms"] = {}
    for label, modules in P["imports"]:
        t0 = now()
        try:
            for name in modules:
                importlib.import_module(name)
        except ImportError:
            continue
        imports[label] = (now() - t0) * 1e3
    out["imports_rss_mib"] = rss_mib()

t0 = now()
with Journal(P["db"]) as journal:
    export = journal.export(P["slug"])
out["journal_export_ms"] = (now() - t0) * 1e3

timings = {}


def around(name, fn):
    def timed(*args, **kwargs):
        t0 = now()
        try:
            return fn(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + (now() - t0) * 1e3
    return timed


charts = []
engine = []
pauses = []  # full garbage collections during an export (s of the collecting thread's CPU)
if P["breakdown"]:
    import gc

    started = {}

    def on_gc(phase, info):
        if info["generation"] != 2:
            return
        # the collecting thread's CPU time: a finaliser that lets other threads run would make
        # wall time count their work as the collection's
        if phase == "start":
            started["t"] = time.thread_time()
        elif "t" in started:
            pauses.append(time.thread_time() - started.pop("t"))

    gc.callbacks.append(on_gc)
    from types import SimpleNamespace
    import servicekit.analysis.five_whys as five_whys
    import servicekit.analysis.workshop as workshop
    import servicekit.export.svg as svg

    def in_build_report(top):
        return "analysis" if top == "other (build_report)" else None

    def tables_label(top):
        return "bundle: tables again" if top == "bundle: JSON + zip" else "tables"

    # build_report imports these when it runs, so patching the modules' attributes reaches it
    five_whys.walk = clock.wrap(in_build_report, five_whys.walk)
    five_whys.warnings = clock.wrap(in_build_report, five_whys.warnings)
    workshop.workshop_findings = clock.wrap("analysis", workshop.workshop_findings)
    for module, names, label in P["chart_specs"]:
        module = sys.modules.get(module)  # imported above if the export uses it; never loaded here
        for name in names if module is not None else ():
            if hasattr(module, name):  # the chart modules change as they are tuned: time what exists
                setattr(module, name, clock.wrap(label, getattr(module, name)))

    real_check = report.check_template

    def check_template(path):
        template = real_check(path)
        template.render = clock.wrap("template: render", type(template).render.__get__(template))
        return template

    real_warm_up = report.warm_up

    def warm_up():
        t0 = now()
        thread = real_warm_up()

        def watch():
            thread.join()
            engine.append((now() - t0) * 1e3)

        threading.Thread(target=watch, daemon=True).start()
        thread.join = clock.wrap("waiting for vl-convert's engine", thread.join)
        return thread

    real_to_svg = svg.to_svg

    def to_svg(spec, label):
        t0 = now()
        text = real_to_svg(spec, label)
        charts.append([label, (now() - t0) * 1e3, len(text.encode())])
        return text

    svg.to_svg = to_svg
    report.warm_up = warm_up
    report.check_template = clock.wrap("template: load and compile", check_template)
    report.load_branding = clock.wrap("template: load and compile", report.load_branding)
    report._charts = clock.wrap("chart specs", report._charts)
    report._surveys = clock.wrap("analysis", report._surveys)
    report.render_svgs = clock.wrap("SVG rendering", report.render_svgs)
    report.workshop_tables = clock.wrap(tables_label, report.workshop_tables)
    report.frame_csv = clock.wrap("bundle: CSV", report.frame_csv)
    report._replace = clock.wrap("writing files", report._replace)
    report.WorkshopState = SimpleNamespace(
        from_dict=clock.wrap("state from the export", report.WorkshopState.from_dict)
    )
    report.build_report = clock.wrap("other (build_report)", report.build_report)
    report.data_bundle = clock.wrap("bundle: JSON + zip", report.data_bundle)
report.build_report = around("build_report_ms", report.build_report)
report.data_bundle = around("bundle_ms", report.data_bundle)

runs = []
for i in range(1 + P["warm"]):
    timings.clear()
    clock.take()
    del charts[:], engine[:]
    del pauses[:]
    before = set(sys.modules)
    t0 = now()
    written = report.export_files(export, P["out"])
    ms = (now() - t0) * 1e3
    if i == 0:
        out["report_written_at"] = time.time()
        out["loaded"] = [m for m in P["watch"] if m in sys.modules and m not in before]
    page = written[0].read_text(encoding="utf-8")
    run = {
        "ms": ms,
        "build_report_ms": timings.get("build_report_ms"),
        "bundle_ms": timings.get("bundle_ms"),
        "report_bytes": written[0].stat().st_size,
        "bundle_bytes": written[1].stat().st_size,
        "figures": page.count('<svg role="img"'),
        "peak_mib": peak_mib(),
        "rss_mib": rss_mib(),
    }
    if P["breakdown"]:
        time.sleep(0.05)  # let the watcher note the engine's start if it has not yet
        parts, cpu = clock.take()
        parts["other"] = ms - sum(parts.values())
        run.update(
            parts=parts,
            cpu=cpu,
            charts=list(charts),
            engine_ms=engine[0] if engine else None,
            full_gc_ms=[p * 1e3 for p in pauses],
        )
    runs.append(run)
out["runs"] = runs
out["heavy"] = [m for m in HEAVY if m in sys.modules]
print("RESULT " + json.dumps(out))
"""


def _child(
    db: Path, slug: str, out: Path, warm: int, imports: list[tuple[str, tuple[str, ...]]] | None
) -> dict[str, Any]:
    """Run one fresh interpreter's export: one cold, then ``warm`` more; return what it reported.

    With ``imports`` (a list like :data:`IMPORTS`), the child is a breakdown child.
    """
    params = {
        "db": str(db),
        "slug": slug,
        "out": str(out),
        "warm": warm,
        "breakdown": imports is not None,
        "imports": imports or [],
        "chart_specs": CHART_SPECS,
        "watch": [name for _, names in IMPORTS for name in names],
    }
    spawned = time.time()
    got = run_child(f"P = {params!r}\n" + _CHILD, "report export", timeout=900)
    got["spawn_to_report_s"] = got["report_written_at"] - spawned
    return got


def _loaded(modules: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The entries of :data:`IMPORTS` that a cold export loaded (``modules``: those it loaded)."""
    new = set(modules)
    out = []
    for label, names in IMPORTS:
        wanted = tuple(name for name in names if name in new)
        if wanted:
            out.append((label, wanted))
    return out


def wait_for_quiet(what: str) -> dict[str, Any]:
    """Wait until the 1-minute load average is at most 1 (polling every 30 s, 10 minutes at most)."""
    t0 = time.monotonic()
    first = os.getloadavg()
    load = first
    while load[0] > QUIET_LOAD and time.monotonic() - t0 < MAX_WAIT_S:
        log(f"report: {what}: load average {load[0]:.2f} on {os.cpu_count()} cores; waiting")
        time.sleep(POLL_S)
        load = os.getloadavg()
    waited = time.monotonic() - t0
    if load[0] > QUIET_LOAD:
        log(
            f"report: {what}: still busy after {waited:.0f} s (load {load[0]:.2f}); measuring anyway"
        )
    return {"first": list(first), "at_start": list(load), "waited_s": round(waited)}


def _kind(caption: str) -> str:
    """A chart's kind, from its caption in the report."""
    endings = {
        ": as documented against as it really runs": "comparison",
        ": as it really runs": "swimlane (actual)",
        ": as documented": "swimlane (documented)",
        ": friction and waiting": "friction curve",
        ": who hands work to whom": "network",
        ": mean answer by department and question": "heatmap",
        ": how answers spread": "answer spreads",
    }
    for end, kind in endings.items():
        if caption.endswith(end):
            return kind
    return "Five Whys tree" if caption.startswith("Five Whys tree:") else caption[:40]


def _parts(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Median own time per breakdown label (ms) over ``runs``, largest first."""
    labels = sorted({k for r in runs for k in r["parts"]})
    parts = {k: median([r["parts"].get(k, 0.0) for r in runs]) for k in labels}
    return dict(sorted(parts.items(), key=lambda kv: -kv[1]))


def _grouped(parts: dict[str, float]) -> dict[str, float]:
    """The breakdown in the table's groups: the five phases, and other."""
    out = {}
    for group, labels in GROUPS.items():
        out[group] = sum(parts.get(k, 0.0) for k in labels)
    out["other"] = sum(
        v for k, v in parts.items() if all(k not in labels for labels in GROUPS.values())
    )
    return out


def _fmt_breakdown(parts: dict[str, float]) -> str:
    grouped = _grouped(parts)
    engine = parts.get(ENGINE_WAIT, 0.0)
    detail = {
        "SVG rendering": f"of which waiting for vl-convert's engine {engine:.0f}",
        "chart specs": f"Five Whys {parts.get('chart specs: Five Whys', 0.0):.0f}, journey "
        f"{parts.get('chart specs: journey', 0.0):.0f}, questionnaire "
        f"{parts.get('chart specs: questionnaire', 0.0):.0f}, the rest of _charts "
        f"{parts.get('chart specs', 0.0):.0f}",
        "template": f"load and compile {parts.get('template: load and compile', 0.0):.0f}, "
        f"render {parts.get('template: render', 0.0):.0f}",
        "tables + bundle": f"tables {parts.get('tables', 0.0):.0f}, bundle: tables again "
        f"{parts.get('bundle: tables again', 0.0):.0f}, CSV {parts.get('bundle: CSV', 0.0):.0f}, "
        f"JSON + zip {parts.get('bundle: JSON + zip', 0.0):.0f}, writing "
        f"{parts.get('writing files', 0.0):.0f}",
    }
    return "; ".join(
        f"{k} {v:.0f}" + (f" ({detail[k]})" if detail.get(k) else "")
        for k, v in grouped.items()
        if v >= 0.5
    )


def _charts(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per kind of chart: how many, median render time per chart (ms, in its thread), SVG KiB in all."""
    kinds: dict[str, dict[str, list[float]]] = {}
    for r in runs:
        per_run: dict[str, dict[str, list[float]]] = {}
        for caption, ms, size in r["charts"]:
            got = per_run.setdefault(_kind(caption), {"ms": [], "bytes": []})
            got["ms"].append(ms)
            got["bytes"].append(size)
        for kind, got in per_run.items():
            k = kinds.setdefault(kind, {"n": [], "ms": [], "kib": []})
            k["n"].append(len(got["ms"]))
            k["ms"] += got["ms"]
            k["kib"].append(sum(got["bytes"]) / 1024)
    return {
        kind: {"charts": median(v["n"]), "ms_each": median(v["ms"]), "svg_kib": median(v["kib"])}
        for kind, v in sorted(kinds.items(), key=lambda kv: -median(kv[1]["ms"]))
    }


def _gc(runs: list[dict[str, Any]]) -> str:
    """How many full garbage collections fell inside the exports, and their pauses."""
    pauses = [p for r in runs for p in r["full_gc_ms"]]
    if not pauses:
        return "no full garbage collection inside the exports"
    return (
        f"{len(pauses)} full garbage collections in {len(runs)} exports, {sum(pauses):.0f} ms of "
        f"CPU in all, up to {max(pauses):.0f} ms"
    )


def _s(ms: list[float]) -> str:
    return f"{median(ms) / 1e3:.2f} s (min {min(ms) / 1e3:.2f}, max {max(ms) / 1e3:.2f})"


def _workshop(
    name: str,
    db: Path,
    slug: str,
    described: str,
    out: Path,
    plain: int,
    breakdowns: int,
    warm: int,
    targets: bool,
) -> tuple[list[Row], dict[str, Any]]:
    """Measure one workshop's export in ``plain`` + ``breakdowns`` fresh interpreters; rows and details."""
    load = wait_for_quiet(name)
    log(
        f"report: {name}: {plain} plain and {breakdowns} breakdown interpreters, each one cold "
        f"export and {warm} warm (load average {load['at_start'][0]:.2f})"
    )
    kinds = []
    p, b = plain, breakdowns
    while p or b:  # interleave, so drift on a shared machine hits both alike
        if p:
            kinds.append("plain")
            p -= 1
        if b:
            kinds.append("breakdown")
            b -= 1
    got: dict[str, list[dict[str, Any]]] = {"plain": [], "breakdown": []}
    loads = []
    to_import: list[tuple[str, tuple[str, ...]]] = []
    for i, kind in enumerate(kinds):
        loads.append(os.getloadavg()[0])
        r = _child(db, slug, out, warm, to_import if kind == "breakdown" else None)
        if kind == "plain" and not got["plain"]:
            to_import = _loaded(r["loaded"])
        got[kind].append(r)
        cold = r["runs"][0]
        log(
            f"report: {name}: {i + 1}/{len(kinds)} {kind}: cold {cold['ms'] / 1e3:.2f} s "
            f"(build_report {cold['build_report_ms'] / 1e3:.2f} s), warm "
            + ", ".join(f"{w['ms'] / 1e3:.2f}" for w in r["runs"][1:])
            + f" s; report {cold['report_bytes']:,} bytes, peak {cold['peak_mib']:.0f} MiB"
        )
    load_end = os.getloadavg()
    plain_runs = got["plain"]
    cold = [r["runs"][0] for r in plain_runs]
    warm_runs = [w for r in plain_runs for w in r["runs"][1:]]
    cold_ms = [c["ms"] for c in cold]
    warm_ms = [w["ms"] for w in warm_runs]
    report_bytes = median([float(c["report_bytes"]) for c in cold])
    bundle_bytes = median([float(c["bundle_bytes"]) for c in cold])
    figures = sorted({c["figures"] for c in cold})
    b_cold = [r["runs"][0] for r in got["breakdown"]]
    b_warm = [w for r in got["breakdown"] for w in r["runs"][1:]]
    cold_parts, warm_parts = _parts(b_cold), _parts(b_warm) if b_warm else {}
    charts_warm = _charts(b_warm or b_cold)
    engine = [c["engine_ms"] for c in b_cold if c.get("engine_ms") is not None]
    imports = {
        label: median(
            [r["imports_ms"][label] for r in got["breakdown"] if label in r["imports_ms"]]
        )
        for label, _ in IMPORTS
        if any(label in r["imports_ms"] for r in got["breakdown"])
    }
    imports_ms = sum(imports.values())
    load_note = (
        f"load average {load['at_start'][0]:.2f} at the start (waited {load['waited_s']} s), "
        f"{max(loads):.2f} at most before a child, {load_end[0]:.2f} at the end"
    )
    time_target = f"median <= {TIME_TARGET_S:.0f} s" if targets else ""

    def judged(ms: list[float]) -> bool | None:
        return median(ms) <= TIME_TARGET_S * 1e3 if targets else None

    rows = [
        Row(
            "report",
            f"{name}: export_files cold, in a fresh interpreter (report + data bundle)",
            f"{_s(cold_ms)}; build_report alone {_s([c['build_report_ms'] for c in cold])}; "
            f"bundle {median([c['bundle_ms'] for c in cold]) / 1e3:.2f} s",
            time_target,
            judged(cold_ms),
            note=f"median of {len(cold)} fresh interpreters; imports and vl-convert's engine start "
            f"included; before it, import servicekit.export.report "
            f"{median([r['import_report_ms'] for r in plain_runs]):.0f} ms and Journal.export "
            f"{median([r['journal_export_ms'] for r in plain_runs]):.0f} ms; from starting the "
            f"interpreter to the report written "
            f"{median([r['spawn_to_report_s'] for r in plain_runs]):.2f} s; {load_note}",
        ),
        Row(
            "report",
            f"{name}: export_files warm, a later export in the same process (the Export button)",
            f"{_s(warm_ms)}; build_report alone {_s([w['build_report_ms'] for w in warm_runs])}; "
            f"bundle {median([w['bundle_ms'] for w in warm_runs]) / 1e3:.2f} s",
            time_target,
            judged(warm_ms),
            note=f"median of {len(warm_runs)} exports, {warm} after the cold one in each of "
            f"{len(plain_runs)} interpreters",
        ),
        Row(
            "report",
            f"{name}: file sizes",
            f"report {report_bytes:,.0f} bytes ({report_bytes / 1e6:.2f} MB); data bundle "
            f"{bundle_bytes:,.0f} bytes ({bundle_bytes / 1e6:.2f} MB)",
            f"report <= {SIZE_TARGET_BYTES / 1e6:.0f} MB" if targets else "",
            report_bytes <= SIZE_TARGET_BYTES if targets else None,
            note=f"{', '.join(map(str, figures))} charts as inline SVG; SVG "
            f"{sum(c['svg_kib'] for c in charts_warm.values()):,.0f} KiB in all",
        ),
        Row(
            "report",
            f"{name}: peak resident memory of the process (ru_maxrss)",
            f"after the cold export {median([c['peak_mib'] for c in cold]):.0f} MiB; after "
            f"{warm} more {median([r['runs'][-1]['peak_mib'] for r in plain_runs]):.0f} MiB",
            note=f"interpreter before importing anything but the standard library "
            f"{median([r['baseline_rss_mib'] for r in plain_runs]):.0f} MiB; loaded after the export: "
            + ", ".join(sorted({m for r in plain_runs for m in r["heavy"]})),
        ),
    ]
    if b_cold:
        export_ms = median([c["ms"] for c in b_cold])
        own = "other (build_report)"
        own_wall = median([c["parts"].get(own, 0.0) for c in b_cold])
        own_cpu = median([c["cpu"].get(own, 0.0) for c in b_cold])
        rows.append(
            Row(
                "report",
                f"{name}: where a cold export's time goes (median ms, timers on, imports first)",
                f"{imports_ms + export_ms:.0f} ms = imports {imports_ms:.0f} ("
                + ", ".join(f"{k} {v:.0f}" for k, v in imports.items() if v >= 1)
                + f") + export_files {export_ms:.0f}: {_fmt_breakdown(cold_parts)}",
                note=f"{len(b_cold)} fresh interpreters, against {median(cold_ms):.0f} ms for the "
                "plain cold export above; the libraries were imported one by one before the "
                "export, each timed, then the export's phases; vl-convert's engine started in a "
                f"background thread in {median(engine or [float('nan')]):.0f} ms; build_report's "
                f"own code (between the timed calls) {own_wall:.0f} ms, of which the main thread "
                f"ran {own_cpu:.0f} ms; {_gc(b_cold)}",
            )
        )
    if b_warm:
        rows.append(
            Row(
                "report",
                f"{name}: where a warm export's time goes (median ms, timers on)",
                f"{median([w['ms'] for w in b_warm]):.0f} ms: {_fmt_breakdown(warm_parts)}",
                note=f"{len(b_warm)} exports; {_gc(b_warm)}",
            )
        )
    rows.append(
        Row(
            "report",
            f"{name}: SVG rendering per chart, warm (median ms per chart in its thread; 2 threads)",
            "; ".join(
                f"{kind} x{v['charts']:.0f}: {v['ms_each']:.0f} ms each, {v['svg_kib']:,.0f} KiB"
                for kind, v in charts_warm.items()
            ),
            note=described,
        )
    )
    details = {
        "workshop": described,
        "load": load | {"before_each_child": loads, "at_end": list(load_end)},
        "plain": plain_runs,
        "breakdown": got["breakdown"],
        "cold_parts_ms": cold_parts,
        "warm_parts_ms": warm_parts,
        "charts_warm": charts_warm,
    }
    return rows, details


def run(quick: bool = False, repeat: int | None = None) -> Section:
    """Export the sample and the large workshop, cold and warm; return the rows."""
    from _large_workshop import build_large_workshop
    from _workload import load_sample

    # (plain interpreters, breakdown interpreters, warm exports in each)
    sample_runs = (repeat or (3 if quick else 5), 1 if quick else 3, 2)
    large_runs = (repeat or (2 if quick else 3), 1 if quick else 2, 1 if quick else 2)
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-report-"))
    rows: list[Row] = []
    details: dict[str, Any] = {}
    try:
        sample_db = tmp / "sample.db"
        slug, sample_note = load_sample(sample_db)
        got_rows, details["sample"] = _workshop(
            "sample", sample_db, slug, sample_note, tmp / "sample.html", *sample_runs, targets=True
        )
        rows += got_rows
        t0 = time.perf_counter()
        large = build_large_workshop(tmp / "large.db")
        described = large.describe()
        log(f"report: large workshop built in {time.perf_counter() - t0:.1f} s: {described}")
        got_rows, details["large"] = _workshop(
            "large workshop",
            tmp / "large.db",
            large.slug,
            described,
            tmp / "large.html",
            *large_runs,
            targets=False,
        )
        rows += got_rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Section("report", rows, details)
