"""Journey analysis: handovers, repeated requests, hotspots, and the intended map against the actual.

Every function reads one :class:`~servicekit.models.JourneyMap` layer (default
``"actual"``) and returns plain values. The rules, in the words a facilitator uses:

- A **handover** is every change of owning team between two consecutive steps.
  Its details (what must travel, who owns the join) come from the layer's
  recorded handovers; a join with no named owner is flagged "nobody owns this
  join". Its friction and waiting time are those of the step that receives the work.
- A **repeated request** is one piece of information asked of the customer at
  more than one step, recognised through wording ("Phone no.", "mobile number").
- A **hotspot** is a step or a handover, scored by friction, waiting time and
  recorded pain, so the room sees where work slows down and where it hurts.
- The **gap** between intended and actual: steps only on paper, steps only in
  reality, steps whose order changed, and handovers only in reality, as one score.

networkx and pandas load only when a function that needs them runs.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models import JourneyMap
from ..models.journey import Layer, Step, format_minutes, handover_key

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd  # type: ignore[import-untyped]

__all__ = [
    "NO_TEAM",
    "HandoverPoint",
    "Hotspot",
    "JourneyFindings",
    "LayerGap",
    "NetworkSummary",
    "RepeatedRequest",
    "compare_layers",
    "findings",
    "handover_network",
    "handovers",
    "hotspots",
    "match_steps",
    "network_summary",
    "normalise_info",
    "repeated_requests",
    "step_table",
    "team_of",
]

#: How a step with no owning team is named in findings and charts.
NO_TEAM = "(no team)"


def team_of(step: Step) -> str:
    """The team a step belongs to for handover purposes; unowned steps share :data:`NO_TEAM`."""
    return step.owner.strip() or NO_TEAM


# -- handovers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverPoint:
    """One join between teams: the step before, the step after, and what is known about it."""

    position: int
    from_step: str
    to_step: str
    from_name: str
    to_name: str
    from_team: str
    to_team: str
    what_travels: tuple[str, ...] = ()
    owner: str = ""
    notes: str = ""
    recorded: bool = False
    friction: int | None = None
    wait_min: float | None = None

    @property
    def key(self) -> str:
        """The key its details are stored under (see :func:`servicekit.models.journey.handover_key`)."""
        return handover_key(self.from_step, self.to_step)

    @property
    def owned(self) -> bool:
        """Whether someone is named as owning this join."""
        return bool(self.owner.strip())

    @property
    def label(self) -> str:
        return f"{self.from_team} → {self.to_team}"


def handovers(journey: JourneyMap, layer: str = "actual") -> list[HandoverPoint]:
    """Every change of owning team between consecutive steps, in journey order.

    >>> from servicekit.models import JourneyMap, Step
    >>> j = JourneyMap("j", "J")
    >>> for sid, team in [("a", "Sales"), ("b", "Sales"), ("c", "Support")]:
    ...     j = j.with_step("actual", Step(sid, sid.upper(), owner=team))
    >>> [(h.label, h.owned) for h in handovers(j)]
    [('Sales → Support', False)]
    """
    lay = journey.layer(layer)
    out = []
    steps = lay.steps
    for i in range(1, len(steps)):
        before, after = steps[i - 1], steps[i]
        if before.owner.strip() == after.owner.strip():
            continue
        details = lay.handovers.get(handover_key(before.id, after.id))
        out.append(
            HandoverPoint(
                position=i,
                from_step=before.id,
                to_step=after.id,
                from_name=before.name,
                to_name=after.name,
                from_team=team_of(before),
                to_team=team_of(after),
                what_travels=details.what_travels if details else (),
                owner=details.owner if details else "",
                notes=details.notes if details else "",
                recorded=details is not None,
                friction=after.friction,
                wait_min=after.wait_min,
            )
        )
    return out


# -- repeated requests --------------------------------------------------------------------------

#: Phrases that name the same thing, replaced before words are compared (lower case).
PHRASES: dict[str, str] = {
    "e-mail address": "email",
    "e-mail": "email",
    "e mail": "email",
    "email address": "email",
    "mail address": "email",
    "date of birth": "birthdate",
    "birth date": "birthdate",
    "dob": "birthdate",
    "post code": "postcode",
    "postal code": "postcode",
    "zip code": "postcode",
    "zip": "postcode",
    "telephone": "phone",
    "mobile phone": "phone",
    "cell phone": "phone",
    "cellphone": "phone",
    "mobile": "phone",
    "tel": "phone",
    "ph": "phone",
    "curriculum vitae": "cv",
    "resume": "cv",
    "résumé": "cv",
}
#: Abbreviations of single words.
_WORDS = {"no": "number", "nr": "number", "num": "number", "addr": "address", "ref": "reference"}
#: Words that carry no meaning of their own here; dropped unless nothing else is left.
_FILLER = frozenset(
    {
        "a",
        "an",
        "the",
        "your",
        "their",
        "his",
        "her",
        "my",
        "our",
        "of",
        "for",
        "to",
        "please",
        "details",
        "detail",
        "information",
        "info",
        "number",
        "confirm",
        "confirmation",
        "provide",
    }
)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^\w\s-]+")
#: Two wordings whose normalised forms are at least this similar are one request (typos, plurals).
FUZZY = 0.85


def normalise_info(text: str, synonyms: Mapping[str, str] | None = None) -> str:
    """A comparison key for a piece of requested information: same thing, same key.

    Brackets are dropped, phrases and abbreviations mapped to one word, filler
    words removed, plurals folded; ``synonyms`` adds a client's own phrases.

    >>> {normalise_info(t) for t in ["phone number", "Phone no.", "mobile number", "Mobile"]}
    {'phone'}
    >>> normalise_info("Notice period (weeks)"), normalise_info("E-mail address")
    ('notice period', 'email')
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _BRACKETS.sub(" ", text)
    text = " " + " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split()) + " "
    for phrase, word in {
        **PHRASES,
        **{k.casefold(): v for k, v in (synonyms or {}).items()},
    }.items():
        if " " + phrase + " " in text:
            text = text.replace(" " + phrase + " ", " " + word + " ")
    words = [_WORDS.get(w, w) for w in text.replace("-", " ").split()]
    words = [_singular(w) for w in words]
    kept = [w for w in words if w not in _FILLER]
    return " ".join(kept or words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class RepeatedRequest:
    """One piece of information asked of the customer at more than one step."""

    label: str
    key: str
    steps: tuple[str, ...]
    step_names: tuple[str, ...]
    teams: tuple[str, ...]
    wordings: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many steps ask for it."""
        return len(self.steps)


def repeated_requests(
    journey: JourneyMap, layer: str = "actual", synonyms: Mapping[str, str] | None = None
) -> list[RepeatedRequest]:
    """Information asked at two or more steps, most-asked first, by normalised and fuzzy matching.

    >>> from servicekit.models import JourneyMap, Step
    >>> j = JourneyMap("j", "J")
    >>> for sid, asks in [
    ...     ("a", ("phone number",)),
    ...     ("b", ("Phone no.", "CV")),
    ...     ("c", ("mobile number",)),
    ... ]:
    ...     j = j.with_step("actual", Step(sid, sid, info_requested=asks))
    >>> [(r.label, r.count, r.wordings) for r in repeated_requests(j)]
    [('phone number', 3, ('phone number', 'Phone no.', 'mobile number'))]
    """
    asked: list[tuple[str, Step, str]] = []  # (key, step, wording)
    for step in journey.layer(layer).steps:
        for wording in step.info_requested:
            if wording.strip():
                asked.append((normalise_info(wording, synonyms), step, wording))
    canonical = _cluster(key for key, _, _ in asked)
    groups: dict[str, list[tuple[Step, str]]] = {}
    for key, step, wording in asked:
        groups.setdefault(canonical[key], []).append((step, wording))
    out = []
    for key, items in groups.items():
        steps = list(dict.fromkeys(step.id for step, _ in items))
        if len(steps) < 2:
            continue
        by_id = {step.id: step for step, _ in items}
        wordings = tuple(dict.fromkeys(w for _, w in items))
        common = Counter(" ".join(w.split()).casefold() for _, w in items).most_common(1)[0][0]
        out.append(
            RepeatedRequest(
                label=common,
                key=key,
                steps=tuple(steps),
                step_names=tuple(by_id[s].name for s in steps),
                teams=tuple(dict.fromkeys(team_of(by_id[s]) for s in steps)),
                wordings=wordings,
            )
        )
    out.sort(key=lambda r: (-r.count, r.label))
    return out


def _cluster(keys: Iterable[str]) -> dict[str, str]:
    """Map each key to a representative: keys at least :data:`FUZZY` similar join one group."""
    counts = Counter(keys)
    reps: list[str] = []
    out: dict[str, str] = {}
    for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        matcher = difflib.SequenceMatcher(None, b=key, autojunk=False)
        for rep in reps:
            matcher.set_seq1(rep)
            if (
                matcher.real_quick_ratio() >= FUZZY
                and matcher.quick_ratio() >= FUZZY
                and matcher.ratio() >= FUZZY
            ):
                out[key] = rep
                break
        else:
            reps.append(key)
            out[key] = key
    return out


# -- hotspots -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hotspot:
    """A step or a handover, scored so the worst come first; ``reasons`` says why, in words."""

    kind: str  # "step" or "handover"
    ref: str  # a step id, or a handover key
    label: str
    team: str
    friction: int | None
    wait_min: float | None
    pain: int
    score: float
    reasons: tuple[str, ...] = ()


def hotspots(journey: JourneyMap, layer: str = "actual", top: int | None = None) -> list[Hotspot]:
    """Steps and handovers ranked by friction, waiting time and recorded pain, worst first.

    The score adds three parts, each 0 to 1: friction / 5, waiting time against the
    longest wait in the layer, and pain (pain points, workarounds and shadow systems,
    counting up to 4). A handover takes the friction and wait of the step that receives
    the work, plus 1 when nobody owns the join. Items scoring 0 are left out.
    """
    lay = journey.layer(layer)
    longest = max((s.wait_min or 0.0 for s in lay.steps), default=0.0)

    def parts(step: Step) -> tuple[float, list[str]]:
        reasons = []
        score = 0.0
        if step.friction:
            score += step.friction / 5
            reasons.append(f"friction {step.friction}/5")
        if step.wait_min and longest:
            score += step.wait_min / longest
            reasons.append(f"waits {format_minutes(step.wait_min)}")
        return score, reasons

    out = []
    for step in lay.steps:
        score, reasons = parts(step)
        pain = len(step.pain_points) + len(step.workarounds) + len(step.shadow_systems)
        score += min(pain, 4) / 4
        for n, what in (
            (len(step.pain_points), "pain point"),
            (len(step.workarounds), "workaround"),
            (len(step.shadow_systems), "shadow system"),
        ):
            if n:
                reasons.append(f"{n} {what}{'s' if n > 1 else ''}")
        if score > 0:
            out.append(
                Hotspot(
                    "step",
                    step.id,
                    step.name,
                    team_of(step),
                    step.friction,
                    step.wait_min,
                    pain,
                    round(score, 4),
                    tuple(reasons),
                )
            )
    for h in handovers(journey, layer):
        score, reasons = parts(lay.step(h.to_step))
        if not h.owned:
            score += 1
            reasons.insert(0, "nobody owns this join")
        if score > 0:
            out.append(
                Hotspot(
                    "handover",
                    h.key,
                    f"{h.label}: {h.to_name}",
                    h.to_team,
                    h.friction,
                    h.wait_min,
                    0 if h.owned else 1,
                    round(score, 4),
                    tuple(reasons),
                )
            )
    out.sort(key=lambda x: (-x.score, x.kind, x.label))
    return out if top is None else out[:top]


# -- intended against actual ------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", name).casefold()).split())


#: Two step names at least this similar are taken for the same step when ids differ.
SAME_STEP = 0.8


def match_steps(a: Layer, b: Layer) -> list[tuple[str, str]]:
    """Pairs ``(step in a, step in b)`` that are the same step: same id, else same or similar name.

    Copying a layer keeps step ids, so a step renamed in reality still matches its
    documented original. Unmatched steps are matched by normalised name, then by
    similarity of at least :data:`SAME_STEP`, best pairs first.
    """
    b_ids = {s.id for s in b.steps}
    pairs = [(s.id, s.id) for s in a.steps if s.id in b_ids]
    left_a = [s for s in a.steps if s.id not in b_ids]
    a_ids = {s.id for s in a.steps}
    left_b = [s for s in b.steps if s.id not in a_ids]
    by_name: dict[str, list[Step]] = {}
    for s in left_b:
        by_name.setdefault(_name_key(s.name), []).append(s)
    still_a = []
    for s in left_a:
        twins = by_name.get(_name_key(s.name))
        if twins:
            pairs.append((s.id, twins.pop(0).id))
        else:
            still_a.append(s)
    still_b = [s for group in by_name.values() for s in group]
    scored = []
    for sa in still_a:
        matcher = difflib.SequenceMatcher(None, b=_name_key(sa.name), autojunk=False)
        for sb in still_b:
            matcher.set_seq1(_name_key(sb.name))
            if matcher.real_quick_ratio() >= SAME_STEP and matcher.quick_ratio() >= SAME_STEP:
                ratio = matcher.ratio()
                if ratio >= SAME_STEP:
                    scored.append((-ratio, sa.id, sb.id))
    used_a: set[str] = set()
    used_b: set[str] = set()
    for _, ia, ib in sorted(scored):
        if ia not in used_a and ib not in used_b:
            pairs.append((ia, ib))
            used_a.add(ia)
            used_b.add(ib)
    order = {s.id: i for i, s in enumerate(a.steps)}
    return sorted(pairs, key=lambda p: order[p[0]])


@dataclass(frozen=True)
class LayerGap:
    """How the actual journey differs from the intended one (step ids of the layer named)."""

    matched: tuple[tuple[str, str], ...]
    only_intended: tuple[str, ...]
    only_actual: tuple[str, ...]
    moved: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...]
    owner_changed: tuple[tuple[str, str], ...]
    handovers_only_actual: tuple[tuple[str, str], ...]
    handovers_only_intended: tuple[tuple[str, str], ...]
    score: float

    @property
    def identical(self) -> bool:
        return self.score == 0


def compare_layers(
    journey: JourneyMap, intended: str = "intended", actual: str = "actual"
) -> LayerGap:
    """The intended map against the actual one, and a gap score from 0 (same) to 1 (nothing shared).

    ``moved`` holds the fewest matched steps that must move for the actual order to
    follow the intended one. Handovers compare as team pairs, counted: a second
    Sales → Support join in reality is one handover only in reality. The score is the
    number of differences (steps only on paper, steps only in reality, moved steps,
    handovers on one side only) over the number of steps and handovers on either side.
    """
    a, b = journey.layer(intended), journey.layer(actual)
    pairs = match_steps(a, b)
    matched_a = {ia for ia, _ in pairs}
    matched_b = {ib for _, ib in pairs}
    only_a = tuple(s.id for s in a.steps if s.id not in matched_a)
    only_b = tuple(s.id for s in b.steps if s.id not in matched_b)
    pos_a = {s.id: i for i, s in enumerate(a.steps)}
    to_a = {ib: ia for ia, ib in pairs}
    in_b_order = [s.id for s in b.steps if s.id in matched_b]
    keep = set(_longest_increasing(in_b_order, key=lambda sid: pos_a[to_a[sid]]))
    moved = tuple(sid for sid in in_b_order if sid not in keep)
    a_by, b_by = {s.id: s for s in a.steps}, {s.id: s for s in b.steps}
    renamed = tuple(
        (ia, ib) for ia, ib in pairs if _name_key(a_by[ia].name) != _name_key(b_by[ib].name)
    )
    owner_changed = tuple((ia, ib) for ia, ib in pairs if team_of(a_by[ia]) != team_of(b_by[ib]))
    teams_a = Counter((h.from_team, h.to_team) for h in handovers(journey, intended))
    teams_b = Counter((h.from_team, h.to_team) for h in handovers(journey, actual))
    only_hb = tuple(sorted((teams_b - teams_a).elements()))
    only_ha = tuple(sorted((teams_a - teams_b).elements()))
    total = len(a.steps) + len(b.steps) - len(pairs) + sum((teams_a | teams_b).values())
    differences = len(only_a) + len(only_b) + len(moved) + len(only_hb) + len(only_ha)
    return LayerGap(
        matched=tuple(pairs),
        only_intended=only_a,
        only_actual=only_b,
        moved=moved,
        renamed=renamed,
        owner_changed=owner_changed,
        handovers_only_actual=only_hb,
        handovers_only_intended=only_ha,
        score=round(differences / total, 4) if total else 0.0,
    )


def _longest_increasing(items: list[str], key: Any) -> list[str]:
    """The longest subsequence of ``items`` whose keys increase (patience sorting, O(n log n))."""
    import bisect

    tails: list[int] = []  # key of the last item of the best run of each length
    tail_at: list[int] = []  # index in items of that item
    back: list[int] = [-1] * len(items)
    for i, item in enumerate(items):
        k = key(item)
        j = bisect.bisect_left(tails, k)
        if j == len(tails):
            tails.append(k)
            tail_at.append(i)
        else:
            tails[j], tail_at[j] = k, i
        back[i] = tail_at[j - 1] if j else -1
    out = []
    i = tail_at[-1] if tail_at else -1
    while i != -1:
        out.append(items[i])
        i = back[i]
    return out[::-1]


# -- the handover network ---------------------------------------------------------------------------


def handover_network(journey: JourneyMap, layer: str = "actual") -> nx.DiGraph:
    """Teams as nodes, handovers as edges weighted by how often work crosses that way.

    Edge attributes: ``weight`` (handovers), ``unowned`` (of them, nobody owns),
    ``wait_min`` (total waiting at the receiving steps), ``friction`` (highest).
    Node attribute ``steps``: how many steps the team owns.
    """
    import networkx as nx

    graph = nx.DiGraph()
    for team, n in Counter(team_of(s) for s in journey.layer(layer).steps).items():
        graph.add_node(team, steps=n)
    for h in handovers(journey, layer):
        if graph.has_edge(h.from_team, h.to_team):
            data = graph.edges[h.from_team, h.to_team]
        else:
            graph.add_edge(h.from_team, h.to_team, weight=0, unowned=0, wait_min=0.0, friction=0)
            data = graph.edges[h.from_team, h.to_team]
        data["weight"] += 1
        data["unowned"] += 0 if h.owned else 1
        data["wait_min"] += h.wait_min or 0.0
        data["friction"] = max(data["friction"], h.friction or 0)
    return graph


@dataclass(frozen=True)
class NetworkSummary:
    """Who sits on the joins: handovers each team takes part in, most first."""

    joins: tuple[tuple[str, int], ...]
    busiest: tuple[str, ...]
    edges: tuple[tuple[str, str, int, int], ...]  # (from team, to team, handovers, unowned)


def network_summary(journey: JourneyMap, layer: str = "actual") -> NetworkSummary:
    """Joins per team (in and out), the team or teams on most joins, and the weighted edges."""
    graph = handover_network(journey, layer)
    degree = dict(graph.degree(weight="weight"))
    joins = tuple(
        sorted(((t, int(n)) for t, n in degree.items() if n), key=lambda x: (-x[1], x[0]))
    )
    top = joins[0][1] if joins else 0
    edges = tuple(
        sorted(
            ((u, v, d["weight"], d["unowned"]) for u, v, d in graph.edges(data=True)),
            key=lambda e: (-e[2], e[0], e[1]),
        )
    )
    return NetworkSummary(joins, tuple(t for t, n in joins if n == top and top), edges)


# -- tables and the whole picture -----------------------------------------------------------------

_STEP_COLUMNS = (
    "position",
    "id",
    "name",
    "stage",
    "owner",
    "actor",
    "channel",
    "systems",
    "info_requested",
    "duration_min",
    "wait_min",
    "friction",
    "pain_points",
    "workarounds",
    "shadow_systems",
    "notes",
    "handover_in",
)


def step_table(journey: JourneyMap, layer: str = "actual") -> pd.DataFrame:
    """One row per step in journey order; lists joined with "; "; ``handover_in`` marks a new team."""
    import pandas as pd

    stages = {s.id: s.name for s in journey.stages}
    joins = {h.to_step for h in handovers(journey, layer)}
    rows = []
    for i, s in enumerate(journey.layer(layer).steps, start=1):
        rows.append(
            {
                "position": i,
                "id": s.id,
                "name": s.name,
                "stage": stages.get(s.stage, s.stage),
                "owner": s.owner,
                "actor": s.actor,
                "channel": s.channel,
                "systems": "; ".join(s.systems),
                "info_requested": "; ".join(s.info_requested),
                "duration_min": s.duration_min,
                "wait_min": s.wait_min,
                "friction": s.friction,
                "pain_points": "; ".join(s.pain_points),
                "workarounds": "; ".join(s.workarounds),
                "shadow_systems": "; ".join(s.shadow_systems),
                "notes": s.notes,
                "handover_in": s.id in joins,
            }
        )
    table = pd.DataFrame(rows, columns=list(_STEP_COLUMNS))
    for col in ("duration_min", "wait_min", "friction"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    table["friction"] = table["friction"].astype("Int64")
    return table


@dataclass(frozen=True)
class JourneyFindings:
    """Everything the findings panel and the report show about one layer of a journey."""

    layer: str
    steps: int
    teams: tuple[str, ...]
    handovers: tuple[HandoverPoint, ...]
    repeated: tuple[RepeatedRequest, ...]
    hotspots: tuple[Hotspot, ...]
    network: NetworkSummary
    gap: LayerGap | None
    workarounds: tuple[tuple[str, str], ...]  # (step id, workaround)
    shadow_systems: tuple[tuple[str, int], ...]  # (system, steps using it)
    unassigned: tuple[str, ...]  # step ids with no owning team
    total_duration_min: float
    total_wait_min: float

    @property
    def unowned(self) -> tuple[HandoverPoint, ...]:
        """Handovers nobody owns."""
        return tuple(h for h in self.handovers if not h.owned)


def findings(
    journey: JourneyMap,
    layer: str = "actual",
    *,
    synonyms: Mapping[str, str] | None = None,
    compare_with: str | None = "intended",
) -> JourneyFindings:
    """The whole analysis of one layer; ``gap`` compares it with ``compare_with`` when both have steps."""
    lay = journey.layer(layer)
    gap = None
    if compare_with and compare_with != layer and lay.steps and journey.layer(compare_with).steps:
        gap = compare_layers(journey, compare_with, layer)
    shadows = Counter(
        " ".join(sys.split()) for s in lay.steps for sys in dict.fromkeys(s.shadow_systems)
    )
    return JourneyFindings(
        layer=layer,
        steps=len(lay.steps),
        teams=tuple(dict.fromkeys(team_of(s) for s in lay.steps)),
        handovers=tuple(handovers(journey, layer)),
        repeated=tuple(repeated_requests(journey, layer, synonyms)),
        hotspots=tuple(hotspots(journey, layer)),
        network=network_summary(journey, layer),
        gap=gap,
        workarounds=tuple((s.id, w) for s in lay.steps for w in s.workarounds),
        shadow_systems=tuple(sorted(shadows.items(), key=lambda x: (-x[1], x[0]))),
        unassigned=tuple(s.id for s in lay.steps if not s.owner.strip()),
        total_duration_min=sum(s.duration_min or 0.0 for s in lay.steps),
        total_wait_min=sum(s.wait_min or 0.0 for s in lay.steps),
    )
