"""How a journey really runs, discovered from an event log; and the log beside the workshop's maps.

Import ``servicekit.analysis.eventlog`` itself: it needs pandas and numpy, which a
participant's page never loads, so :mod:`servicekit.analysis` leaves it out. Every
function reads an :class:`~servicekit.eventlog.EventLog` (its events sorted by case,
then time) and returns frozen dataclasses. The rules, in the words a facilitator uses:

- Two events **follow each other directly** when they are consecutive in a case. The
  **wait** between them is the time from the first event to the second (a log gives
  one time per event, so the wait includes the work of the second step).
- A **variant** is the whole path of a case: its activities in order.
- The **cycle time** of a case runs from its first event to its last.
- A **handover** is two consecutive events of a case done by different teams (the
  log's ``team`` column when it has one, else its ``resource``; pass ``by`` to choose).
  :func:`handover_of_work` is the process-mining variant instead (pm4py's handover of
  work network with ``beta=0``): every consecutive pair of resources in a case,
  including a resource handing to itself, as shares that sum to 1.
- **Ping-pong** is work bounced straight back: consecutive events of one team form a
  run, and three runs in a row in a case with teams A, B, A are one occurrence for the
  pair {A, B}. A → B → A → B counts two (A-B-A and B-A-B); A → B → C → A counts none.
  A return the process intends (sent for approval and back) counts too: read it beside the maps.
- **Rework** is an activity done more than once in a case: per activity, the cases
  where that happened and the extra occurrences (occurrences beyond the first).

The work is vectorised over the events: a million events take about a second.
"""

from __future__ import annotations

import difflib
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from ..errors import InvalidInput
from ..eventlog import EventLog
from ..models.journey import Layer, format_minutes
from .journey import NO_TEAM, SAME_STEP, _longest_increasing, _name_key, normalise_info, team_of

if TYPE_CHECKING:
    from numpy.typing import NDArray

# fmt: off
__all__ = [
    "ActivityWait", "CycleTimes", "Flow", "LogFindings", "MapView", "PingPong", "Rework",
    "StepMatch", "Variant", "ViewComparison", "activity_waits", "compare_views", "cycle_times",
    "directly_follows", "findings", "handover_of_work", "handovers", "ping_pong", "resource_pairs",
    "rework", "variants",
]
# fmt: on

_MINUTE = np.timedelta64(1, "m")


# -- the arrays every measure starts from -------------------------------------------------------


@dataclass(frozen=True)
class _Arrays:
    """The log as plain arrays: category codes, times in minutes, and where cases change."""

    case: NDArray[Any]
    activity: NDArray[Any]
    minutes: NDArray[np.float64]
    same: NDArray[np.bool_]  # same[i]: events i and i + 1 belong to one case
    activities: tuple[str, ...]


def _arrays(log: EventLog) -> _Arrays:
    ev = log.events
    case = ev["case"].cat.codes.to_numpy()
    times = ev["timestamp"].to_numpy()
    minutes = (times - times[0]) / _MINUTE if len(times) else np.empty(0)
    return _Arrays(
        case=case,
        activity=ev["activity"].cat.codes.to_numpy(),
        minutes=minutes.astype(np.float64),
        same=case[1:] == case[:-1],
        activities=tuple(str(a) for a in ev["activity"].cat.categories),
    )


def _actor(log: EventLog, by: str | None) -> tuple[NDArray[Any], tuple[str, ...]]:
    """Codes and names of the column handovers go by."""
    column = log.actor if by is None else by
    if column not in ("resource", "team") or column not in log.events.columns:
        have = "resource or team" if log.has_team else "resource"
        raise InvalidInput(f"by={by!r}: handovers go by {have} in this log. Pass one of those.")
    cat = log.events[column]
    return cat.cat.codes.to_numpy(), tuple(str(c) for c in cat.cat.categories)


def _case_bounds(case: NDArray[Any]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Index of each case's first event, and one past its last."""
    if not len(case):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    return starts, np.r_[starts[1:], len(case)]


def _quantiles(
    key: NDArray[Any], values: NDArray[np.float64], qs: Sequence[float]
) -> tuple[NDArray[Any], NDArray[np.intp], list[NDArray[np.float64]]]:
    """Per distinct key (sorted): how many values, and each quantile of them, as numpy's
    default (linear interpolation) computes it; one sort for all groups.

    >>> keys, n, (med,) = _quantiles(np.array([2, 1, 2, 2]), np.array([5.0, 1.0, 1.0, 3.0]), [0.5])
    >>> keys.tolist(), n.tolist(), med.tolist()
    ([1, 2], [1, 3], [1.0, 3.0])
    """
    order = np.lexsort((values, key))
    ordered = values[order]
    keys, first, count = np.unique(key[order], return_index=True, return_counts=True)
    out = []
    for q in qs:
        at = first + (count - 1) * q
        low = np.floor(at).astype(np.intp)
        high = np.minimum(low + 1, first + count - 1)
        out.append(ordered[low] + (ordered[high] - ordered[low]) * (at - low))
    return keys, count, out


def _n(count: int, word: str) -> str:
    """A count and its noun: 1 case, 2 cases."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _say(minutes: float) -> str:
    """A duration as a person says it: 40 min, 5.5 h, 3 days."""
    return format_minutes(round(minutes)) if minutes < 60 else format_minutes(minutes)


# -- directly-follows, variants, cycle times, waits -----------------------------------------------


@dataclass(frozen=True)
class Flow:
    """Work going from one activity (or team) straight to another, with the waits between them.

    ``count`` is how often, ``cases`` in how many cases; waits are in minutes.
    """

    source: str
    target: str
    count: int
    cases: int
    median_wait_min: float
    p90_wait_min: float

    @property
    def label(self) -> str:
        return f"{self.source} → {self.target}"


def _flows(
    src: NDArray[Any],
    dst: NDArray[Any],
    names: Sequence[str],
    mask: NDArray[np.bool_],
    arrays: _Arrays,
) -> list[Flow]:
    """Count pairs (src[i], dst[i]) where ``mask``, with cases and wait statistics."""
    if not mask.any():
        return []
    n = max(len(names), 1)
    key = src[mask].astype(np.int64) * n + dst[mask]
    waits = np.diff(arrays.minutes)[mask]
    cases = arrays.case[1:][mask].astype(np.int64)
    keys, count, (median, p90) = _quantiles(key, waits, (0.5, 0.9))
    ncase = int(arrays.case.max()) + 1
    # Distinct (pair, case) combinations, by sorting (numpy's hashing unique is slower here).
    combos = np.sort(key * ncase + cases)
    combos = combos[np.r_[True, combos[1:] != combos[:-1]]] // ncase
    cases_per_key = np.r_[np.flatnonzero(combos[1:] != combos[:-1]) + 1, len(combos)]
    cases_per_key = np.diff(np.r_[0, cases_per_key])
    out = [
        Flow(names[k // n], names[k % n], c, m, med, q)
        for k, c, m, med, q in zip(
            keys.tolist(),
            count.tolist(),
            cases_per_key.tolist(),
            median.tolist(),
            p90.tolist(),
            strict=True,
        )
    ]
    out.sort(key=lambda f: (-f.count, f.source, f.target))
    return out


def directly_follows(log: EventLog) -> list[Flow]:
    """Every pair of activities that follow each other directly in a case, most frequent first.

    >>> from servicekit.eventlog import read_event_log
    >>> log = read_event_log(
    ...     b"case,activity,timestamp,resource\\n"
    ...     b"1,Open,2026-01-05 09:00,Desk\\n1,Fix,2026-01-05 10:00,Ops\\n"
    ...     b"2,Open,2026-01-05 09:00,Desk\\n2,Fix,2026-01-05 12:00,Ops\\n"
    ...     b"2,Close,2026-01-05 12:30,Desk\\n"
    ... )
    >>> [(f.label, f.count, f.cases, f.median_wait_min) for f in directly_follows(log)]
    [('Open → Fix', 2, 2, 120.0), ('Fix → Close', 1, 1, 30.0)]
    """
    a = _arrays(log)
    return _flows(a.activity[:-1], a.activity[1:], a.activities, a.same, a)


@dataclass(frozen=True)
class Variant:
    """One path through the journey: the activities of a case in order, and how many cases took it."""

    activities: tuple[str, ...]
    cases: int
    share: float

    @property
    def label(self) -> str:
        return " → ".join(self.activities)


def variants(log: EventLog, top: int | None = 10) -> list[Variant]:
    """The most common paths (whole cases), most cases first; ``top=None`` gives every one.

    >>> from servicekit.eventlog import read_event_log
    >>> log = read_event_log(
    ...     b"case,activity,timestamp,resource\\n"
    ...     b"1,Open,2026-01-05 09:00,Desk\\n1,Fix,2026-01-05 10:00,Ops\\n"
    ...     b"2,Open,2026-01-05 09:00,Desk\\n2,Fix,2026-01-05 12:00,Ops\\n"
    ...     b"3,Open,2026-01-06 09:00,Desk\\n"
    ... )
    >>> [(v.label, v.cases, round(v.share, 2)) for v in variants(log)]
    [('Open → Fix', 2, 0.67), ('Open', 1, 0.33)]
    """
    a = _arrays(log)
    starts, ends = _case_bounds(a.case)
    width = 1 if len(a.activities) < 2**8 else 2 if len(a.activities) < 2**16 else 4
    codes = a.activity.astype(f"<u{width}")
    buf = codes.tobytes()
    # One bytes key per case (a loop over cases, not events): equal paths, equal keys.
    counts = Counter(
        buf[s * width : e * width] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    )
    total = len(starts)
    out = []
    for key, n in counts.items():
        path = tuple(a.activities[c] for c in np.frombuffer(key, dtype=f"<u{width}").tolist())
        out.append(Variant(path, n, n / total))
    out.sort(key=lambda v: (-v.cases, v.activities))
    return out if top is None else out[:top]


@dataclass(frozen=True)
class CycleTimes:
    """How long cases take from their first event to their last, in minutes."""

    cases: int
    median_min: float
    p90_min: float
    mean_min: float
    max_min: float


def cycle_times(log: EventLog) -> CycleTimes:
    """The median, 90th percentile (interpolated), mean and longest cycle time of the cases.

    >>> from servicekit.eventlog import read_event_log
    >>> log = read_event_log(
    ...     b"case,activity,timestamp,resource\\n"
    ...     b"1,Open,2026-01-05 09:00,Desk\\n1,Fix,2026-01-05 10:00,Ops\\n"
    ...     b"2,Open,2026-01-05 09:00,Desk\\n2,Fix,2026-01-05 12:00,Ops\\n"
    ... )
    >>> c = cycle_times(log)
    >>> c.cases, c.median_min, c.max_min
    (2, 120.0, 180.0)
    """
    a = _arrays(log)
    starts, ends = _case_bounds(a.case)
    spans = a.minutes[ends - 1] - a.minutes[starts]
    if not len(spans):
        return CycleTimes(0, 0.0, 0.0, 0.0, 0.0)
    return CycleTimes(
        cases=len(spans),
        median_min=float(np.median(spans)),
        p90_min=float(np.quantile(spans, 0.9)),
        mean_min=float(spans.mean()),
        max_min=float(spans.max()),
    )


@dataclass(frozen=True)
class ActivityWait:
    """How long work waits before an activity: from the case's previous event to this one, in minutes."""

    activity: str
    count: int
    median_min: float
    p90_min: float


def activity_waits(log: EventLog) -> list[ActivityWait]:
    """The wait before each activity (first events of a case have none), longest median first."""
    a = _arrays(log)
    if not a.same.any():
        return []
    codes, count, (median, p90) = _quantiles(
        a.activity[1:][a.same], np.diff(a.minutes)[a.same], (0.5, 0.9)
    )
    out = [
        ActivityWait(a.activities[c], n, m, q)
        for c, n, m, q in zip(
            codes.tolist(), count.tolist(), median.tolist(), p90.tolist(), strict=True
        )
    ]
    out.sort(key=lambda w: (-w.median_min, w.activity))
    return out


# -- handovers ------------------------------------------------------------------------------------


def handovers(log: EventLog, by: str | None = None) -> list[Flow]:
    """Changes of team between consecutive events of a case, per (from, to), most frequent first.

    ``by`` is ``"team"`` or ``"resource"`` (default: the team when the log has one).
    The wait is from the last event of the team handing over to the first of the team
    receiving the work.

    >>> from servicekit.eventlog import read_event_log
    >>> log = read_event_log(
    ...     b"case,activity,timestamp,resource\\n"
    ...     b"1,Open,2026-01-05 09:00,Desk\\n1,Note,2026-01-05 09:10,Desk\\n"
    ...     b"1,Fix,2026-01-05 10:10,Ops\\n1,Close,2026-01-05 11:00,Desk\\n"
    ... )
    >>> [(h.label, h.count, h.median_wait_min) for h in handovers(log)]
    [('Desk → Ops', 1, 60.0), ('Ops → Desk', 1, 50.0)]
    """
    a = _arrays(log)
    who, names = _actor(log, by)
    change = a.same & (who[1:] != who[:-1])
    return _flows(who[:-1], who[1:], names, change, a)


def resource_pairs(log: EventLog, by: str | None = "resource") -> dict[tuple[str, str], int]:
    """Every consecutive pair of resources in a case, a resource handing to itself included.

    The counts behind :func:`handover_of_work`; ``by`` defaults to ``"resource"``.
    """
    a = _arrays(log)
    who, names = _actor(log, by)
    n = max(len(names), 1)
    pair = who[:-1][a.same].astype(np.int64) * n + who[1:][a.same]
    keys, count = np.unique(pair, return_counts=True)
    return {
        (names[k // n], names[k % n]): c for k, c in zip(keys.tolist(), count.tolist(), strict=True)
    }


def handover_of_work(log: EventLog, by: str | None = "resource") -> dict[tuple[str, str], float]:
    """The handover-of-work network as process mining defines it, shares summing to 1.

    This is what pm4py's ``discover_handover_of_work_network(df, beta=0)`` returns as
    its ``connections``: every directly-following pair of resources within a case,
    *including* a resource handing work to itself, divided by the number of such
    pairs in the log. :func:`handovers` is what a facilitator means by a handover
    (a change of team), with counts and waits.

    >>> from servicekit.eventlog import read_event_log
    >>> log = read_event_log(
    ...     b"case,activity,timestamp,resource\\n"
    ...     b"1,Open,2026-01-05 09:00,Desk\\n1,Note,2026-01-05 09:10,Desk\\n"
    ...     b"1,Fix,2026-01-05 10:10,Ops\\n1,Close,2026-01-05 11:00,Desk\\n"
    ... )
    >>> {k: round(v, 3) for k, v in handover_of_work(log).items()}
    {('Desk', 'Desk'): 0.333, ('Desk', 'Ops'): 0.333, ('Ops', 'Desk'): 0.333}
    """
    counts = resource_pairs(log, by)
    total = sum(counts.values())
    return {pair: n / total for pair, n in sorted(counts.items())} if total else {}


@dataclass(frozen=True)
class PingPong:
    """Work bounced between two teams and straight back (see the module's description).

    ``teams`` is the pair in alphabetical order; ``cases`` counts the cases with at
    least one occurrence, ``repeated_cases`` those with two or more (work that went
    round more than once); ``back_to`` counts, per team, how often work came back to
    it. ``median_away_min`` is how long the work was away each time: from the team's
    last event before it left to its first after it returned.

    A return the process intends (a file sent for approval and back) counts too:
    read the pairs beside the maps.
    """

    teams: tuple[str, str]
    cases: int
    occurrences: int
    repeated_cases: int
    back_to: tuple[tuple[str, int], ...]
    median_away_min: float

    @property
    def label(self) -> str:
        return f"{self.teams[0]} ⇄ {self.teams[1]}"


def ping_pong(log: EventLog, by: str | None = None) -> list[PingPong]:
    """Pairs of teams that bounced work back and forth (runs A, B, A in a case), most cases first.

    >>> from servicekit.eventlog import read_event_log
    >>> log = read_event_log(
    ...     b"case,activity,timestamp,resource\\n"
    ...     b"1,Send,2026-01-05 09:00,Sales\\n1,Check,2026-01-05 10:00,Legal\\n"
    ...     b"1,Fix,2026-01-05 11:00,Sales\\n1,Check,2026-01-05 13:00,Legal\\n"
    ... )
    >>> [(p.label, p.cases, p.occurrences, p.repeated_cases, p.back_to) for p in ping_pong(log)]
    [('Legal ⇄ Sales', 1, 2, 1, (('Legal', 1), ('Sales', 1)))]
    """
    a = _arrays(log)
    who, names = _actor(log, by)
    if len(who) < 3:
        return []
    first = np.r_[True, ~a.same | (who[1:] != who[:-1])]  # the first event of each run
    last = np.r_[first[1:], True]
    team, case = who[first], a.case[first]
    begin, end = a.minutes[first], a.minutes[last]
    # Runs are in case order, so run i and run i + 2 in one case put run i + 1 in it too.
    hit = (case[2:] == case[:-2]) & (team[2:] == team[:-2])
    if not hit.any():
        return []
    home, away = team[:-2][hit].astype(np.int64), team[1:-1][hit].astype(np.int64)
    n = len(names)
    low, high = np.minimum(home, away), np.maximum(home, away)
    frame = pd.DataFrame(
        {
            "pair": low * n + high,
            "home": home,
            "case": case[:-2][hit],
            "away": begin[2:][hit] - end[:-2][hit],
        }
    )
    out = []
    for pair, group in frame.groupby("pair", sort=True):
        back = Counter(names[h] for h in group["home"].tolist())
        per_case = group["case"].value_counts()
        out.append(
            PingPong(
                teams=(names[int(pair) // n], names[int(pair) % n]),
                cases=len(per_case),
                occurrences=len(group),
                repeated_cases=int((per_case > 1).sum()),
                back_to=tuple(sorted(back.items(), key=lambda x: (-x[1], x[0]))),
                median_away_min=float(group["away"].median()),
            )
        )
    out.sort(key=lambda p: (-p.cases, -p.occurrences, p.teams))
    return out


# -- rework ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rework:
    """An activity done more than once in a case: in how many cases, how many extra times, by whom.

    ``teams`` are the teams that did the activity in those cases, with how often,
    most first; ``share`` is the share of all cases affected.
    """

    activity: str
    cases: int
    extra: int
    share: float
    teams: tuple[tuple[str, int], ...] = ()


def rework(log: EventLog, by: str | None = None) -> list[Rework]:
    """Activities repeated within a case, most cases affected first.

    >>> from servicekit.eventlog import read_event_log
    >>> log = read_event_log(
    ...     b"case,activity,timestamp,resource\\n"
    ...     b"1,Ask details,2026-01-05 09:00,Research\\n1,Interview,2026-01-06 09:00,Consulting\\n"
    ...     b"1,Ask details,2026-01-07 09:00,Delivery\\n1,Ask details,2026-01-08 09:00,Delivery\\n"
    ...     b"2,Ask details,2026-01-05 09:00,Research\\n"
    ... )
    >>> [(r.activity, r.cases, r.extra, r.share, r.teams) for r in rework(log)]
    [('Ask details', 1, 2, 0.5, (('Delivery', 2), ('Research', 1)))]
    """
    a = _arrays(log)
    if not len(a.case):
        return []
    n = len(a.activities)
    key = a.case.astype(np.int64) * n + a.activity
    keys, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    repeated = counts > 1
    if not repeated.any():
        return []
    act = keys[repeated] % n
    cases = np.bincount(act, minlength=n)
    extra = np.bincount(act, weights=counts[repeated] - 1, minlength=n).astype(np.int64)
    who, names = _actor(log, by)
    in_rework = repeated[inverse]
    teams = pd.DataFrame({"activity": a.activity[in_rework], "team": who[in_rework]})
    by_team = teams.groupby(["activity", "team"]).size()
    total = len(a.case) - int(a.same.sum())  # cases: events less the pairs within a case
    out = []
    for code in np.flatnonzero(cases):
        done = by_team.loc[int(code)]
        out.append(
            Rework(
                activity=a.activities[code],
                cases=int(cases[code]),
                extra=int(extra[code]),
                share=int(cases[code]) / total,
                teams=tuple(
                    sorted(
                        ((names[int(t)], int(c)) for t, c in done.items()),
                        key=lambda x: (-x[1], x[0]),
                    )
                ),
            )
        )
    out.sort(key=lambda r: (-r.cases, -r.extra, r.activity))
    return out


# -- the whole picture ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFindings:
    """Everything a facilitator says about an event log; :meth:`sentences` says it."""

    source: str
    events: int
    cases: int
    activities: int
    teams: tuple[str, ...]
    cycle: CycleTimes
    variants: tuple[Variant, ...]
    distinct_variants: int
    flows: tuple[Flow, ...]
    handovers: tuple[Flow, ...]
    ping_pong: tuple[PingPong, ...]
    rework: tuple[Rework, ...]
    waits: tuple[ActivityWait, ...]

    def sentences(self, top: int = 3) -> list[str]:
        """The findings in sentences a facilitator can read out, the biggest first."""
        out = [
            f"{self.source}: {self.events} events in {self.cases} cases, {self.activities} "
            f"activities, {len(self.teams)} teams.",
            f"A case takes {_say(self.cycle.median_min)} from first to last event (median); "
            f"one in ten takes more than {_say(self.cycle.p90_min)}.",
        ]
        if self.variants:
            v = self.variants[0]
            out.append(
                f"The most common path, taken by {v.cases} of {self.cases} cases "
                f"({v.share:.0%}), is: {v.label}. The cases take {self.distinct_variants} "
                "different paths in all."
            )
        slow = sorted(self.handovers, key=lambda h: (-h.median_wait_min, -h.count))[:top]
        if self.handovers:
            busiest = self.handovers[0]
            out.append(
                f"The busiest handover is {busiest.label}: {_n(busiest.count, 'time')} in "
                f"{_n(busiest.cases, 'case')}, waiting {_say(busiest.median_wait_min)} (median)."
            )
            out.append(
                "The slowest handovers (median wait): "
                + "; ".join(
                    f"{h.label} {_say(h.median_wait_min)} ({_n(h.count, 'time')})" for h in slow
                )
                + "."
            )
        for p in self.ping_pong[:top]:
            back = " and ".join(f"{n} to {t}" for t, n in p.back_to)
            again = f", in {p.repeated_cases} of them more than once" if p.repeated_cases else ""
            out.append(
                f"Work went back to a team straight after it left, between {p.teams[0]} and "
                f"{p.teams[1]}, in {p.cases} of {_n(self.cases, 'case')}{again} "
                f"({_n(p.occurrences, 'time')}: {back}); each time it was away {_say(p.median_away_min)} (median)."
            )
        for r in self.rework[:top]:
            teams = ", ".join(f"{t} ({n})" for t, n in r.teams)
            out.append(
                f"'{r.activity}' is done more than once in {r.cases} of {_n(self.cases, 'case')} "
                f"({r.share:.0%}), {_n(r.extra, 'extra time')}; done by {teams}."
            )
        if not self.handovers:
            out.append("No work changes team within a case.")
        if not self.rework:
            out.append("No activity is repeated within a case.")
        return out


def findings(log: EventLog, top: int = 5) -> LogFindings:
    """The whole analysis of a log: cycle times, paths, flows, handovers, ping-pong and rework."""
    every = variants(log, top=None)
    return LogFindings(
        source=log.source,
        events=len(log),
        cases=log.cases,
        activities=len(log.activities),
        teams=log.teams,
        cycle=cycle_times(log),
        variants=tuple(every[:top]),
        distinct_variants=len(every),
        flows=tuple(directly_follows(log)),
        handovers=tuple(handovers(log)),
        ping_pong=tuple(ping_pong(log)),
        rework=tuple(rework(log)),
        waits=tuple(activity_waits(log)),
    )


# -- the three views of one journey ----------------------------------------------------------------


@dataclass(frozen=True)
class StepMatch:
    """A map's step found in the log as an activity, how the names matched, and in how many cases.

    ``how`` is "same name", "same words" (after :func:`~servicekit.analysis.journey.normalise_info`),
    "similar name" (at least :data:`~servicekit.analysis.journey.SAME_STEP` alike) or
    "shorter name" (every word of the one name is in the other).
    """

    step: str
    step_name: str
    activity: str
    how: str
    score: float
    cases: int


@dataclass(frozen=True)
class MapView:
    """One map (a layer of a journey) beside the log."""

    layer: str
    steps: int
    matched: tuple[StepMatch, ...]
    not_in_log: tuple[tuple[str, str], ...]  # (step id, step name)
    off_path: tuple[str, ...]  # step ids in the log but not on its most common path
    moved: tuple[str, ...]  # step ids in another order than on the most common path
    handovers_missed: tuple[Flow, ...]  # log handovers (team pairs) this map does not show

    def activity_of(self, step_id: str) -> str | None:
        """The log's activity for a step, or None when the step is not in the log."""
        return next((m.activity for m in self.matched if m.step == step_id), None)


@dataclass(frozen=True)
class ViewComparison:
    """The three views of one journey: the intended map, the actual map, and the log."""

    intended: MapView
    actual: MapView
    log_only: tuple[tuple[str, int], ...]  # (activity, cases) no map has
    common_path: Variant | None
    handovers_log_only: tuple[Flow, ...]  # log handovers neither map shows
    cases: int

    def sentences(self) -> list[str]:
        """The comparison in sentences a facilitator can read out."""
        out = []
        if self.common_path:
            p = self.common_path
            out.append(
                f"The log's most common path ({p.cases} of {self.cases} cases, {p.share:.0%}): "
                f"{p.label}."
            )
        for view in (self.intended, self.actual):
            name = f"The {view.layer} map"
            seen = f"{name}: {len(view.matched)} of {view.steps} steps are in the log"
            if view.not_in_log:
                shown = ", ".join(f"'{n}'" for _, n in view.not_in_log)
                seen += f"; never logged: {shown}"
            out.append(seen + ".")
            names = {m.step: m.step_name for m in view.matched}
            loose = [m for m in view.matched if m.how in ("similar name", "shorter name")]
            if loose:
                out.append(
                    f"{name}: check these matches by a similar or shorter name: "
                    + "; ".join(f"'{m.step_name}' as '{m.activity}'" for m in loose)
                    + "."
                )
            if view.moved:
                out.append(
                    f"{name} puts {_quoted(names[s] for s in view.moved)} in another order "
                    "than the most common path."
                )
            if view.off_path:
                out.append(
                    f"{name} has {_quoted(names[s] for s in view.off_path)}, which the most "
                    "common path skips."
                )
        if self.log_only:
            out.append(
                "In the log but on no map: "
                + ", ".join(f"'{a}' ({_n(n, 'case')})" for a, n in self.log_only)
                + "."
            )
        if self.handovers_log_only:
            out.append(
                "Handovers in the log that no map shows: "
                + "; ".join(
                    f"{h.label} ({_n(h.count, 'time')}, median wait {_say(h.median_wait_min)})"
                    for h in self.handovers_log_only
                )
                + "."
            )
        return out


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _words(text: str) -> set[str]:
    return set(normalise_info(text).split())


def _match(layer: Layer, activities: Sequence[str]) -> list[tuple[str, str, str, float]]:
    """One-to-one (step id, activity, how, score), best matches first."""
    scored = []
    for step in layer.steps:
        key, info, words = _name_key(step.name), normalise_info(step.name), _words(step.name)
        for activity in activities:
            if _name_key(activity) == key:
                scored.append((1.0, "same name", step.id, activity))
                continue
            other = normalise_info(activity)
            if other == info:
                scored.append((0.95, "same words", step.id, activity))
                continue
            matcher = difflib.SequenceMatcher(None, info, other, autojunk=False)
            ratio = (
                matcher.ratio()
                if matcher.real_quick_ratio() >= SAME_STEP and matcher.quick_ratio() >= SAME_STEP
                else 0.0
            )
            if ratio >= SAME_STEP:
                scored.append((ratio * 0.9, "similar name", step.id, activity))
                continue
            theirs = _words(activity)
            small, big = sorted((words, theirs), key=len)
            if len(small) >= 2 and small <= big:
                scored.append((0.7 * len(small) / len(big), "shorter name", step.id, activity))
    order = {s.id: i for i, s in enumerate(layer.steps)}
    used_steps: set[str] = set()
    used_acts: set[str] = set()
    out = []
    for score, how, sid, activity in sorted(scored, key=lambda x: (-x[0], order[x[2]], x[3])):
        if sid not in used_steps and activity not in used_acts:
            out.append((sid, activity, how, score))
            used_steps.add(sid)
            used_acts.add(activity)
    return out


def _map_handovers(layer: Layer) -> set[tuple[str, str]]:
    """Team pairs (as compared: :func:`_name_key`) where consecutive steps change team."""
    teams = [team_of(s) for s in layer.steps]
    return {
        (_name_key(a), _name_key(b))
        for a, b in itertools.pairwise(teams)
        if a != b and NO_TEAM not in (a, b)
    }


def compare_views(
    intended: Layer, actual: Layer, log: EventLog, *, by: str | None = None
) -> ViewComparison:
    """The intended map and the actual map, each against what the log shows.

    Steps are matched to activities by name, one to one per map: the same name first,
    then the same words (:func:`~servicekit.analysis.journey.normalise_info`), then
    similar names, then a shorter name whose words are all in the other. For each map:
    the steps found in the log and those never logged; the steps the log's most common
    path skips; and the fewest steps that must move for the map's order to follow that
    path. Log activities that no map has, and log handovers (changes of team, ``by`` as
    in :func:`handovers`) that a map does not show, teams compared by name.
    """
    activities = log.activities
    per_activity = log.events.groupby("activity", observed=True)["case"].nunique()
    cases_of = {str(a): int(n) for a, n in per_activity.items()}
    common = variants(log, top=1)
    path = common[0] if common else None
    first_at: dict[str, int] = {}
    for i, activity in enumerate(path.activities if path else ()):
        first_at.setdefault(activity, i)
    log_handovers = handovers(log, by)

    def view(name: str, layer: Layer) -> MapView:
        pairs = _match(layer, activities)
        names = {s.id: s.name for s in layer.steps}
        order = {s.id: i for i, s in enumerate(layer.steps)}
        pairs.sort(key=lambda p: order[p[0]])
        matched = tuple(
            StepMatch(sid, names[sid], act, how, round(score, 4), cases_of.get(act, 0))
            for sid, act, how, score in pairs
        )
        found = {m.step for m in matched}
        on_path = [m.step for m in matched if m.activity in first_at]
        at = {m.step: first_at[m.activity] for m in matched if m.activity in first_at}
        keep = set(_longest_increasing(on_path, key=lambda sid: at[sid]))
        shown = _map_handovers(layer)
        return MapView(
            layer=name,
            steps=len(layer.steps),
            matched=matched,
            not_in_log=tuple((s.id, s.name) for s in layer.steps if s.id not in found),
            off_path=tuple(m.step for m in matched if m.activity not in first_at),
            moved=tuple(sid for sid in on_path if sid not in keep),
            handovers_missed=tuple(
                h for h in log_handovers if (_name_key(h.source), _name_key(h.target)) not in shown
            ),
        )

    views = view("intended", intended), view("actual", actual)
    mapped = {m.activity for v in views for m in v.matched}
    both = {(_name_key(h.source), _name_key(h.target)) for h in views[0].handovers_missed} & {
        (_name_key(h.source), _name_key(h.target)) for h in views[1].handovers_missed
    }
    return ViewComparison(
        intended=views[0],
        actual=views[1],
        log_only=tuple(
            sorted(
                ((a, cases_of.get(a, 0)) for a in activities if a not in mapped),
                key=lambda x: (-x[1], x[0]),
            )
        ),
        common_path=path,
        handovers_log_only=tuple(
            h for h in log_handovers if (_name_key(h.source), _name_key(h.target)) in both
        ),
        cases=log.cases,
    )
