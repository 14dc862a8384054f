"""The whole workshop's findings: what a summary page or a report leads with.

One call gathers every exercise's analysis and ranks across them: root causes by
evidence strength, countermeasures in the order eliminate → move earlier → simplify →
automate, the worst journey hotspots and the joins nobody owns, information asked more
than once, the questions where views diverge most, and the gap between each documented
and real journey. Pure: it reads a :class:`~servicekit.models.WorkshopState` and
returns values (pandas and networkx load on use, through the journey and survey analyses).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import COUNTERMEASURE_KINDS, WorkshopState
from .five_whys import CauseMeasure, RootCause, RootCauseSummary, summarise
from .journey import HandoverPoint, Hotspot, JourneyFindings, RepeatedRequest, findings

__all__ = [
    "CauseFinding",
    "DivergenceFinding",
    "JourneyItem",
    "MeasureFinding",
    "WorkshopFindings",
    "workshop_findings",
]

_STRENGTH = {"fact": 0, "likely": 1, "opinion": 2}
_KIND = {k: i for i, k in enumerate(COUNTERMEASURE_KINDS)}


@dataclass(frozen=True)
class CauseFinding:
    """A root cause and the problem (tree) it answers."""

    tree: str
    problem: str
    cause: RootCause


@dataclass(frozen=True)
class MeasureFinding:
    """A countermeasure, the cause it acts on, and the problem."""

    tree: str
    problem: str
    measure: CauseMeasure


@dataclass(frozen=True)
class DivergenceFinding:
    """A question where views diverge: its survey, text, consensus and widest department gap."""

    survey: str
    survey_title: str
    question: str
    text: str
    n: int
    consensus: float
    gap_high: str | None = None
    gap_low: str | None = None
    gap_size: float | None = None


@dataclass(frozen=True)
class JourneyItem:
    """Something found in one journey (a hotspot, a join nobody owns, a repeated request)."""

    journey: str
    journey_name: str
    item: Hotspot | HandoverPoint | RepeatedRequest


@dataclass(frozen=True)
class WorkshopFindings:
    """Every exercise's findings, plus the ranked lists a summary leads with."""

    trees: dict[str, RootCauseSummary]
    journeys: dict[str, JourneyFindings]
    causes: tuple[CauseFinding, ...]
    measures: tuple[MeasureFinding, ...]
    divergences: tuple[DivergenceFinding, ...]
    hotspots: tuple[JourneyItem, ...]
    unowned: tuple[JourneyItem, ...]
    repeated: tuple[JourneyItem, ...]

    @property
    def causes_by_lens(self) -> dict[str, int]:
        """Root causes counted by lens (``untagged`` for none), over every tree."""
        out: dict[str, int] = {}
        for tree in self.trees.values():
            for lens, n in tree.causes_by_lens.items():
                out[lens] = out.get(lens, 0) + n
        return out


def workshop_findings(
    state: WorkshopState, *, min_group: int = 3, top: int = 5, dissent_from: float = 0.0
) -> WorkshopFindings:
    """Analyse every exercise of a workshop and rank what matters across them.

    ``min_group`` hides survey departments with fewer respondents (as the dashboard
    does). ``top`` caps the hotspots and divergences kept *per exercise*; causes,
    measures, unowned joins and repeated requests are all kept. Questions whose
    consensus is 1 (everyone agreed) are never listed as divergences;
    ``dissent_from`` raises that floor (0.2: only questions with dissent >= 0.2).
    """
    trees = {tid: summarise(tree) for tid, tree in state.trees.items()}
    causes = sorted(
        (CauseFinding(tid, s.problem, c) for tid, s in trees.items() for c in s.causes),
        key=lambda f: (_STRENGTH[f.cause.strength], _STRENGTH[f.cause.confidence], f.cause.depth),
    )
    measures = sorted(
        (MeasureFinding(tid, s.problem, m) for tid, s in trees.items() for m in s.measures),
        key=lambda f: _KIND[f.measure.measure.kind],
    )
    journeys = {
        jid: findings(journey)
        for jid, journey in state.journeys.items()
        if journey.actual.steps or journey.intended.steps
    }
    hotspots, unowned, repeated = [], [], []
    for jid, found in journeys.items():
        name = state.journeys[jid].name
        hotspots += [JourneyItem(jid, name, h) for h in found.hotspots[:top]]
        unowned += [JourneyItem(jid, name, h) for h in found.unowned]
        repeated += [JourneyItem(jid, name, r) for r in found.repeated]
    return WorkshopFindings(
        trees=trees,
        journeys=journeys,
        causes=tuple(causes),
        measures=tuple(measures),
        divergences=tuple(_divergences(state, min_group, top, dissent_from)),
        hotspots=tuple(sorted(hotspots, key=lambda i: -i.item.score)),  # type: ignore[union-attr]
        unowned=tuple(unowned),
        repeated=tuple(sorted(repeated, key=lambda i: -i.item.count)),  # type: ignore[union-attr]
    )


def _divergences(
    state: WorkshopState, min_group: int, top: int, dissent_from: float
) -> list[DivergenceFinding]:
    if not state.surveys:
        return []
    from .survey import divergence

    out = []
    for sid, survey in state.surveys.items():
        kept = 0
        for d in divergence(survey, min_group):
            consensus = d.stats.consensus
            if consensus is None or 1 - consensus <= dissent_from or consensus >= 1:
                continue
            gap = d.stats.gap
            out.append(
                DivergenceFinding(
                    survey=sid,
                    survey_title=survey.title,
                    question=d.question.id,
                    text=d.question.text,
                    n=d.stats.n,
                    consensus=consensus,
                    gap_high=gap.high if gap else None,
                    gap_low=gap.low if gap else None,
                    gap_size=gap.size if gap else None,
                )
            )
            kept += 1
            if kept == top:
                break
    return sorted(out, key=lambda d: d.consensus)
