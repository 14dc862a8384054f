"""Import benchmarks: what a participant's kernel pays before it can show anything.

Each figure comes from a fresh interpreter (a new kernel imports everything from scratch), measured *inside*
the child with ``time.perf_counter`` around the statement, so interpreter start-up is not counted. Memory is
the child's resident set (``VmRSS``) after each step. The child also reports which heavy libraries ended up in
``sys.modules``: the design keeps altair and networkx (and pandas) off the participant's path, because every
open page is one kernel and a room of 30 people multiplies whatever one kernel loads.

Steps measured, in one child each run:

1. ``import servicekit`` — target <= 150 ms.
2. ``servicekit.open_workshop(slug, db=...)`` on the sample workshop — the participant path; target: no
   altair and no networkx loaded.
3. ``import servicekit.ui`` — what a Voila page adds on top (it must bring ipywidgets); reported only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from _child import run_child
from _report import Row, Section, log, median
from _workload import load_sample

__all__ = ["HEAVY", "run"]

HEAVY = ("altair", "networkx", "pandas", "ipywidgets", "numpy")
IMPORT_TARGET_MS = 150.0
#: Loading any of these on the participant path fails the target.
FORBIDDEN_ON_PARTICIPANT_PATH = ("altair", "networkx")

_CHILD = r"""
import json, sys, time

HEAVY = {heavy!r}

def rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

def step(name, fn):
    t0 = time.perf_counter()
    fn()
    out[name] = {{"ms": (time.perf_counter() - t0) * 1e3, "rss_mib": rss_mib(),
                  "heavy": [m for m in HEAVY if m in sys.modules], "modules": len(sys.modules)}}

out = {{"baseline_rss_mib": rss_mib(), "baseline_modules": len(sys.modules)}}
step("import", lambda: __import__("servicekit"))
import servicekit
step("open", lambda: servicekit.open_workshop({slug!r}, db={db!r}, actor="participant-bench"))
try:
    step("ui", lambda: __import__("servicekit.ui"))
except Exception as exc:
    out["ui_error"] = f"{{type(exc).__name__}}: {{exc}}"
print("RESULT " + json.dumps(out))
"""


def _child(db: Path, slug: str) -> dict[str, Any]:
    """Run the measuring script in a fresh interpreter; return what it printed."""
    return run_child(_CHILD.format(heavy=HEAVY, slug=slug, db=str(db)), "import", timeout=120)


def run(quick: bool = False, repeat: int | None = None) -> Section:
    """Measure the imports in ``repeat`` fresh interpreters (default 10, quick 5); return the rows."""
    n = repeat or (5 if quick else 10)
    section = Section("imports")
    with tempfile.TemporaryDirectory(prefix="sk-bench-imports-") as tmp:
        db = Path(tmp) / "sample.db"
        slug, sample_note = load_sample(db)
        log(f"imports: {n} fresh interpreters ({sample_note})")
        runs = [_child(db, slug) for _ in range(n)]

    def med(step: str, key: str) -> float:
        return median([r[step][key] for r in runs if step in r])

    def heavy(step: str) -> list[str]:
        return sorted({m for r in runs if step in r for m in r[step]["heavy"]})

    baseline = median([r["baseline_rss_mib"] for r in runs])
    imp_ms, open_ms = med("import", "ms"), med("open", "ms")
    participant_heavy = heavy("open")
    forbidden = [m for m in participant_heavy if m in FORBIDDEN_ON_PARTICIPANT_PATH]
    rows = [
        Row(
            "imports",
            "import servicekit, wall",
            f"{imp_ms:.1f} ms",
            f"<= {IMPORT_TARGET_MS:.0f} ms",
            imp_ms <= IMPORT_TARGET_MS,
            note=f"median of {n} fresh interpreters",
        ),
        Row(
            "imports",
            "import servicekit, resident memory",
            f"{med('import', 'rss_mib'):.1f} MiB",
            note=f"bare interpreter {baseline:.1f} MiB",
        ),
        Row("imports", "open_workshop on the sample, wall", f"{open_ms:.1f} ms", note=sample_note),
        Row(
            "imports",
            "import + open_workshop, resident memory",
            f"{med('open', 'rss_mib'):.1f} MiB",
        ),
        Row(
            "imports", "heavy modules after import servicekit", ", ".join(heavy("import")) or "none"
        ),
        Row(
            "imports",
            "heavy modules after open_workshop (participant path)",
            ", ".join(participant_heavy) or "none",
            "no altair, no networkx",
            not forbidden,
        ),
    ]
    ui_errors = sorted({r["ui_error"] for r in runs if "ui_error" in r})
    if ui_errors:
        rows.append(Row("imports", "import servicekit.ui", f"failed: {ui_errors[0][:80]}"))
    else:
        rows.append(
            Row(
                "imports",
                "import servicekit.ui (what a page adds), wall / memory",
                f"{med('ui', 'ms'):.0f} ms / {med('ui', 'rss_mib'):.1f} MiB",
                note="loads " + (", ".join(heavy("ui")) or "no heavy module"),
            )
        )
    section.rows = rows
    section.details = {"sample": sample_note, "runs": runs, "baseline_rss_mib": baseline}
    return section
