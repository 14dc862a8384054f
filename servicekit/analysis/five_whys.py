"""Five Whys analysis: coaching on the problem statement, root-cause summaries, warnings.

A Five Whys tree is only as good as its problem statement and its evidence. These
functions read a :class:`~servicekit.models.FiveWhys` value and give advice: they
never change the tree and never refuse it. Deleted branches are ignored throughout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import CONFIDENCE, COUNTERMEASURE_KINDS, LENSES, Countermeasure, FiveWhys, WhyNode

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


@dataclass(frozen=True)
class Hint:
    """Advice on a problem statement (``code`` is stable, ``message`` is for people)."""

    code: str
    message: str


@dataclass(frozen=True)
class Position:
    """A visible node in tree order, its depth (1 = first why) and outline number ``"1.2.1"``."""

    node: WhyNode
    depth: int
    number: str


@dataclass(frozen=True)
class RootCause:
    """A root cause; ``strength`` is the weakest confidence on the chain down to it."""

    node: str
    answer: str
    lens: str | None
    confidence: str
    strength: str
    depth: int
    measures: tuple[Countermeasure, ...]


@dataclass(frozen=True)
class CauseMeasure:
    """A countermeasure with the node it acts on (normally a root cause)."""

    measure: Countermeasure
    cause: str
    answer: str


@dataclass(frozen=True)
class RootCauseSummary:
    """What a tree says: root causes, where they sit, how well evidenced, what is planned.

    ``causes_by_lens`` counts root causes, ``answers_by_lens`` and
    ``answers_by_confidence`` count every visible answer. Lens counts have the
    keys ``people``, ``process``, ``systems`` and ``untagged``. ``open_branches`` are the
    visible leaves not marked as root causes: branches that stop at a symptom.
    """

    problem: str
    causes: tuple[RootCause, ...]
    causes_by_lens: dict[str, int]
    answers_by_lens: dict[str, int]
    answers_by_confidence: dict[str, int]
    measures: tuple[CauseMeasure, ...]
    open_branches: tuple[Position, ...]


@dataclass(frozen=True)
class TreeWarning:
    """Something a facilitator should look at; ``node`` is None for the tree as a whole."""

    kind: str
    node: str | None
    message: str


# -- the problem statement -------------------------------------------------------------------
# These patterns are heuristics in English: they look for the usual signs of a specific,
# observable problem and accept some false alarms, since a hint is advice, never a refusal.
def _words(words: str, tail: str = r"\b") -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(words.split())}){tail}", re.IGNORECASE)


_NUMBER = _words(
    r"\d+ two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty"
    r" hundreds? thousands? millions? dozens? half twice percent",
    r"\b|%",
)
_TIME = _words(
    r"q[1-4] h[12] fy\d\d (?:19|20)\d\d \d\d?/\d\d? january february march april june july"
    r" august september october november december jan feb mar apr jun jul aug sept? oct nov dec"
    r" (?:mon|tues|wednes|thurs|fri|satur|sun)days? days? daily weeks? weekly weekends? months?"
    r" monthly quarters? quarterly years? yearly annual(?:ly)? hours? hourly today yesterday"
    r" since last past during mornings? afternoons? evenings? nights? season"
)
_MAY = re.compile(r"\bMay\b")  # the month, not the verb: only when capitalised
_PLACE = _words(
    r"site office branch store shop warehouse depot plant factory factories ward clinic hospital"
    r" school team department division unit desk counter line queue system crm erp portal website"
    r" app platform tool database spreadsheet inbox channel e-?mail phone call chat product service"
    r" region country countries city cities market stage step hand-?over hand-?off touchpoint"
    r" point form checkout onboarding order ticket claim case invoice application booking delivery"
    r" deliveries placement offer account project",
    r"(?:e?s)?\b",
)
# "at/in/on/from + a capitalised word" is taken as a named place ("at Leeds", "in the CRM").
_NAMED = re.compile(r"\b(?i:at|in|on|from|across|within|inside)\s+(?:(?i:the)\s+)?(\w+)")
_VAGUE = _words(
    r"always never constantly every\s?(?:one|body|thing) no\s?body\scares? no\s?body no\sone"
    r" nothing bad poor(?:ly)? terrible awful useless hopeless rubbish lazy careless incompetent"
    r" sloppy stupid chaos chaotic messy? (?:mis)?communication attitudes? mindset"
    r" (?:don|doesn)['\u2019]t\scare (?:do|does)\snot\scare"
)
# A fix in disguise: "we need a new CRM", "lack of training", "no proper process".
_SOLUTION = _words(
    r"(?:we|they|you|i)\s(?:need|want|must|should|have\sto) needs?\s(?:a|an|more|better|new)"
    r" lack(?:s|ing)?\s(?:of|a|an|any) ought\sto not\senough insufficient"
    r" (?:(?:don|doesn)['\u2019]?t|do\snot|does\snot)\shave\s(?:a|an|any|enough)"
    r" no\s(?:proper|decent|good|single|central)\s\w+"
)


def _quote(text: str, limit: int = 60) -> str:
    """Participant text on one line, in quotes, shortened to ``limit`` characters."""
    flat = " ".join(text.split())
    return f'"{flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"}"'


def _listing(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " * (len(items) > 1) + "".join(items[-1:])


def _has_named_place(text: str) -> bool:
    for match in _NAMED.finditer(text):
        word = match.group(1)
        if word[:1].isupper() and not (word.isdigit() or _TIME.fullmatch(word) or word == "May"):
            return True
    return False


_HINT_TEXT = {
    "empty": "The problem statement is empty. Write one sentence on what goes wrong, where, when and how often.",
    "too_short": "At {} the statement is too short to investigate. Say what happens, to whom, where, when and how often.",
    "solution": "{} names a fix rather than the problem, and steers every why toward that fix. Describe what happens (to whom, how often), not the missing fix.",
    "vague": "{} sweeping or blaming, and cannot be checked. Say what was seen instead: how often, in which cases, who was affected.",
    "no_quantity": "No number: how many, how often, how much? Add a count, a rate or a share, such as '9 of the last 12 orders'.",
    "no_time": "No time frame: when does it happen, and over what period was it seen? Add dates, a month or a quarter, such as 'since March' or 'in Q3'.",
    "no_place": "No place or scope: where does it happen? Name the site, team, system, channel or step, such as 'at the Leeds branch'.",
}


def problem_hints(statement: str) -> list[Hint]:
    """Coaching toward a specific, observable problem: what, where, when and how much.

    Each hint names what is missing and how to add it. Hints are advice: a facilitator
    may keep a statement that has some. The checks are English-language heuristics
    (word lists and patterns), not grammar; "place" means a place or scope noun
    (site, team, system, channel, product, step...) or a capitalised name after
    "at", "in", "on" or "from".

    Examples
    --------
    >>> [h.code for h in problem_hints("Communication is always bad")]
    ['too_short', 'vague', 'no_quantity', 'no_time', 'no_place']
    >>> problem_hints("Customers repeat their address at 3 of 5 handovers in Leeds (March 2026)")
    []
    """
    text = " ".join(statement.split())
    if not text:
        return [Hint("empty", _HINT_TEXT["empty"])]
    found: dict[str, str] = {}
    if (words := len(text.split())) < 6:
        found["too_short"] = f"{words} word{'s' * (words != 1)}"
    if solution := _SOLUTION.search(text):
        found["solution"] = _quote(re.split(r"[.,;:!?()]", text[solution.start() :])[0], 40)
    if vague := list(dict.fromkeys(m.group(0).lower() for m in _VAGUE.finditer(text))):
        found["vague"] = (
            _listing([f'"{v}"' for v in vague[:3]]) + " sound" + "s" * (len(vague) == 1)
        )
    if not _NUMBER.search(text):
        found["no_quantity"] = ""
    if not (_TIME.search(text) or _MAY.search(text)):
        found["no_time"] = ""
    if not (_PLACE.search(text) or _has_named_place(text)):
        found["no_place"] = ""
    return [Hint(code, _HINT_TEXT[code].format(detail)) for code, detail in found.items()]


# -- the tree ---------------------------------------------------------------------------------
_STRENGTH = {c: i for i, c in enumerate(CONFIDENCE)}  # 0 is strongest
_KIND = {k: i for i, k in enumerate(COUNTERMEASURE_KINDS)}


def walk(tree: FiveWhys) -> list[Position]:
    """Visible nodes depth-first, children in the order they were added.

    Examples
    --------
    >>> from servicekit.models import FiveWhys, WhyNode
    >>> tree = FiveWhys("t", "Orders ship late").with_why(WhyNode("a", None, "Stock is short"))
    >>> [(p.node.id, p.depth, p.number) for p in walk(tree.with_why(WhyNode("b", "a", "No count")))]
    [('a', 1, '1'), ('b', 2, '1.1')]
    """
    kids: dict[str | None, list[WhyNode]] = {}
    for node in tree.nodes.values():
        if not node.deleted:  # children of a deleted node are never reached
            kids.setdefault(node.parent, []).append(node)
    found: list[Position] = []
    stack = [Position(n, 1, str(i)) for i, n in enumerate(kids.get(None, []), 1)][::-1]
    while stack:  # iterative: a long chain must not hit the recursion limit
        here = stack.pop()
        found.append(here)
        below = kids.get(here.node.id, [])
        nested = [Position(n, here.depth + 1, f"{here.number}.{i}") for i, n in enumerate(below, 1)]
        stack.extend(reversed(nested))
    return found


def _measures(tree: FiveWhys) -> dict[str, list[Countermeasure]]:
    by_node: dict[str, list[Countermeasure]] = {}
    for measure in tree.countermeasures.values():
        by_node.setdefault(measure.node, []).append(measure)
    return {k: sorted(v, key=lambda m: _KIND[m.kind]) for k, v in by_node.items()}


def _by_lens(nodes: list[WhyNode]) -> dict[str, int]:
    return {k: sum((n.lens or "untagged") == k for n in nodes) for k in (*LENSES, "untagged")}


def summarise(tree: FiveWhys) -> RootCauseSummary:
    """Root causes with their chain strength and countermeasures, counts and open branches.

    Chain strength is the weakest confidence from the first why down to the cause
    (fact > likely > opinion): a well-evidenced cause under a guessed answer is a guess.
    Countermeasures are ordered eliminate, move earlier, simplify, automate.

    Examples
    --------
    >>> from servicekit.models import Countermeasure, FiveWhys, WhyNode
    >>> tree = FiveWhys("t", "Orders ship late")
    >>> tree = tree.with_why(WhyNode("a", None, "Picking waits for stock", confidence="opinion"))
    >>> tree = tree.with_why(
    ...     WhyNode("b", "a", "Counts are wrong", "Audit", "fact", root_cause=True)
    ... )
    >>> tree = tree.with_countermeasure(Countermeasure("m", "b", "simplify", "Count weekly"))
    >>> summary = summarise(tree)
    >>> [(c.node, c.confidence, c.strength, c.depth) for c in summary.causes]
    [('b', 'fact', 'opinion', 2)]
    >>> summary.answers_by_confidence
    {'fact': 1, 'likely': 0, 'opinion': 1}
    """
    positions = walk(tree)
    nodes = [p.node for p in positions]
    parents = {n.parent for n in nodes}
    measures = _measures(tree)
    causes = tuple(
        RootCause(
            node=p.node.id,
            answer=p.node.answer,
            lens=p.node.lens,
            confidence=p.node.confidence,
            strength=max((n.confidence for n in tree.path(p.node.id)), key=_STRENGTH.__getitem__),
            depth=p.depth,
            measures=tuple(measures.get(p.node.id, ())),
        )
        for p in positions
        if p.node.root_cause
    )
    every = [CauseMeasure(m, n.id, n.answer) for n in nodes for m in measures.get(n.id, ())]
    return RootCauseSummary(
        problem=tree.problem,
        causes=causes,
        causes_by_lens=_by_lens([n for n in nodes if n.root_cause]),
        answers_by_lens=_by_lens(nodes),
        answers_by_confidence={c: sum(n.confidence == c for n in nodes) for c in CONFIDENCE},
        measures=tuple(sorted(every, key=lambda c: _KIND[c.measure.kind])),
        open_branches=tuple(
            p for p in positions if p.node.id not in parents and not p.node.root_cause
        ),
    )


_WARN_TEXT = {
    "no_root_cause": "The tree has {} but no root cause yet. Mark the answer that, once fixed, would stop the problem coming back.",
    "symptom": "The branch ending in {} stops at a symptom. Ask why again, or mark it as a root cause if the evidence shows it is one.",
    "opinion_only": "Root cause {}. Find evidence and record it: data, a document or an observation of the work.",
    "no_countermeasure": "Root cause {} has no countermeasure yet. Add one, asking in turn whether the step can be eliminated, moved earlier or simplified before anything is automated.",
    "automate_first": "Automating {} for {} comes early: {}. Automation spreads confusion as fast as it spreads efficiency. {}",
}
_NO_EARLIER = "First see whether the step can be eliminated, moved earlier or simplified; automate only once the process is stable and clear."
_AFTER_EARLIER = "Carry out the planned {} first, check the process is stable and written down, and automate after that."


def _automate_first(tree: FiveWhys, node: WhyNode, measures: list[Countermeasure]) -> list[str]:
    """Messages for each "automate" measure proposed before the cause's process is settled.

    The rule: automating is early when the cause itself has the "process" lens (the
    tree says the process is part of the problem), or when the same cause has no
    eliminate, move-earlier or simplify measure. Process answers higher up the chain do
    not count: they are context, and flagging every automation below them drowned the
    useful warnings in sample workshops.
    """
    earlier = list(
        dict.fromkeys(m.kind.replace("_", " ") for m in measures if m.kind != "automate")
    )
    reasons = []
    if node.lens == "process":
        reasons.append("the cause itself is tagged as a process cause")
    if not earlier:
        reasons.append("no eliminate, move-earlier or simplify step is planned for it")
        advice = _NO_EARLIER
    else:
        advice = _AFTER_EARLIER.format(_listing(earlier) + " step" + "s" * (len(earlier) > 1))
    return [
        _WARN_TEXT["automate_first"].format(
            _quote(m.action), _quote(node.answer), " and ".join(reasons), advice
        )
        for m in measures
        if m.kind == "automate" and reasons
    ]


def warnings(tree: FiveWhys) -> list[TreeWarning]:
    """What to look at before acting on the tree, in tree order (the whole tree first).

    Kinds: ``no_root_cause`` (answers but no root cause), ``symptom`` (a branch ends on an
    answer not marked as a root cause), ``opinion_only`` (a root cause resting on opinion,
    or with no evidence written down), ``no_countermeasure`` (a root cause with nothing
    planned) and ``automate_first`` (automation proposed before the process is stable:
    the cause or an answer above it has the "process" lens, or the cause has no
    eliminate, move-earlier or simplify measure). For each node they come in that order.
    Each message quotes the answer and ends with what to do.

    Examples
    --------
    >>> from servicekit.models import FiveWhys, WhyNode
    >>> tree = FiveWhys("t", "Orders ship late").with_why(WhyNode("a", None, "Stock is short"))
    >>> [(w.kind, w.node) for w in warnings(tree)]
    [('no_root_cause', None), ('symptom', 'a')]
    """
    positions = walk(tree)
    parents = {p.node.parent for p in positions}
    measures = _measures(tree)
    found: list[TreeWarning] = []

    def warn(kind: str, node: str | None, *parts: str) -> None:
        found.append(TreeWarning(kind, node, _WARN_TEXT[kind].format(*parts)))

    if positions and not any(p.node.root_cause for p in positions):
        warn("no_root_cause", None, f"{len(positions)} answer{'s' * (len(positions) != 1)}")
    for position in positions:
        node, said = position.node, _quote(position.node.answer)
        if node.id not in parents and not node.root_cause:
            warn("symptom", node.id, said)
        if node.root_cause:
            weak = {
                (True, True): "rests on opinion and has no evidence written down",
                (True, False): "rests on opinion only",
                (False, True): f"is marked {node.confidence!r} but has no evidence written down",
            }.get((node.confidence == "opinion", not node.evidence.strip()))
            if weak:
                warn("opinion_only", node.id, f"{said} {weak}")
            if not measures.get(node.id):
                warn("no_countermeasure", node.id, said)
        found.extend(
            TreeWarning("automate_first", node.id, message)
            for message in _automate_first(tree, node, measures.get(node.id, []))
        )
    return found
