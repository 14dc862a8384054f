"""Shared helpers for the benchmarks: statistics, result rows, machine info and the two output formats.

Every benchmark returns a :class:`Section`: a list of :class:`Row` (what the Markdown table shows, with a
target and PASS/FAIL where the project has set one) plus free-form ``details`` that go to the JSON file only.
Keeping one row type means the README table, ``results/latest.json`` and the console all say the same thing.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "RESULTS_DIR",
    "Row",
    "Section",
    "log",
    "machine_info",
    "markdown",
    "median",
    "p95",
    "percentile",
    "write_results",
]

RESULTS_DIR = Path(__file__).resolve().parent / "results"

#: Packages whose versions change the figures; listed in the results so a re-run can be compared fairly.
PACKAGES = (
    "voila",
    "ipywidgets",
    "ipykernel",
    "jupyter_server",
    "altair",
    "pandas",
    "networkx",
    "vl-convert-python",
    "playwright",
)


@dataclass
class Row:
    """One line of the results table: a measured value and, when the project has one, its target.

    ``passed`` is None for figures reported for information only (no target).
    """

    benchmark: str
    metric: str
    value: str
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        """PASS, FAIL, or an empty string when there is no target."""
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")


@dataclass
class Section:
    """What one benchmark produced: table rows, raw figures for the JSON file, and how long it ran."""

    name: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def log(message: str) -> None:
    """Print a progress line at once (runs take minutes; a silent harness looks hung)."""
    stamp = datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def median(values: list[float]) -> float:
    """The median, or NaN for no values (a page that never became ready)."""
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], pct: int) -> float:
    """The ``pct``-th percentile by the nearest-rank method (no interpolation, so it is a real sample)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-pct * len(ordered) // 100))  # ceil(pct/100 * n)
    return ordered[rank - 1]


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    return percentile(values, 95)


def machine_info() -> dict[str, Any]:
    """Cores, memory, OS, Python and the versions of the packages that matter, plus the date."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "packages": versions,
    }


def markdown(
    sections: list[Section], machine: dict[str, Any], total_seconds: float, argv: list[str]
) -> str:
    """The results table as Markdown, headed by the machine it was measured on."""
    pkgs = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
    lines = [
        f"Measured {machine['date']} on {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['memory_gib']} GiB, {machine['os']}; Python {machine['python']}; {pkgs}. "
        f"Load average (1/5/15 min) at start: {'/'.join(map(str, machine['load_average_at_start']))}.",
        f"Command: `python benchmarks/run.py {' '.join(argv)}` — {total_seconds:.0f} s in all.",
        "",
        "| benchmark | metric | value | target | result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for section in sections:
        for row in section.rows:
            metric = f"{row.metric} ({row.note})" if row.note else row.metric
            lines.append(
                f"| {row.benchmark} | {metric} | {row.value} | {row.target} | {row.verdict} |"
            )
    return "\n".join(lines) + "\n"


def write_results(
    sections: list[Section], machine: dict[str, Any], total_seconds: float, argv: list[str]
) -> tuple[Path, Path]:
    """Write ``results/latest.json`` and ``results/latest.md``; return both paths."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": machine,
        "argv": argv,
        "total_seconds": round(total_seconds, 1),
        "sections": {
            s.name: {
                "seconds": round(s.seconds, 1),
                "rows": [asdict(r) | {"result": r.verdict} for r in s.rows],
                "details": s.details,
            }
            for s in sections
        },
    }
    json_path = RESULTS_DIR / "latest.json"
    json_path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    md_path = RESULTS_DIR / "latest.md"
    md_path.write_text(markdown(sections, machine, total_seconds, argv))
    return json_path, md_path
