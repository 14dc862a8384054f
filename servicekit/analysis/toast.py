"""Making Toast: where independently drawn maps of one process agree, and where they do not.

Several people each map the same process alone; the facilitator reveals every map at
once, and the room learns from where they differ. The rules, in a facilitator's words:

- **Alignment.** The same step under different names is one *aligned step*. Names are
  compared by a key that ignores case, punctuation, "a"/"an"/"the" and plurals; a name the
  facilitator lists in ``synonyms`` takes the key of the name it means; then keys at least
  ``threshold`` similar (difflib's ratio, default
  :data:`~servicekit.analysis.journey.SAME_STEP`) join, best pairs first,
  but only if every wording on one side is that similar to every wording on the other (a
  chain of small changes never joins two different steps), and never two steps of one
  person's map: a person who wrote "check toast" twice checked twice.
- **Consensus.** Aligned steps in order of their median relative position (0 first, 1
  last in each person's map), ties by how many people have the step, then by name. The
  consensus keeps the steps more than ``quorum`` of the people have (default: a majority)
  and any step everyone has. *Partial* steps are held by more than one person but not by
  everyone; *solo* steps by exactly one person, when at least two mapped.
- **Order disagreement.** For each pair of maps, the Kendall tau distance on the steps
  both have: the share of pairs of shared steps the two put in opposite order, 0 (same
  order) to 1 (reversed).
- **Variance.** Per aligned step, three parts from 0 to 1 — *presence* (how evenly the
  room is split between having it and not), *spread* (how far apart it is placed),
  *naming* (how many names it goes by) — weighted 0.4, 0.4 and 0.2: whether a step exists
  and where it goes are disagreements about the process, two words for one step a
  disagreement about words. For the exercise, the mean over pairs of maps of
  the share of the two maps that is not shared in the same order.
- **Contested** steps are held by at least two people (a step in one person's head is a
  *solo* step, not a contest) and score at least :data:`CONTESTED_AT`, worst first, with
  the reasons in words: "only 2 of 5 have it", "placed anywhere from 2nd to 7th", "called
  3 different names".

Standard library only: this runs on a participant's page.
"""

from __future__ import annotations

import bisect
import difflib
import statistics
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

from ..errors import InvalidInput, NotFound
from ..models import JourneyMap
from .journey import SAME_STEP, _name_key, _singular

__all__ = [
    "CONTESTED_AT",
    "AlignedStep",
    "Alignment",
    "PairDistance",
    "Placement",
    "StepVariance",
    "ToastFindings",
    "align_layers",
    "align_maps",
    "consensus",
    "consensus_layer",
    "findings",
    "kendall_distance",
    "pair_distance",
]

#: A step two or more people have is contested from this variance score up: reached by one
#: that a quarter to three quarters of the room have (0.3 from that alone), one everyone has
#: but half place first and half last (0.4), or a lesser split also placed far apart or named
#: differently. Different names alone (0.2 at most) make a glossary item, not a contest.
CONTESTED_AT = 0.3
#: Weights of the parts of a step's variance score: presence, spread, naming.
_WEIGHTS = (0.4, 0.4, 0.2)
#: Words that change nothing about which step is meant.
_ARTICLES = frozenset({"a", "an", "the"})


# -- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where one person put an aligned step: their wording, and its position in their map.

    ``position`` counts from 0; ``relative`` is ``position / (steps in their map - 1)``, so
    0 is their first step and 1 their last (0.5 in a one-step map). ``key`` is the form the
    name was matched by (after synonyms). ``step_id``, ``stage`` and ``owner`` come from a
    journey's private layer (:func:`align_layers`), empty for plain lists of names.
    """

    person: str
    position: int
    name: str
    relative: float
    key: str
    step_id: str = ""
    stage: str = ""
    owner: str = ""


@dataclass(frozen=True)
class AlignedStep:
    """One step as several people drew it: an id (``"a1"``, ...) and each holder's placement.

    ``name`` is the most common wording; ``wordings`` holds one wording per name as written
    (case, punctuation, articles and plurals ignored; synonyms not applied), most used
    first; ``position`` is the median relative position among holders; ``placements`` are
    sorted by person, at most one per person.
    """

    id: str
    name: str
    position: float
    wordings: tuple[str, ...]
    placements: tuple[Placement, ...]

    @property
    def people(self) -> tuple[str, ...]:
        """Who has this step."""
        return tuple(p.person for p in self.placements)

    @property
    def holders(self) -> int:
        """How many people have this step."""
        return len(self.placements)

    @property
    def stage(self) -> str:
        """The stage its holders put it in most often ("" when none did)."""
        return _most_common(p.stage for p in self.placements)

    @property
    def owner(self) -> str:
        """The team its holders gave it most often ("" when none did)."""
        return _most_common(p.owner for p in self.placements)

    def placement(self, person: str) -> Placement | None:
        """Where ``person`` put this step, or None when their map lacks it."""
        return next((p for p in self.placements if p.person == person), None)


@dataclass(frozen=True)
class Alignment:
    """Everyone's maps lined up: the people, and every aligned step in consensus order.

    ``people`` are sorted, so the same maps give the same alignment whatever order they
    came in. People whose map is empty are in ``blank`` and count nowhere else: a blank
    map says nothing about the process.
    """

    people: tuple[str, ...]
    steps: tuple[AlignedStep, ...]
    blank: tuple[str, ...] = ()

    def step(self, step_id: str) -> AlignedStep:
        """The aligned step with this id."""
        for step in self.steps:
            if step.id == step_id:
                return step
        known = [s.id for s in self.steps][:8]
        raise NotFound(f"No aligned step {step_id!r}. Known steps: {known}.")

    def sequence(self, person: str) -> tuple[str, ...]:
        """The aligned step ids of ``person``'s map, in their order."""
        if person not in self.people:
            known = list(self.people[:8])
            raise NotFound(f"No map by {person!r} in this alignment. People with a map: {known}.")
        return _sequences(self)[person]


@dataclass(frozen=True)
class PairDistance:
    """How two maps differ: ``a`` and ``b`` are person ids.

    ``shared`` steps are in both maps; ``overlap`` is shared steps over steps in either
    (Jaccard similarity); ``order`` the Kendall tau distance on the shared steps, None when
    fewer than two are shared; ``disagreement`` is ``1 - overlap * (1 - order)``, the share
    of the two maps not shared in the same order (order counted as 0 when None).
    """

    a: str
    b: str
    shared: int
    overlap: float
    order: float | None
    disagreement: float


@dataclass(frozen=True)
class StepVariance:
    """How much the people disagree about one aligned step, from 0 (not at all) to 1.

    ``out_of`` is how many people mapped. ``presence``: ``4 p (1 - p)`` for the share ``p``
    of them that have it, the variance of "has it" across the room scaled to 0..1: 0 when
    everyone has it, 1 when exactly half do, low for a step one person in a large room has
    (that is a *solo* step, not a divided room). ``spread``: twice the mean distance of the
    holders' relative positions from their median, 0 when all place it alike, 1 when half
    put it first and half last; the median keeps one stray placement from dominating.
    ``naming``: ``(wordings - 1) / (holders - 1)``, 0 for one name, 1 when every holder
    names it differently (typos count: the room sees them).
    ``score`` = 0.4 presence + 0.4 spread + 0.2 naming.
    """

    step: AlignedStep
    out_of: int
    presence: float
    spread: float
    naming: float
    score: float
    reasons: tuple[str, ...]

    @property
    def holders(self) -> int:
        return self.step.holders


@dataclass(frozen=True)
class ToastFindings:
    """Everything the reveal shows about a set of maps; see the module's rules.

    ``steps`` holds each aligned step's variance, in consensus order; ``order_distance`` is
    the mean Kendall distance over the pairs of maps sharing two or more steps (None when no
    pair does); ``variance`` the mean pair disagreement (0 for fewer than two maps).
    """

    alignment: Alignment
    quorum: float
    consensus: tuple[AlignedStep, ...]
    partial: tuple[AlignedStep, ...]
    solo: tuple[AlignedStep, ...]
    pairs: tuple[PairDistance, ...]
    order_distance: float | None
    variance: float
    steps: tuple[StepVariance, ...]
    contested: tuple[StepVariance, ...]


# -- aligning -----------------------------------------------------------------------------------


class _Entry(NamedTuple):
    name: str
    step_id: str = ""
    stage: str = ""
    owner: str = ""


def align_maps(
    maps: Mapping[str, Sequence[str]],
    synonyms: Mapping[str, str] | None = None,
    threshold: float = SAME_STEP,
) -> Alignment:
    """Line up maps given as person id -> ordered step names.

    ``synonyms`` maps a whole step name to the name it means (``{"pop it in": "toast
    bread"}``), both compared as keys (case, punctuation, articles and plurals ignored), and
    not chained. Whole names, not words inside names: "butter" meaning "butter toast" must
    not turn "butter toast" into "butter toast toast". ``threshold`` is the least similarity
    of two keys taken for one step (1: only identical keys).

    >>> al = align_maps(
    ...     {
    ...         "ann": ["Get bread", "Toast the bread", "Butter toast"],
    ...         "bob": ["get bread", "toast bread", "eat"],
    ...         "cy": ["Get the loaf", "Toast bread", "Butter the toast"],
    ...     },
    ...     synonyms={"get the loaf": "get bread"},
    ... )
    >>> [(s.id, s.name, s.people) for s in al.steps]
    [('a1', 'Get bread', ('ann', 'bob', 'cy')), ('a2', 'Toast bread', ('ann', 'bob', 'cy')), ('a3', 'Butter toast', ('ann', 'cy')), ('a4', 'eat', ('bob',))]
    >>> al.sequence("bob")
    ('a1', 'a2', 'a4')
    """
    if not isinstance(maps, Mapping):
        raise InvalidInput(
            f"maps: expected a mapping of person id to step names, received {type(maps).__name__}."
        )
    entries: dict[str, list[_Entry]] = {}
    for person, names in maps.items():
        if not isinstance(person, str):
            raise InvalidInput(
                f"maps: the person id {person!r:.60} is not text. Key each map by the person's id."
            )
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise InvalidInput(
                f"maps[{person!r}]: expected a list of step names, received {names!r:.60}. "
                "Give the steps in order, e.g. ['get bread', 'toast it']."
            )
        row = []
        for i, name in enumerate(names):
            if not isinstance(name, str):
                raise InvalidInput(
                    f"maps[{person!r}][{i}]: expected a step name (text), received {name!r:.60}."
                )
            if not name.strip():
                raise InvalidInput(
                    f"maps[{person!r}][{i}]: the step has no name. "
                    "Remove the blank entry or type what happens."
                )
            row.append(_Entry(name))
        entries[person] = row
    return _align(entries, synonyms, threshold)


def align_layers(
    journey: JourneyMap,
    synonyms: Mapping[str, str] | None = None,
    threshold: float = SAME_STEP,
) -> Alignment:
    """Line up the participants' private maps of a journey (``journey.private``).

    As :func:`align_maps`, and each placement keeps the step's id, stage and owner, so
    :func:`consensus_layer` can give the consensus the stages and teams people chose.
    """
    return _align(
        {
            person: [_Entry(s.name, s.id, s.stage, s.owner) for s in layer.steps]
            for person, layer in journey.private.items()
        },
        synonyms,
        threshold,
    )


def _align(
    maps: Mapping[str, Sequence[_Entry]], synonyms: Mapping[str, str] | None, threshold: float
) -> Alignment:
    _check_share(
        "threshold",
        threshold,
        "a similarity",
        "0 (any wordings match) to 1 (only identical ones), e.g. 0.8",
    )
    means = _synonym_table(synonyms)
    people = tuple(sorted(p for p, m in maps.items() if m))
    bases: dict[str, str] = {}  # name -> key as written: a room repeats its wordings
    keys: dict[str, str] = {}  # name -> key it is matched by
    groups: dict[tuple[str, int], list[Placement]] = {}  # (key, n-th time in one map) -> placements
    for person in people:
        seen: Counter[str] = Counter()
        last = len(maps[person]) - 1
        for i, entry in enumerate(maps[person]):
            key = keys.get(entry.name)
            if key is None:
                base = bases[entry.name] = _step_key(entry.name)
                key = keys[entry.name] = means.get(base, base)
            seen[key] += 1
            groups.setdefault((key, seen[key]), []).append(
                Placement(
                    person,
                    i,
                    entry.name,
                    i / last if last else 0.5,
                    key,
                    entry.step_id,
                    entry.stage,
                    entry.owner,
                )
            )
    made = [_aligned(placements, bases) for placements in _merge(groups, threshold)]
    made.sort(
        key=lambda s: (
            s.position,
            -s.holders,
            s.name.casefold(),
            s.name,
            [(p.person, p.position) for p in s.placements],  # unique: the last tie-break
        )
    )
    steps = tuple(
        AlignedStep(f"a{i}", s.name, s.position, s.wordings, s.placements)
        for i, s in enumerate(made, start=1)
    )
    return Alignment(people, steps, tuple(sorted(p for p, m in maps.items() if not m)))


def _base_key(text: str) -> str:
    # normalise_info does not fit step names: it drops "confirm" or "details", which carry
    # meaning in a step ("Confirm order" is not "Order"). Articles and plurals do not.
    words = [_singular(w) for w in _name_key(text).split() if w not in _ARTICLES]
    return " ".join(words)


def _step_key(name: str) -> str:
    # A name of symbols only ("🍞", "→") is still a name: compare it as written.
    return (
        _base_key(name) or " ".join(unicodedata.normalize("NFKC", name).casefold().split()) or name
    )


def _synonym_table(synonyms: Mapping[str, str] | None) -> dict[str, str]:
    """``synonyms`` as key -> key, checked."""
    table: dict[str, str] = {}
    for wording, meaning in (synonyms or {}).items():
        if not isinstance(wording, str) or not isinstance(meaning, str):
            raise InvalidInput(
                f"synonyms: {wording!r:.40}: {meaning!r:.40} is not a pair of step names. "
                "Map a name to the name it means, e.g. {'pop it in': 'toast bread'}."
            )
        if not wording.strip() or not meaning.strip():
            raise InvalidInput(
                f"synonyms: {wording!r:.40}: {meaning!r:.40} has a blank side. "
                "Write the name people used and the name it means."
            )
        table[_step_key(wording)] = _step_key(meaning)
    return table


def _merge(
    groups: Mapping[tuple[str, int], list[Placement]], threshold: float
) -> list[list[Placement]]:
    """Join groups of similar keys, best pairs first, each person at most once per result."""
    keys = sorted({key for key, _ in groups})
    ordinals: dict[str, list[int]] = {}
    for key, nth in sorted(groups):
        ordinals.setdefault(key, []).append(nth)
    similar: set[tuple[str, str]] = set()
    candidates: list[tuple[float, str, str]] = []
    for j, b in enumerate(keys):
        matcher = difflib.SequenceMatcher(None, b=b, autojunk=False)
        for a in keys[:j]:
            matcher.set_seq1(a)
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                ratio = matcher.ratio()
                if ratio >= threshold:
                    similar.add((a, b))
                    candidates.append((-ratio, a, b))
    parent = {g: g for g in groups}
    people = {g: {p.person for p in placements} for g, placements in groups.items()}
    words = {g: {g[0]} for g in groups}

    def root(g: tuple[str, int]) -> tuple[str, int]:
        while parent[g] != g:
            parent[g] = parent[parent[g]]  # halve the path as we go
            g = parent[g]
        return g

    for _, a, b in sorted(candidates):
        for na in ordinals[a]:
            for nb in ordinals[b]:
                ra, rb = root((a, na)), root((b, nb))
                if ra == rb or people[ra] & people[rb]:
                    continue
                if all(
                    x == y or (min(x, y), max(x, y)) in similar
                    for x in words[ra]
                    for y in words[rb]
                ):
                    keep, gone = min(ra, rb), max(ra, rb)
                    parent[gone] = keep
                    people[keep] |= people.pop(gone)
                    words[keep] |= words.pop(gone)
    merged: dict[tuple[str, int], list[Placement]] = {}
    for g in sorted(groups):
        merged.setdefault(root(g), []).extend(groups[g])
    return list(merged.values())


def _aligned(placements: list[Placement], bases: Mapping[str, str]) -> AlignedStep:
    """An aligned step without its id: wordings, median position, placements by person.

    One wording per name as written (``bases``: before synonyms), its most used form,
    ignoring case and spacing first, then exactly; ties go to the shorter, then the
    alphabetically first. Wordings rank by use, then the same way.
    """
    placements = sorted(placements, key=lambda p: p.person)
    tidy = {p: " ".join(p.name.split()) for p in placements}
    by_key = Counter(bases[p.name] for p in placements)
    by_fold = Counter(t.casefold() for t in tidy.values())
    by_form = Counter(tidy.values())

    def rank(form: str) -> tuple[int, int, int, str, str]:
        return (-by_fold[form.casefold()], -by_form[form], len(form), form.casefold(), form)

    best: dict[str, str] = {}  # key -> its wording
    for p in placements:
        key = bases[p.name]
        if key not in best or rank(tidy[p]) < rank(best[key]):
            best[key] = tidy[p]
    wordings = tuple(best[k] for k in sorted(best, key=lambda k: (-by_key[k], rank(best[k]))))
    position = statistics.median(sorted(p.relative for p in placements))
    return AlignedStep("", wordings[0], position, wordings, tuple(placements))


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""


# -- measuring ----------------------------------------------------------------------------------


def kendall_distance(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """The normalised Kendall tau distance between two orders, on the items both contain.

    ``K = |{(i, j) : i, j in S, a puts i before j, b puts j before i}| / (m (m - 1) / 2)``
    over the ``m`` items ``S`` shared by ``a`` and ``b``: the share of pairs of shared items
    in opposite order, 0 (same order) to 1 (reversed); ``(1 - tau) / 2`` for Kendall's tau
    (M. G. Kendall, "A new measure of rank correlation", Biometrika 30, 1938). None when
    fewer than two items are shared: there is no order to compare. Counted by inversions,
    O(m log m) comparisons.

    >>> kendall_distance("abcd", "abcd"), kendall_distance("abcd", "dcba")
    (0.0, 1.0)
    >>> kendall_distance(["get", "toast", "butter"], ["toast", "get", "butter", "eat"])
    0.3333333333333333
    >>> kendall_distance("ab", "bc") is None
    True
    """
    rank = {item: i for i, item in enumerate(a)}
    if len(rank) != len(a) or len(set(b)) != len(b):
        raise InvalidInput(
            "kendall_distance: an item occurs twice in one order. Give each item once "
            "(align_maps gives repeated steps their own aligned step)."
        )
    shared = [rank[item] for item in b if item in rank]
    m = len(shared)
    if m < 2:
        return None
    inversions = 0
    seen: list[int] = []
    for r in shared:
        inversions += len(seen) - bisect.bisect_right(seen, r)
        bisect.insort(seen, r)
    return inversions / (m * (m - 1) / 2)


def pair_distance(alignment: Alignment, a: str, b: str) -> PairDistance:
    """How the maps of ``a`` and ``b`` differ: shared steps, overlap, order, disagreement."""
    return _pair(a, b, alignment.sequence(a), alignment.sequence(b))


def _pair(a: str, b: str, sa: tuple[str, ...], sb: tuple[str, ...]) -> PairDistance:
    shared = len(set(sa) & set(sb))
    overlap = shared / (len(sa) + len(sb) - shared)
    order = kendall_distance(sa, sb)
    disagreement = 1 - overlap * (1 - (order or 0.0))
    return PairDistance(a, b, shared, overlap, order, round(disagreement, 4))


def consensus(alignment: Alignment, quorum: float = 0.5) -> tuple[AlignedStep, ...]:
    """The steps more than ``quorum`` of the people have, and those everyone has, in order.

    0 keeps every step; 1 only those everyone has.
    """
    _check_share(
        "quorum", quorum, "a share of people", "0 (every step) to 1 (steps everyone has), e.g. 0.5"
    )
    n = len(alignment.people)
    return tuple(s for s in alignment.steps if s.holders == n or s.holders > quorum * n)


def consensus_layer(alignment: Alignment, quorum: float = 0.5) -> list[dict[str, str]]:
    """The consensus as step dicts (id, name, stage, owner) a journey layer can be made of.

    Stage and owner are those the holders chose most often, "" when none chose one.

    >>> from servicekit.models import Layer, Step
    >>> al = align_maps({"ann": ["Get bread", "Toast it"], "bob": ["Get bread", "toast it"]})
    >>> consensus_layer(al)
    [{'id': 'a1', 'name': 'Get bread', 'stage': '', 'owner': ''}, {'id': 'a2', 'name': 'Toast it', 'stage': '', 'owner': ''}]
    >>> [s.name for s in Layer(tuple(Step.from_dict(d) for d in consensus_layer(al))).steps]
    ['Get bread', 'Toast it']
    """
    return [
        {"id": s.id, "name": s.name, "stage": s.stage, "owner": s.owner}
        for s in consensus(alignment, quorum)
    ]


def findings(
    alignment: Alignment,
    *,
    quorum: float = 0.5,
    contested_at: float = CONTESTED_AT,
    top: int | None = None,
) -> ToastFindings:
    """Consensus, partial and solo steps, order distances, variance and contested steps.

    ``top`` keeps at most that many contested steps.

    >>> al = align_maps(
    ...     {
    ...         "ann": ["get bread", "toast bread", "butter toast"],
    ...         "bob": ["get bread", "butter toast", "toast bread"],
    ...         "cy": ["get bread", "toast bread", "jam"],
    ...     }
    ... )
    >>> f = findings(al)
    >>> [s.name for s in f.consensus], [s.name for s in f.solo]
    (['get bread', 'toast bread', 'butter toast'], ['jam'])
    >>> [(p.a, p.b, p.order) for p in f.pairs]
    [('ann', 'bob', 0.3333333333333333), ('ann', 'cy', 0.0), ('bob', 'cy', 0.0)]
    >>> [(v.step.name, v.score, v.reasons) for v in f.contested]
    [('butter toast', 0.5556, ('only 2 of 3 have it', 'placed anywhere from 2nd to 3rd'))]
    """
    _check_share("contested_at", contested_at, "a variance score", "0 to 1, e.g. 0.2")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise InvalidInput(
            f"top: {top!r:.40} is not a count. Use a whole number >= 0, or None for all."
        )
    agreed = consensus(alignment, quorum)
    n = len(alignment.people)
    seqs = _sequences(alignment)
    pairs = tuple(_pair(a, b, seqs[a], seqs[b]) for a, b in combinations(alignment.people, 2))
    orders = [p.order for p in pairs if p.order is not None]
    variances = tuple(_variance(s, n) for s in alignment.steps)
    contested = sorted(
        (v for v in variances if v.holders >= 2 and v.score >= contested_at),
        key=lambda v: -v.score,  # stable: equal scores stay in consensus order
    )
    return ToastFindings(
        alignment=alignment,
        quorum=quorum,
        consensus=agreed,
        partial=tuple(s for s in alignment.steps if 1 < s.holders < n),
        solo=tuple(s for s in alignment.steps if s.holders == 1 and n >= 2),
        pairs=pairs,
        order_distance=round(statistics.fmean(orders), 4) if orders else None,
        variance=round(statistics.fmean(p.disagreement for p in pairs), 4) if pairs else 0.0,
        steps=variances,
        contested=tuple(contested if top is None else contested[:top]),
    )


def _sequences(alignment: Alignment) -> dict[str, tuple[str, ...]]:
    """Every person's map as aligned step ids, in their order (:meth:`Alignment.sequence`)."""
    held: dict[str, list[tuple[int, str]]] = {p: [] for p in alignment.people}
    for step in alignment.steps:
        for p in step.placements:
            held[p.person].append((p.position, step.id))
    return {person: tuple(sid for _, sid in sorted(got)) for person, got in held.items()}


def _variance(step: AlignedStep, n: int) -> StepVariance:
    h = step.holders
    share = h / n
    presence = 4 * share * (1 - share)
    relative = [p.relative for p in step.placements]
    middle = statistics.median(sorted(relative))
    spread = min(1.0, 2 * statistics.fmean(abs(r - middle) for r in relative))
    names = len(step.wordings)
    naming = (names - 1) / (h - 1) if h > 1 else 0.0
    reasons = []
    if h < n:
        reasons.append(f"only {h} of {n} {'has' if h == 1 else 'have'} it")
    if spread > 0:
        lo = min(p.position for p in step.placements) + 1
        hi = max(p.position for p in step.placements) + 1
        if lo != hi:
            reasons.append(f"placed anywhere from {_ordinal(lo)} to {_ordinal(hi)}")
        else:
            reasons.append(f"placed {_ordinal(lo)} in maps of different lengths")
    if names > 1:
        reasons.append(f"called {names} different names")
    w_presence, w_spread, w_naming = _WEIGHTS
    score = w_presence * presence + w_spread * spread + w_naming * naming
    return StepVariance(
        step,
        n,
        round(presence, 4),
        round(spread, 4),
        round(naming, 4),
        round(score, 4),
        tuple(reasons),
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _check_share(field: str, value: float, what: str, use: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidInput(f"{field}: {value!r:.40} is not {what}. Use a number from {use}.")
