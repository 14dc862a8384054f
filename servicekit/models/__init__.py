"""Pure domain models: frozen values, validated, with lossless ``to_dict``/``from_dict``.

Only the standard library is imported here, so the models load fast anywhere
(a participant's page, a test, a script) and carry no Jupyter dependency.
"""

from ._base import FORMAT_VERSION, new_id
from .five_whys import CONFIDENCE, COUNTERMEASURE_KINDS, LENSES, Countermeasure, FiveWhys, WhyNode
from .journey import ACTORS, Handover, JourneyMap, Layer, Stage, Step
from .ops import KINDS, apply, replay
from .survey import Answer, Lens, Question, Respondent, Survey
from .workshop import EXERCISES, PHASES, Participant, WorkshopState

__all__ = [
    "ACTORS",
    "CONFIDENCE",
    "COUNTERMEASURE_KINDS",
    "EXERCISES",
    "FORMAT_VERSION",
    "KINDS",
    "LENSES",
    "PHASES",
    "Answer",
    "Countermeasure",
    "FiveWhys",
    "Handover",
    "JourneyMap",
    "Layer",
    "Lens",
    "Participant",
    "Question",
    "Respondent",
    "Stage",
    "Step",
    "Survey",
    "WhyNode",
    "WorkshopState",
    "apply",
    "new_id",
    "replay",
]
