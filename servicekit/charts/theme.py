"""One look for every chart: readable on a projector, colour-blind-safe lens colours, system fonts."""

from __future__ import annotations

__all__ = [
    "CONFIDENCE_DASH",
    "CONFIDENCE_LABELS",
    "CONFIDENCE_WIDTH",
    "FONT",
    "LENS_COLOURS",
    "LENS_LABELS",
]

#: System fonts only: nothing is fetched, and projectors render them crisply.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: Display names of lenses, including nodes with no lens and the problem box.
LENS_LABELS = {"people": "People", "process": "Process", "systems": "Systems", None: "No lens"}

#: Light fills (dark text stays readable on them), distinguishable with colour-blindness.
LENS_COLOURS = {
    "Problem": "#e8e8e8",
    "People": "#f6c89f",
    "Process": "#a6d2f2",
    "Systems": "#b9e3b0",
    "No lens": "#ffffff",
}

CONFIDENCE_LABELS = {"fact": "Verified fact", "likely": "Likely", "opinion": "Opinion"}
#: Outline by evidence strength: a fact is a solid heavy line, an opinion a thin dotted one.
CONFIDENCE_DASH = {"Verified fact": [1, 0], "Likely": [8, 4], "Opinion": [2, 4]}
CONFIDENCE_WIDTH = {"Verified fact": 3.0, "Likely": 2.0, "Opinion": 1.5}
