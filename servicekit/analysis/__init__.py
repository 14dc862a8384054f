"""Analysis: pure functions over the models.

Every function here takes model values and returns new plain values (frozen
dataclasses, lists, dicts); nothing is stored and nothing is drawn. Modules that
need a heavy library (pandas, networkx) import it inside the function that uses
it, so importing :mod:`servicekit.analysis` stays fast enough for a
participant's page.
"""

from __future__ import annotations

from .five_whys import (
    CauseMeasure,
    Hint,
    Position,
    RootCause,
    RootCauseSummary,
    TreeWarning,
    problem_hints,
    summarise,
    walk,
    warnings,
)

__all__ = [
    "CauseMeasure",
    "Hint",
    "Position",
    "RootCause",
    "RootCauseSummary",
    "TreeWarning",
    "problem_hints",
    "summarise",
    "walk",
    "warnings",
]
