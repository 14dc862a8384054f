"""The charts' Vega-Lite spec templates, stored as JSON so that drawing a chart needs no altair.

A template is a chart's whole spec with its named datasets empty and placeholder sizes:
``xxx_spec(...)`` copies it and fills in the data and the sizes. altair stays the source of
truth: each chart module builds its template with altair (``_build_template``), and
``python -m servicekit.charts.templates.build`` writes every file here from those builders.
A test fails when a stored file differs from what altair builds, so edit the builder, then
regenerate.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["NAMES", "load"]

#: Every stored template, by file name (``<name>.json`` beside this module).
NAMES = (
    "five_whys_tree",
    "journey_swimlane",
    "journey_friction",
    "journey_network",
    "journey_comparison",
    "survey_heatmap",
    "survey_distribution",
    "toast_maps",
    "toast_consensus",
)


def load(name: str) -> dict[str, Any]:
    """The stored template ``name``, read from the package (callers cache it and copy it per chart)."""
    if name not in NAMES:
        msg = f"No chart template {name!r}. Pick one of: {', '.join(NAMES)}."
        raise ValueError(msg)
    source = resources.files(__name__) / f"{name}.json"
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = (
            f"The chart template {name}.json is missing from {source}. "
            "Run `python -m servicekit.charts.templates.build` to write it."
        )
        raise FileNotFoundError(msg) from None
    template: dict[str, Any] = json.loads(text)
    return template
