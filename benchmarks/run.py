"""Run servicekit's benchmarks and write the results table.

Usage::

    python benchmarks/run.py [journal|imports|five_whys|journey|toast|eventlog|survey|report|pages|room|all]
                             [--quick] [--repeat N] [--burst N] [--survey-burst N] [--room-burst N]
                             [--notebooks A,B] [--no-preheat] [--fill-delay S]

Results go to ``benchmarks/results/latest.json`` (every figure) and ``benchmarks/results/latest.md`` (the
table to paste into ``benchmarks/README.md``). Progress lines are printed as it goes; a full run takes several
minutes on a 2-core machine. This is a harness to re-run by hand, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
# Run from a checkout without installing: the benchmark modules and servicekit itself must import.
for entry in (str(HERE), str(REPO_ROOT)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from _report import Section, log, machine_info, markdown, write_results  # noqa: E402

BENCHMARKS = (
    "journal",
    "imports",
    "five_whys",
    "journey",
    "toast",
    "eventlog",
    "survey",
    "report",
    "pages",
    "room",
)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "which",
        nargs="?",
        default="all",
        choices=(*BENCHMARKS, "all"),
        help="which benchmark to run (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repetitions and smaller workloads: a rough figure in a fraction of the time",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="page loads per page (default 5, --quick 2); fresh interpreters for imports "
        "(default 10, --quick 5); timed runs per Five Whys or journey action, and per journey "
        "analysis call (default 60, --quick 30, at least 30); plain fresh interpreters per "
        "workshop for the report export (default 5 for the sample and 3 for the large workshop, "
        "--quick 3 and 2)",
    )
    parser.add_argument(
        "--burst", type=int, default=10, help="pages opened at once in the burst run (default 10)"
    )
    parser.add_argument(
        "--survey-burst",
        type=int,
        default=20,
        help="survey: participant pages requested at once, server side (default 20)",
    )
    parser.add_argument(
        "--room-burst",
        type=int,
        default=25,
        help="room: participant pages requested at once on the participants' server (default 25)",
    )
    parser.add_argument(
        "--notebooks",
        default="",
        help="comma-separated servicekit notebooks from notebooks/ to measure beside the "
        "references (default: all of them)",
    )
    parser.add_argument(
        "--no-preheat",
        action="store_true",
        help="pages: skip the second Voila with preheated kernels",
    )
    parser.add_argument(
        "--fill-delay",
        type=float,
        default=15.0,
        help="pages: seconds before Voila refills a kernel pool after a page took its kernel "
        "(default 15: longer than a round of page views, so no refill runs while a page is timed)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, print the table, write the results files; return an exit code."""
    argv = sys.argv[1:] if argv is None else argv
    args = _parse(argv)
    chosen = BENCHMARKS if args.which == "all" else (args.which,)
    machine = machine_info()
    log(
        f"servicekit benchmarks: {', '.join(chosen)}{' (quick)' if args.quick else ''} on "
        f"{machine['cores']} cores, Python {machine['python']}"
    )
    if machine["load_average_at_start"][0] > 1.0:
        log(
            f"the machine is busy (load average {machine['load_average_at_start'][0]:.1f} on "
            f"{machine['cores']} cores): figures will be noisy; re-run when it is quiet"
        )
    started = time.perf_counter()
    sections: list[Section] = []
    for name in chosen:
        t0 = time.perf_counter()
        if name == "journal":
            import journal_bench

            section = journal_bench.run(quick=args.quick)
        elif name == "imports":
            import import_bench

            section = import_bench.run(quick=args.quick, repeat=args.repeat)
        elif name == "five_whys":
            import five_whys_bench

            section = five_whys_bench.run(quick=args.quick, repeat=args.repeat)
        elif name == "journey":
            import journey_bench

            section = journey_bench.run(quick=args.quick, repeat=args.repeat)
        elif name == "toast":
            import toast_bench

            section = toast_bench.run(quick=args.quick, repeat=args.repeat)
        elif name == "eventlog":
            import eventlog_bench

            section = eventlog_bench.run(quick=args.quick, repeat=args.repeat)
        elif name == "report":
            import report_bench

            section = report_bench.run(quick=args.quick, repeat=args.repeat)
        elif name == "survey":
            import survey_bench
            from _voila import Preheat

            section = survey_bench.run(
                quick=args.quick,
                repeat=args.repeat,
                burst=args.survey_burst,
                preheat=None if args.no_preheat else Preheat(fill_delay=args.fill_delay),
            )
        elif name == "room":
            import room_bench

            section = room_bench.run(quick=args.quick, repeat=args.repeat, burst=args.room_burst)
        else:
            import pages
            from _voila import Preheat

            wanted = [n.strip() for n in args.notebooks.split(",") if n.strip()] or None
            section = pages.run(
                quick=args.quick,
                repeat=args.repeat,
                burst=args.burst,
                notebooks=wanted,
                preheat=None if args.no_preheat else Preheat(fill_delay=args.fill_delay),
            )
        section.seconds = time.perf_counter() - t0
        log(f"{name}: done in {section.seconds:.0f} s")
        sections.append(section)
    total = time.perf_counter() - started
    json_path, md_path = write_results(sections, machine, total, argv)
    print()
    print(markdown(sections, machine, total, argv))
    log(f"wrote {json_path.relative_to(REPO_ROOT)} and {md_path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
