"""The first Five Whys app a kernel builds: measured in fresh interpreters, as a page's kernel meets it.

A click on a warm app costs milliseconds, but every page's kernel first pays once for what the first
redraw loads: the chart's spec template is built with altair (``charts.five_whys._template``), which imports
altair and jsonschema. This module runs a short script in fresh interpreters (like the import benchmarks:
timed inside the child, start-up not counted) on the benchmark's 200-answer tree, in steps:

1. ``import servicekit.ui`` (ipywidgets, anywidget);
2. ``import altair`` on its own, so its cost is not hidden inside the first build;
3. the first ``FiveWhysApp(ws)``: the spec template is built, every panel drawn;
4. a second ``FiveWhysApp(ws)`` in the same interpreter: what a build costs once everything is loaded.

The child's resident memory (``VmRSS``) after step 3 is a kernel's memory without ipykernel itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _child import run_child
from _report import Row, median

__all__ = ["measure", "row"]

RUNS = 3

_CHILD = r"""
import json, sys, time

def rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

out = {}
def step(name, fn):
    t0 = time.perf_counter()
    value = fn()
    out[name] = (time.perf_counter() - t0) * 1e3
    return value

step("import_ui", lambda: __import__("servicekit.ui"))
from servicekit import open_workshop
from servicekit.ui.apps.five_whys import FiveWhysApp
ws = step("open", lambda: open_workshop(SLUG, db=DB))
step("import_altair", lambda: __import__("altair"))
step("first_app", lambda: FiveWhysApp(ws))
out["rss_mib"] = rss_mib()
step("second_app", lambda: FiveWhysApp(ws))
out["vl_convert_loaded"] = "vl_convert" in sys.modules
print("RESULT " + json.dumps(out))
"""


def _child(db: Path, slug: str) -> dict[str, Any]:
    """Run the measuring script in a fresh interpreter; return what it printed."""
    return run_child(f"SLUG = {slug!r}\nDB = {str(db)!r}\n" + _CHILD, "Five Whys", timeout=180)


def measure(db: Path, slug: str, runs: int = RUNS) -> dict[str, Any]:
    """Run the child ``runs`` times on workshop ``slug`` in ``db``; return every run and the medians."""
    got = [_child(db, slug) for _ in range(runs)]
    keys = ("import_ui", "open", "import_altair", "first_app", "second_app", "rss_mib")
    return {
        "runs": got,
        "median": {k: median([float(r[k]) for r in got]) for k in keys},
        "vl_convert_loaded": any(r["vl_convert_loaded"] for r in got),
    }


def row(result: dict[str, Any], size: int) -> Row:
    """The report row for :func:`measure`'s result."""
    m = result["median"]
    return Row(
        "five_whys",
        f"first FiveWhysApp in a fresh interpreter, {size} answers (median of {len(result['runs'])})",
        f"import servicekit.ui {m['import_ui']:.0f} ms, import altair {m['import_altair']:.0f} ms, "
        f"first build {m['first_app']:.0f} ms (spec template via altair), next build "
        f"{m['second_app']:.0f} ms; {m['rss_mib']:.0f} MiB resident",
        note="vl-convert loaded" if result["vl_convert_loaded"] else "no vl-convert (no JS engine)",
    )
