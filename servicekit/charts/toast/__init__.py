"""Making Toast charts: everyone's maps side by side, and the consensus they share.

Each chart comes as ``xxx_chart(...)`` (an altair chart, to inspect or export) and
``xxx_spec(...)`` (the same Vega-Lite spec as a dict, from a stored template with the data
filled in: no altair, see :mod:`servicekit.charts.templates`). Layouts are computed in
Python, in pixels, as for the journey charts.

Participant text (step names, and the people's names when the facilitator shows them)
travels as data and is drawn by text marks, so markup in it stays text; titles and
descriptions hold counts only. Person ids never reach a spec: maps are numbered in the
alignment's order. Meaning never rests on colour alone: a card says "only here" or
"contested" in words, and a dashed line says the maps between lack the step.
"""

from __future__ import annotations

from ._common import CONTESTED_PURPLE as CONTESTED_PURPLE
from ._common import SOLO_BROWN as SOLO_BROWN
from ._common import STEP_FILLS
from .consensus import consensus_chart, consensus_spec
from .maps import CARD_H as CARD_H
from .maps import CARD_W as CARD_W
from .maps import LINE_KINDS as LINE_KINDS
from .maps import map_labels, maps_chart, maps_spec

__all__ = [
    "STEP_FILLS",
    "consensus_chart",
    "consensus_spec",
    "map_labels",
    "maps_chart",
    "maps_spec",
]
