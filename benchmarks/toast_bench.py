"""Making Toast at the reveal: lining up a room's independent maps and measuring where they differ.

When the facilitator reveals the maps, the page aligns everyone's map and shows the consensus, the
partial and solo steps, how far the orders differ, the variance and the contested steps
(:mod:`servicekit.analysis.toast`, standard library only). This module builds a room's maps from a
seeded generator and times, ``repeat`` times each:

* **the full analysis**: ``align_maps(maps, synonyms)``, ``findings(alignment)`` and
  ``consensus_layer(alignment)``, as the reveal runs them. Target: median <= 200 ms for 12 maps of 25
  steps. The same for 30 maps of 25 steps, without a target (a large room);
* **each part on its own**: ``align_maps``, ``findings``, ``consensus_layer``.

The maps (:func:`build_maps`) are a room's versions of one process, handling a customer's complaint, from a
list of 28 steps, each with three wordings: the usual one, a variant ("Log complaint in CRM" for "Log the
complaint in the CRM", but also "Review the case" for "Complaints team reviews the case") and other words
("Create a ticket"). Each person leaves out a step with the step's own probability (core steps 3-5 %,
others up to 75 %), words each step the usual way (55 %), the variant way (25 %) or in other words (20 %),
mistypes 8 % of names (a letter dropped, doubled or swapped; a full stop; lower case), adds one to three
steps of their own (from a pool of 16, so a few are shared), swaps two pairs of neighbours and, one time in
three, moves one step three to six places; then optional steps are dropped, or steps of the process they
left out put back in their usual place (in the usual words), until the map has exactly 25. The
facilitator's synonyms name half of the other-words wordings.

The generator knows which step each name stands for, so the rows also give the alignment's quality over
pairs of names from two people: of the pairs the alignment joined, the share that mean the same step
(precision), and of the pairs that mean the same step, the share it joined (recall). Wordings in other
words that no synonym names, and variants less than 0.8 similar, stay apart by design: recall below 1 is
the room's work for the reveal, precision below 1 would be a wrong join.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from itertools import combinations
from typing import Any

from _report import Row, Section, log, median, p95

from servicekit.analysis.toast import Alignment, align_maps, consensus_layer, findings

__all__ = ["build_maps", "run"]

TARGET_MS = 200.0
SIZES = ((12, 25), (30, 25))  # (people, steps per map)
TARGET_SIZE = (12, 25)

#: The process: (wordings: usual, close, other words...), probability a person includes the step.
PROCESS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("Customer calls the helpline", "Customer phones the helpline", "Call comes in"), 0.97),
    (("Agent answers the call", "Agent picks up the call", "Call answered"), 0.8),
    (("Check customer identity", "Verify customer identity", "Security questions"), 0.95),
    (("Log the complaint in the CRM", "Log complaint in CRM", "Create a ticket"), 0.97),
    (("Categorise the complaint", "Categorize the complaint", "Pick a category"), 0.75),
    (("Check order history", "Look up order history", "Check previous orders"), 0.7),
    (("Apologise to the customer", "Apologize to customer", "Say sorry"), 0.6),
    (("Agree next steps with the customer", "Agree next steps", "Explain what happens next"), 0.7),
    (("Send acknowledgement email", "Send acknowledgment e-mail", "Email a reference"), 0.85),
    (("Assign to the complaints team", "Assign to complaints team", "Pass to complaints"), 0.95),
    (("Complaints team reviews the case", "Review the case", "Case review"), 0.95),
    (("Request evidence from the warehouse", "Ask warehouse for evidence", "Get photos"), 0.7),
    (("Warehouse checks stock records", "Check stock records", "Stock check"), 0.5),
    (("Chase the warehouse", "Chase warehouse", "Follow up with warehouse"), 0.4),
    (("Customer chases for an update", "Customer chases for update", "Customer calls again"), 0.45),
    (("Decide on the outcome", "Decide outcome", "Make a decision"), 0.95),
    (("Manager approves refund", "Manager approves the refund", "Refund sign-off"), 0.75),
    (("Issue refund", "Issue the refund", "Money back to customer"), 0.9),
    (("Arrange replacement delivery", "Arrange a replacement delivery", "Send new item"), 0.6),
    (("Update the ticket", "Update ticket status", "Update CRM"), 0.8),
    (("Call the customer back", "Call customer back", "Ring back"), 0.8),
    (("Send outcome letter", "Send the outcome letter", "Write to the customer"), 0.85),
    (("Customer accepts the outcome", "Customer accepts outcome", "Customer agrees"), 0.6),
    (("Close the ticket", "Close ticket", "Close the case"), 0.95),
    (("Send satisfaction survey", "Send a satisfaction survey", "Survey the customer"), 0.55),
    (("Record root cause", "Record the root cause", "Note why it happened"), 0.5),
    (("Report to quality team", "Report to the quality team", "Monthly quality report"), 0.45),
    (("Escalate to the ombudsman", "Escalate to ombudsman", "Ombudsman referral"), 0.25),
)
#: Steps only some people do: a few are shared by chance, most stay in one person's head.
EXTRAS = (
    "Check the shared inbox",
    "Print the complaint form",
    "Ask my team leader",
    "Copy details into my spreadsheet",
    "Wait for the courier",
    "Check the returns portal",
    "Phone the supplier",
    "Re-key the refund into finance system",
    "Look for a similar past case",
    "Tell the shop manager",
    "Photocopy the receipt",
    "Post a note on the team chat",
    "Check stock on the website",
    "Scan the letter to the shared drive",
    "Flag the account",
    "Take a break before calling back",
)


def _typo(name: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    words = name.split()
    i = rng.randrange(len(words))
    word = words[i]
    if kind == 3:
        return name + "."
    if kind == 4:
        return name.lower()
    if len(word) < 4:
        return name + "."
    j = rng.randrange(1, len(word) - 1)
    if kind == 0:
        word = word[:j] + word[j + 1 :]  # a letter dropped
    elif kind == 1:
        word = word[:j] + word[j] + word[j:]  # doubled
    else:
        word = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]  # two swapped
    words[i] = word
    return " ".join(words)


def build_maps(
    people: int, steps: int, seed: str = "toast"
) -> tuple[dict[str, list[str]], dict[str, str], dict[tuple[str, int], object]]:
    """A room's maps, the facilitator's synonyms, and the truth: (person, position) -> step meant."""
    rng = random.Random(seed)
    synonyms = {
        other: wordings[0]
        for wordings, _ in PROCESS
        for other in wordings[2:]
        if rng.random() < 0.5
    }
    maps: dict[str, list[str]] = {}
    truth: dict[tuple[str, int], object] = {}
    for n in range(people):
        person = f"p{n + 1:02d}"
        items: list[tuple[object, str]] = []
        for k, (wordings, p) in enumerate(PROCESS):
            if rng.random() >= p:
                continue
            roll = rng.random()
            if roll < 0.55:
                name = wordings[0]
            elif roll < 0.8:
                name = wordings[1]
            else:
                name = rng.choice(wordings[2:])
            if rng.random() < 0.08:
                name = _typo(name, rng)
            items.append((k, name))
        own = rng.sample(EXTRAS, rng.randint(1, 3))
        for extra in own:
            items.insert(rng.randrange(len(items) + 1), (extra, extra))
        for _ in range(2):
            i = rng.randrange(len(items) - 1)
            items[i], items[i + 1] = items[i + 1], items[i]
        if rng.random() < 1 / 3:
            item = items.pop(rng.randrange(len(items)))
            at = rng.randrange(len(items) + 1)
            shift = rng.randint(3, 6) * rng.choice((-1, 1))
            items.insert(max(0, min(len(items), at + shift)), item)
        while len(items) > steps:  # drop a step the process can do without
            optional = [
                i for i, (k, _) in enumerate(items) if isinstance(k, int) and PROCESS[k][1] < 0.9
            ]
            items.pop(rng.choice(optional or list(range(len(items)))))
        held = {k for k, _ in items}
        left_out = [k for k in range(len(PROCESS)) if k not in held]
        rng.shuffle(left_out)
        while len(items) < steps:  # remember a step of the process, in its usual place
            k = left_out.pop()
            at = next(
                (i for i, (j, _) in enumerate(items) if isinstance(j, int) and j > k), len(items)
            )
            items.insert(at, (k, PROCESS[k][0][0]))
        maps[person] = [name for _, name in items]
        truth.update({(person, i): k for i, (k, _) in enumerate(items)})
    return maps, synonyms, truth


def _quality(alignment: Alignment, truth: dict[tuple[str, int], object]) -> tuple[float, float]:
    """Pairwise precision and recall of the alignment against the generator's truth."""
    step_of = {(p.person, p.position): s.id for s in alignment.steps for p in s.placements}
    joined = same = both = 0
    for x, y in combinations(sorted(truth), 2):
        if x[0] == y[0]:
            continue
        together = step_of[x] == step_of[y]
        meant = truth[x] == truth[y]
        joined += together
        same += meant
        both += together and meant
    return (both / joined if joined else 1.0), (both / same if same else 1.0)


def _stats(ms: list[float]) -> str:
    return f"median {median(ms):.1f} ms, p95 {p95(ms):.1f} ms, max {max(ms):.1f} ms"


def _size(people: int, steps: int, repeat: int) -> tuple[list[Row], dict[str, Any]]:
    maps, synonyms, truth = build_maps(people, steps)
    calls: dict[str, Callable[[], Any]] = {
        "align_maps": lambda: align_maps(maps, synonyms),
        "findings": lambda: findings(alignment),
        "consensus_layer": lambda: consensus_layer(alignment),
    }
    alignment = align_maps(maps, synonyms)
    found = findings(alignment)
    consensus_layer(alignment)
    times: dict[str, list[float]] = {"full": [], **{name: [] for name in calls}}
    for _ in range(repeat):
        t0 = time.perf_counter()
        al = align_maps(maps, synonyms)
        findings(al)
        consensus_layer(al)
        times["full"].append((time.perf_counter() - t0) * 1e3)
        for name, call in calls.items():
            t0 = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - t0) * 1e3)
    precision, recall = _quality(alignment, truth)
    meant = len(set(truth.values()))
    shape = {
        "people": people,
        "steps": steps,
        "synonyms": len(synonyms),
        "distinct_names": len({n for m in maps.values() for n in m}),
        "steps_meant": meant,
        "aligned_steps": len(alignment.steps),
        "consensus": len(found.consensus),
        "partial": len(found.partial),
        "solo": len(found.solo),
        "contested": len(found.contested),
        "order_distance": found.order_distance,
        "variance": found.variance,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "most_contested": [
            {"name": v.step.name, "score": v.score, "reasons": list(v.reasons)}
            for v in found.contested[:5]
        ],
    }
    at_target = (people, steps) == TARGET_SIZE
    full = times["full"]
    log(f"toast: {people} maps of {steps} steps, full analysis: {_stats(full)}")
    for v in found.contested[:3]:
        log(f"toast:   contested {v.step.name!r} ({v.score}): {'; '.join(v.reasons)}")
    parts = {name: median(ms) for name, ms in times.items() if name != "full"}
    rows = [
        Row(
            "toast",
            f"{people} maps of {steps} steps: full analysis (align_maps + findings + consensus_layer)",
            _stats(full),
            target=f"median <= {TARGET_MS:.0f} ms" if at_target else "",
            passed=median(full) <= TARGET_MS if at_target else None,
            note=f"{repeat} runs; {len(synonyms)} synonyms",
        ),
        Row(
            "toast",
            f"{people} maps of {steps} steps: each part on its own (median ms)",
            "; ".join(f"{k} {v:.1f}" for k, v in parts.items()),
        ),
        Row(
            "toast",
            f"{people} maps of {steps} steps: what the reveal shows",
            f"{shape['distinct_names']} distinct names for {meant} steps meant -> "
            f"{len(alignment.steps)} aligned steps: {len(found.consensus)} in the consensus, "
            f"{len(found.partial)} partial, {len(found.solo)} solo, {len(found.contested)} contested; "
            f"mean order distance {found.order_distance}, variance {found.variance}; pairs joined: "
            f"precision {precision:.3f}, recall {recall:.3f}",
            note="precision and recall against the generator's truth, over pairs of names from two people",
        ),
    ]
    return rows, {"shape": shape, "ms": times}


def run(quick: bool = False, repeat: int | None = None) -> Section:
    """Build the rooms' maps, time the analysis and its parts; return the rows."""
    repeat = max(30, repeat or (30 if quick else 60))
    rows: list[Row] = []
    details: dict[str, Any] = {"repeat": repeat, "sizes": {}}
    for people, steps in SIZES:
        got_rows, got = _size(people, steps, repeat)
        rows += got_rows
        details["sizes"][f"{people}x{steps}"] = got
    return Section("toast", rows, details)
