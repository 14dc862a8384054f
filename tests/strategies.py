"""Hypothesis strategies that build valid models, for round-trip and property tests."""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from servicekit.models import (
    ACTORS,
    CONFIDENCE,
    COUNTERMEASURE_KINDS,
    LENSES,
    Answer,
    Countermeasure,
    FiveWhys,
    Handover,
    JourneyMap,
    Layer,
    Lens,
    Participant,
    Question,
    Respondent,
    Stage,
    Step,
    Survey,
    WhyNode,
    WorkshopState,
)

# Any text a browser can send: no unpaired surrogates.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
name = text.filter(lambda s: s.strip())
ids = st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,11}\Z")
dates = st.dates().map(lambda d: d.isoformat()) | st.just("")


@st.composite
def five_whys(draw: st.DrawFn) -> FiveWhys:
    node_ids = draw(st.lists(ids, unique=True, max_size=12))
    nodes = {}
    for i, nid in enumerate(node_ids):
        parent = draw(st.none() | st.sampled_from(node_ids[:i])) if i else None
        nodes[nid] = WhyNode(
            id=nid,
            parent=parent,
            answer=draw(name),
            evidence=draw(text),
            confidence=draw(st.sampled_from(CONFIDENCE)),
            lens=draw(st.none() | st.sampled_from(LENSES)),
            root_cause=draw(st.booleans()),
            deleted=draw(st.booleans()),
            author=draw(text),
        )
    measures = {}
    if node_ids:
        for mid in draw(st.lists(ids, unique=True, max_size=4)):
            measures[mid] = Countermeasure(
                id=mid,
                node=draw(st.sampled_from(node_ids)),
                kind=draw(st.sampled_from(COUNTERMEASURE_KINDS)),
                action=draw(name),
                owner=draw(text),
                due=draw(dates),
            )
    return FiveWhys(id=draw(ids), problem=draw(name), nodes=nodes, countermeasures=measures)


@st.composite
def surveys(draw: st.DrawFn) -> Survey:
    lenses = tuple(
        Lens(id=i, title=draw(name)) for i in draw(st.lists(ids, unique=True, max_size=3))
    )
    questions = []
    for qid in draw(st.lists(ids, unique=True, max_size=6)):
        kind = draw(st.sampled_from(("scale", "bands", "open")))
        bands = tuple(draw(st.lists(name, min_size=2, max_size=5))) if kind == "bands" else ()
        lens = draw(st.none() | st.sampled_from([lens.id for lens in lenses])) if lenses else None
        questions.append(
            Question(
                id=qid,
                text=draw(name),
                lens=lens,
                kind=kind,
                points=draw(st.integers(2, 11)),
                bands=bands,
            )
        )
    anonymous = draw(st.booleans())
    respondents = {}
    answers: dict[str, dict[str, Answer]] = {}
    for rid in draw(st.lists(ids, unique=True, max_size=5)):
        respondents[rid] = Respondent(
            id=rid, department=draw(text), role="" if anonymous else draw(text)
        )
        given = {}
        for q in questions:
            if not draw(st.booleans()):
                continue
            if q.kind == "open":
                value: int | str = draw(text)
            elif q.kind == "scale":
                value = draw(st.integers(1, q.points))
            else:
                value = draw(st.integers(0, len(q.bands) - 1))
            given[q.id] = Answer(question=q.id, value=value, comment=draw(text))
        answers[rid] = given
    return Survey(
        id=draw(ids),
        title=draw(name),
        lenses=lenses,
        questions=tuple(questions),
        anonymous=anonymous,
        is_open=draw(st.booleans()),
        respondents=respondents,
        answers=answers,
    )


@st.composite
def layers(draw: st.DrawFn, stage_ids: list[str]) -> Layer:
    steps = []
    for sid in draw(st.lists(ids, unique=True, max_size=8)):
        steps.append(
            Step(
                id=sid,
                name=draw(name),
                stage=draw(st.sampled_from(["", *stage_ids])),
                owner=draw(text),
                actor=draw(st.sampled_from(ACTORS)),
                systems=tuple(draw(st.lists(text, max_size=3))),
                info_requested=tuple(draw(st.lists(text, max_size=3))),
                duration_min=draw(st.none() | st.floats(0, 1e5)),
                wait_min=draw(st.none() | st.floats(0, 1e5)),
                friction=draw(st.none() | st.integers(0, 5)),
                workarounds=tuple(draw(st.lists(text, max_size=2))),
                notes=draw(text),
            )
        )
    handovers = {}
    for a, b in itertools.pairwise(steps):
        if draw(st.booleans()):
            h = Handover(
                a.id, b.id, what_travels=tuple(draw(st.lists(text, max_size=3))), owner=draw(text)
            )
            handovers[h.key] = h
    return Layer(steps=tuple(steps), handovers=handovers)


@st.composite
def journeys(draw: st.DrawFn) -> JourneyMap:
    stage_ids = draw(st.lists(ids, unique=True, max_size=5))
    stages = tuple(Stage(id=s, name=draw(name)) for s in stage_ids)
    private = {pid: draw(layers(stage_ids)) for pid in draw(st.lists(ids, unique=True, max_size=2))}
    return JourneyMap(
        id=draw(ids),
        name=draw(name),
        stages=stages,
        teams=tuple(draw(st.lists(name, max_size=4))),
        intended=draw(layers(stage_ids)),
        actual=draw(layers(stage_ids)),
        private=private,
    )


def _keyed(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(strategy, max_size=2, unique_by=lambda v: v.id).map(
        lambda vs: {v.id: v for v in vs}
    )


workshops = st.builds(
    WorkshopState,
    slug=st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z"),
    title=name,
    join_code=st.from_regex(r"\A[A-Z0-9]{4,12}\Z"),
    client=text,
    date=dates,
    phase=st.sampled_from(("collect", "reveal", "discuss", "vote")),
    participants=_keyed(st.builds(Participant, id=ids, name=text, department=text, role=text)),
    trees=_keyed(five_whys()),
    surveys=_keyed(surveys()),
    journeys=_keyed(journeys()),
)
