"""Write the stored chart templates from the altair builders: ``python -m servicekit.charts.templates.build``.

Run it after changing how a chart is built (its ``_build_template`` or anything that feeds it:
marks, encodings, the theme). ``--check`` writes nothing and exits 1 when a stored template
differs from what altair builds now, naming it; the test suite runs the same comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import NAMES

__all__ = ["build", "builders", "dumps", "main", "path", "stale"]

HERE = Path(__file__).resolve().parent


def builders() -> dict[str, Callable[[], dict[str, Any]]]:
    """Each template's altair builder, by name (importing the chart modules, not altair)."""
    from .. import five_whys, survey
    from ..journey import comparison, friction, network, swimlane
    from ..toast import consensus, maps

    return {
        "five_whys_tree": five_whys._build_template,
        "journey_swimlane": swimlane._build_template,
        "journey_friction": friction._build_template,
        "journey_network": network._build_template,
        "journey_comparison": comparison._build_template,
        "survey_heatmap": survey._build_heatmap_template,
        "survey_distribution": survey._build_distribution_template,
        "toast_maps": maps._build_template,
        "toast_consensus": consensus._build_template,
    }


def build(name: str) -> dict[str, Any]:
    """The template ``name`` as altair builds it now."""
    if name not in NAMES:
        msg = f"No chart template {name!r}. Pick one of: {', '.join(NAMES)}."
        raise ValueError(msg)
    return builders()[name]()


def dumps(template: dict[str, Any]) -> str:
    """A template as stored: indented JSON in altair's key order, UTF-8, one final newline."""
    return json.dumps(template, indent=1, ensure_ascii=False) + "\n"


def path(name: str) -> Path:
    """Where the template ``name`` is stored in the source tree."""
    return HERE / f"{name}.json"


def stale(names: Sequence[str] = NAMES) -> list[str]:
    """The templates whose stored file is missing or differs from what altair builds now."""
    out = []
    for name in names:
        where = path(name)
        stored = where.read_text(encoding="utf-8") if where.exists() else None
        if stored != dumps(build(name)):
            out.append(name)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Write every template (or, with ``--check``, only report the stale ones); 1 if any is stale."""
    parser = argparse.ArgumentParser(
        prog="python -m servicekit.charts.templates.build",
        description="Write the stored chart templates from the altair builders.",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a template is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        behind = stale()
        for name in behind:
            print(f"{path(name)} differs from what altair builds", file=sys.stderr)
        if behind:
            print(
                "Run `python -m servicekit.charts.templates.build` to rewrite it.",
                file=sys.stderr,
            )
        return 1 if behind else 0
    for name in NAMES:
        text = dumps(build(name))
        where = path(name)
        if not where.exists() or where.read_text(encoding="utf-8") != text:
            where.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
