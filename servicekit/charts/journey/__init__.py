"""Journey-map charts: the swimlane map, the friction curve, the handover network, paper against reality.

Each chart comes as ``xxx_chart(...)`` (an altair chart, to inspect or export) and
``xxx_spec(...)`` (the same Vega-Lite spec as a dict, fast and without altair: a
stored template, see :mod:`servicekit.charts.templates`, with the data filled in). Layouts are computed in
Python, in pixels, so cards never overlap and nothing depends on the browser.

Meaning never rests on colour alone: a card names its actor and its friction in
text, a join nobody owns is a red *dashed* line with a "no owner" label, steps
seen only in reality or only on paper say so on the card. Participant text
travels as data and is drawn by text marks, so markup in a step name stays text.
Clicking a card sets the page's address to ``#sk-pick=<step id>``. Control characters that
XML cannot carry are left out of chart text (see :func:`~servicekit.charts.layout.plain`).

The charts live one to a module (:mod:`.swimlane`, :mod:`.friction`, :mod:`.network`,
:mod:`.comparison`); what they share is in :mod:`._common`. Import them from here.
"""

from __future__ import annotations

# Beyond __all__, the layout sizes and colours stay importable from here, as before the split;
# `NAME as NAME` marks them as re-exported.
from ._common import ACTOR_COLOURS, FRICTION_COLOURS
from ._common import NO_OWNER_RED as NO_OWNER_RED
from ._common import UNRATED as UNRATED
from .comparison import CMP_GAP as CMP_GAP
from .comparison import CMP_H as CMP_H
from .comparison import CMP_W as CMP_W
from .comparison import MOVED_PURPLE as MOVED_PURPLE
from .comparison import ROW_GAP as ROW_GAP
from .comparison import ROW_LABEL_W as ROW_LABEL_W
from .comparison import STATUS_FILLS as STATUS_FILLS
from .comparison import comparison_chart, comparison_spec
from .friction import STEP_PX as STEP_PX
from .friction import TEAM_COLOURS as TEAM_COLOURS
from .friction import TEAM_SHAPES as TEAM_SHAPES
from .friction import TOP as TOP
from .friction import friction_chart, friction_spec
from .network import NODE_MARGIN as NODE_MARGIN
from .network import network_chart, network_spec
from .swimlane import CARD_H as CARD_H
from .swimlane import CARD_W as CARD_W
from .swimlane import COL_GAP as COL_GAP
from .swimlane import HEADER_H as HEADER_H
from .swimlane import LABEL_W as LABEL_W
from .swimlane import LANE_H as LANE_H
from .swimlane import LANE_PAD as LANE_PAD
from .swimlane import MARKER_BROWN as MARKER_BROWN
from .swimlane import SELECTED_BLUE as SELECTED_BLUE
from .swimlane import Card, Swimlanes, swimlane_chart, swimlane_layout, swimlane_spec

__all__ = [
    "ACTOR_COLOURS",
    "FRICTION_COLOURS",
    "Card",
    "Swimlanes",
    "comparison_chart",
    "comparison_spec",
    "friction_chart",
    "friction_spec",
    "network_chart",
    "network_spec",
    "swimlane_chart",
    "swimlane_layout",
    "swimlane_spec",
]
