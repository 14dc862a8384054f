"""Event-log discovery on hand-built logs whose answers were counted by hand.

The log below (``LOG``) has three cases, two days (d1 = 2026-03-02, d2 = 2026-03-03):

    c1  Apply   d1 09:00 Sales   Check  d1 10:00 Sales   Review d1 12:00 Legal
        Fix     d2 09:00 Sales   Review d2 10:00 Legal   Sign   d2 11:00 Legal
    c2  Apply   d1 09:00 Sales   Review d1 09:30 Legal   Sign   d1 10:30 Legal
    c3  Apply   d1 09:00 Sales   Check  d1 09:15 Sales   Check  d1 09:45 Ops
        Sign    d1 11:45 Legal

Consecutive pairs (minutes between them), 13 events - 3 cases = 10 pairs:

    c1  Apply→Check 60, Check→Review 120, Review→Fix 1260, Fix→Review 60, Review→Sign 60
    c2  Apply→Review 30, Review→Sign 60
    c3  Apply→Check 15, Check→Check 30, Check→Sign 120

Teams in order: c1 S S L S L L, c2 S L L, c3 S S O L. Changes of team (handovers):
c1 S→L 120, L→S 1260, S→L 60; c2 S→L 30; c3 S→O 30, O→L 120. So Sales→Legal 3 times
in 2 cases (waits 120, 60, 30: median 60), Legal→Sales 1 (1260), Sales→Ops 1 (30),
Ops→Legal 1 (120): 6 handovers.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.analysis.eventlog import (
    Flow,
    activity_waits,
    compare_views,
    cycle_times,
    directly_follows,
    findings,
    handover_of_work,
    handovers,
    ping_pong,
    resource_pairs,
    rework,
    variants,
)
from servicekit.errors import InvalidInput
from servicekit.eventlog import UNKNOWN, EventLog, event_log_from_frame, read_event_log
from servicekit.journal import Journal, read_workshop_file
from servicekit.models.journey import Layer, Step

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"

LOG = """case,activity,timestamp,resource
c1,Apply,2026-03-02 09:00,Sales
c1,Check,2026-03-02 10:00,Sales
c1,Review,2026-03-02 12:00,Legal
c1,Fix,2026-03-03 09:00,Sales
c1,Review,2026-03-03 10:00,Legal
c1,Sign,2026-03-03 11:00,Legal
c2,Apply,2026-03-02 09:00,Sales
c2,Review,2026-03-02 09:30,Legal
c2,Sign,2026-03-02 10:30,Legal
c3,Apply,2026-03-02 09:00,Sales
c3,Check,2026-03-02 09:15,Sales
c3,Check,2026-03-02 09:45,Ops
c3,Sign,2026-03-02 11:45,Legal
"""


@pytest.fixture
def log() -> EventLog:
    return read_event_log(LOG.encode(), source="hand.csv")


def counts(flows: list[Flow]) -> dict[str, tuple[int, int, float]]:
    return {f.label: (f.count, f.cases, f.median_wait_min) for f in flows}


# -- directly-follows, variants, cycle and waiting times ---------------------------------------------


def test_directly_follows_counts_cases_and_median_waits(log: EventLog) -> None:
    flows = directly_follows(log)
    assert counts(flows) == {
        "Apply → Check": (2, 2, 37.5),  # c1 60, c3 15
        "Review → Sign": (2, 2, 60.0),  # c1 60, c2 60
        "Apply → Review": (1, 1, 30.0),
        "Check → Check": (1, 1, 30.0),
        "Check → Review": (1, 1, 120.0),
        "Check → Sign": (1, 1, 120.0),
        "Fix → Review": (1, 1, 60.0),
        "Review → Fix": (1, 1, 1260.0),
    }
    assert list(counts(flows))[:2] == ["Apply → Check", "Review → Sign"], "most frequent first"
    assert sum(f.count for f in flows) == 10
    assert flows[0].p90_wait_min == pytest.approx(15 + 0.9 * 45)  # between 15 and 60


def test_variants_are_whole_paths_with_their_share(log: EventLog) -> None:
    got = variants(log)
    # One case each: ties are ordered by the path itself.
    assert [(v.activities, v.cases, round(v.share, 3)) for v in got] == [
        (("Apply", "Check", "Check", "Sign"), 1, 0.333),
        (("Apply", "Check", "Review", "Fix", "Review", "Sign"), 1, 0.333),
        (("Apply", "Review", "Sign"), 1, 0.333),
    ]
    assert len(variants(log, top=1)) == 1


def test_cycle_times_run_from_first_to_last_event(log: EventLog) -> None:
    c = cycle_times(log)
    # c1 d1 09:00 → d2 11:00 = 1560 min, c2 90, c3 165; sorted 90, 165, 1560.
    assert (c.cases, c.median_min, c.max_min) == (3, 165.0, 1560.0)
    assert c.mean_min == pytest.approx(1815 / 3)
    assert c.p90_min == pytest.approx(165 + 0.8 * (1560 - 165))  # interpolated at 0.9 * 2 = 1.8


def test_waits_before_each_activity(log: EventLog) -> None:
    got = {w.activity: (w.count, w.median_min) for w in activity_waits(log)}
    assert got == {
        "Fix": (1, 1260.0),
        "Review": (3, 60.0),  # 120, 60, 30
        "Sign": (3, 60.0),  # 60, 60, 120
        "Check": (3, 30.0),  # 60, 15, 30
    }
    assert [w.activity for w in activity_waits(log)] == ["Fix", "Review", "Sign", "Check"]


# -- handovers --------------------------------------------------------------------------------------


def test_handovers_are_changes_of_team_with_waits(log: EventLog) -> None:
    assert counts(handovers(log)) == {
        "Sales → Legal": (3, 2, 60.0),
        "Legal → Sales": (1, 1, 1260.0),
        "Ops → Legal": (1, 1, 120.0),
        "Sales → Ops": (1, 1, 30.0),
    }


def test_handovers_go_by_the_team_when_the_log_has_one() -> None:
    text = (
        "case,activity,timestamp,assignee,team\n"
        "c1,Apply,2026-03-02 09:00,Ana,Sales\n"
        "c1,Check,2026-03-02 10:00,Ben,Sales\n"  # another person, the same team
        "c1,Sign,2026-03-02 11:00,Cleo,Legal\n"
    )
    log = read_event_log(text.encode())
    assert counts(handovers(log)) == {"Sales → Legal": (1, 1, 60.0)}
    assert counts(handovers(log, by="resource")) == {
        "Ana → Ben": (1, 1, 60.0),
        "Ben → Cleo": (1, 1, 60.0),
    }
    with pytest.raises(InvalidInput, match="handovers go by resource or team"):
        handovers(log, by="activity")


def test_handover_of_work_counts_every_pair_including_self_handovers(log: EventLog) -> None:
    # c1: SS SL LS SL LL; c2: SL LL; c3: SS SO OL: 10 pairs.
    pairs = {
        ("Sales", "Sales"): 2,
        ("Sales", "Legal"): 3,
        ("Legal", "Sales"): 1,
        ("Legal", "Legal"): 2,
        ("Sales", "Ops"): 1,
        ("Ops", "Legal"): 1,
    }
    assert resource_pairs(log) == pairs
    shares = handover_of_work(log)
    assert shares == pytest.approx({pair: n / 10 for pair, n in pairs.items()})
    assert sum(shares.values()) == pytest.approx(1.0)


# -- ping-pong and rework -----------------------------------------------------------------------------


def test_ping_pong_is_a_return_straight_after_leaving(log: EventLog) -> None:
    # Runs of one team: c1 S L S L → S-L-S and L-S-L, two occurrences; c2 S L and
    # c3 S O L have none (c3 goes on to a third team, it does not come back).
    (got,) = ping_pong(log)
    assert got.teams == ("Legal", "Sales") and got.label == "Legal ⇄ Sales"
    assert (got.cases, got.occurrences, got.repeated_cases) == (1, 2, 1)
    assert got.back_to == (("Legal", 1), ("Sales", 1))
    # Away: Sales left at d1 10:00 and got it back d2 09:00 (1380 min); Legal left at
    # d1 12:00 and got it back d2 10:00 (1320 min).
    assert got.median_away_min == 1350.0


def test_a_third_team_in_between_is_no_ping_pong() -> None:
    text = "case,activity,timestamp,resource\n" + "".join(
        f"c1,{a},2026-03-02 {9 + i}:00,{t}\n"
        for i, (a, t) in enumerate(zip("ABCD", "XYZX", strict=True))
    )
    assert ping_pong(read_event_log(text.encode())) == []


def test_rework_counts_cases_and_extra_occurrences(log: EventLog) -> None:
    # c1 reviews twice (both Legal); c3 checks twice (Sales, then Ops).
    got = {r.activity: (r.cases, r.extra, round(r.share, 3), r.teams) for r in rework(log)}
    assert got == {
        "Check": (1, 1, 0.333, (("Ops", 1), ("Sales", 1))),
        "Review": (1, 1, 0.333, (("Legal", 2),)),
    }


def test_the_findings_read_out(log: EventLog) -> None:
    f = findings(log)
    assert (f.events, f.cases, f.activities, f.distinct_variants) == (13, 3, 5, 3)
    assert f.teams == ("Legal", "Sales", "Ops")
    said = f.sentences()
    assert said[0] == "hand.csv: 13 events in 3 cases, 5 activities, 3 teams."
    assert said[1] == (
        "A case takes 2.75 h from first to last event (median); one in ten takes more than 21.4 h."
    )
    assert (
        "The busiest handover is Sales → Legal: 3 times in 2 cases, waiting 1 h (median)." in said
    )
    assert any(s.startswith("Work went back to a team straight after it left") for s in said)
    assert (
        "'Check' is done more than once in 1 of 3 cases (33%), 1 extra time; done by "
        "Ops (1), Sales (1)." in said
    )


def test_a_log_of_single_events_has_no_flows() -> None:
    log = read_event_log(b"case,activity,timestamp,resource\nc1,A,2026-03-02 09:00,X\n")
    assert directly_follows(log) == handovers(log) == []
    assert ping_pong(log) == [] and rework(log) == []
    assert handover_of_work(log) == {} and activity_waits(log) == []
    assert cycle_times(log).median_min == 0.0
    said = findings(log).sentences()
    assert "No work changes team within a case." in said
    assert "No activity is repeated within a case." in said


# -- properties -----------------------------------------------------------------------------------


@st.composite
def event_rows(draw: st.DrawFn) -> list[tuple[str, str, datetime, str]]:
    """Cases of 1-8 events, each event after the one before (so their order is known)."""
    rows = []
    for c in range(draw(st.integers(1, 6))):
        at = datetime(2026, 3, 2, 9, 0)
        for _ in range(draw(st.integers(1, 8))):
            at += timedelta(minutes=draw(st.integers(1, 3000)))
            rows.append((f"c{c}", draw(st.sampled_from("ABCD")), at, draw(st.sampled_from("XYZ"))))
    return rows


def frame_of(rows: list[tuple[str, str, datetime, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["case", "activity", "timestamp", "resource"])


def by_case(rows: list[tuple[str, str, datetime, str]]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for case, activity, _, who in sorted(rows, key=lambda r: (r[0], r[2])):
        out.setdefault(case, []).append((activity, who))
    return out


@given(event_rows())
def test_handovers_are_the_changes_of_resource(rows: list[tuple[str, str, datetime, str]]) -> None:
    log = event_log_from_frame(frame_of(rows))
    changes: Counter[tuple[str, str]] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    follows: Counter[tuple[str, str]] = Counter()
    repeats: Counter[str] = Counter()
    bounces: Counter[tuple[str, str]] = Counter()
    for events in by_case(rows).values():
        for (a1, r1), (a2, r2) in itertools.pairwise(events):
            pairs[r1, r2] += 1
            follows[a1, a2] += 1
            if r1 != r2:
                changes[r1, r2] += 1
        repeats.update({a: n - 1 for a, n in Counter(a for a, _ in events).items() if n > 1})
        runs = [r for i, (_, r) in enumerate(events) if i == 0 or events[i - 1][1] != r]
        for x, y, z in zip(runs, runs[1:], runs[2:], strict=False):
            if x == z:
                bounces[tuple(sorted((x, y)))] += 1  # type: ignore[index]
    assert {(h.source, h.target): h.count for h in handovers(log)} == dict(changes)
    assert resource_pairs(log) == dict(pairs)
    assert {(f.source, f.target): f.count for f in directly_follows(log)} == dict(follows)
    assert {r.activity: r.extra for r in rework(log)} == dict(repeats)
    assert {p.teams: p.occurrences for p in ping_pong(log)} == dict(bounces)
    if pairs:
        assert sum(handover_of_work(log).values()) == pytest.approx(1.0)


@given(event_rows(), st.randoms(use_true_random=False))
def test_the_order_of_the_rows_never_changes_the_results(
    rows: list[tuple[str, str, datetime, str]], rnd: random.Random
) -> None:
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    a, b = event_log_from_frame(frame_of(rows)), event_log_from_frame(frame_of(shuffled))
    for measure in (directly_follows, handovers, ping_pong, rework, activity_waits, cycle_times):
        assert measure(a) == measure(b), measure.__name__
    assert variants(a, top=None) == variants(b, top=None)
    assert handover_of_work(a) == handover_of_work(b)


# -- the three views of one journey --------------------------------------------------------------------

VIEWS_LOG = """case,activity,timestamp,resource
c1,Apply,2026-03-02 09:00,Sales
c1,Review,2026-03-02 10:00,Legal
c1,Sign contract,2026-03-02 11:00,Legal
c1,Archiving file,2026-03-02 12:00,Ops
c2,Apply,2026-03-03 09:00,Sales
c2,Review,2026-03-03 10:00,Legal
c2,Sign contract,2026-03-03 11:00,Legal
c2,Archiving file,2026-03-03 12:00,Ops
c3,Apply,2026-03-04 09:00,Sales
c3,Review,2026-03-04 10:00,Legal
c3,Sign contract,2026-03-04 11:00,Legal
c3,Archiving file,2026-03-04 12:00,Ops
c4,Apply,2026-03-05 09:00,Sales
c4,Check ID,2026-03-05 10:00,Front desk
c4,Review,2026-03-05 11:00,Legal
c4,Send reminder,2026-03-05 12:00,Legal
c4,Sign contract,2026-03-05 13:00,Legal
"""


def layer(*steps: tuple[str, str, str]) -> Layer:
    return Layer(tuple(Step(sid, name, owner=owner) for sid, name, owner in steps))


def test_compare_views_matches_steps_and_finds_what_the_maps_miss() -> None:
    log = read_event_log(VIEWS_LOG.encode())
    intended = layer(
        ("i1", "Apply", "Sales"),  # same name
        ("i2", "Sign the contract", "Legal"),  # same words once "the" is dropped
        ("i3", "Reviews", "Legal"),  # same words: plurals fold
        ("i4", "Send welcome pack", "Sales"),  # not in the log
    )
    actual = layer(
        ("a1", "Apply", "Sales"),
        ("a2", "Check ID and address", "sales"),  # a shorter name in the log: "Check ID"
        ("a3", "Review", "Legal"),
        ("a4", "Sign the contract", "Legal"),
        ("a5", "Archive file", "ops"),  # similar: "Archiving file"; teams compare by name
    )
    cmp = compare_views(intended, actual, log)
    # The most common path: Apply, Review, Sign contract, Archiving file (c1-c3, 3 of 4).
    assert cmp.common_path is not None and cmp.common_path.cases == 3 and cmp.cases == 4
    i, a = cmp.intended, cmp.actual
    assert [(m.step, m.activity, m.how, m.cases) for m in i.matched] == [
        ("i1", "Apply", "same name", 4),
        ("i2", "Sign contract", "same words", 4),
        ("i3", "Review", "same words", 4),
    ]
    assert i.not_in_log == (("i4", "Send welcome pack"),)
    # Intended: Apply, Sign, Review; the path has Review before Sign: the fewest moves is one.
    assert i.moved == ("i2",) and i.off_path == ()
    assert [(m.step, m.how) for m in a.matched] == [
        ("a1", "same name"),
        ("a2", "shorter name"),
        ("a3", "same name"),
        ("a4", "same words"),
        ("a5", "similar name"),
    ]
    assert a.activity_of("a2") == "Check ID" and a.activity_of("nope") is None
    assert a.moved == () and a.off_path == ("a2",) and a.not_in_log == ()
    assert cmp.log_only == (("Send reminder", 1),)
    # Log handovers: Sales → Legal 3, Legal → Ops 3, Sales → Front desk 1, Front desk → Legal 1.
    # The intended map shows Sales → Legal (Apply, Sign) and Legal → Sales; the actual one
    # Sales → Legal and Legal → Ops.
    assert [h.label for h in i.handovers_missed] == [
        "Legal → Ops",
        "Front desk → Legal",
        "Sales → Front desk",
    ]
    assert [h.label for h in cmp.handovers_log_only] == ["Front desk → Legal", "Sales → Front desk"]
    said = cmp.sentences()
    assert said[0] == (
        "The log's most common path (3 of 4 cases, 75%): Apply → Review → Sign contract → "
        "Archiving file."
    )
    assert (
        "The intended map: 3 of 4 steps are in the log; never logged: 'Send welcome pack'." in said
    )
    assert (
        "The intended map puts 'Sign the contract' in another order than the most common path."
        in said
    )
    assert "The actual map has 'Check ID and address', which the most common path skips." in said
    assert "In the log but on no map: 'Send reminder' (1 case)." in said


# -- the sample -------------------------------------------------------------------------------------


def test_the_sample_log_is_current_and_clean() -> None:
    spec = importlib.util.spec_from_file_location("make_log", SAMPLES / "make_onboarding_log.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.build()
    text = (SAMPLES / "onboarding-events.csv").read_text(encoding="utf-8").splitlines()
    assert len(text) == len(rows) + 1, "regenerate it: python data/samples/make_onboarding_log.py"
    assert text[1].split(",")[2] == rows[0][2].strftime("%Y-%m-%d %H:%M")
    log = read_event_log(SAMPLES / "onboarding-events.csv")
    assert log.report.ok and log.cases == 40 and 300 <= len(log) <= 800


def test_the_sample_log_tells_the_workshop_story(tmp_path: Path) -> None:
    log = read_event_log(SAMPLES / "onboarding-events.csv")
    assert log.actor == "team"
    top = rework(log)[0]
    assert top.activity == "Candidate details requested"
    assert {t for t, _ in top.teams} == {"Research", "Consulting", "Client Delivery"}
    slowest = max(handovers(log), key=lambda h: h.median_wait_min)
    assert slowest.label == "Client Delivery → Compliance"
    bounce = ping_pong(log)[0]
    assert bounce.teams == ("Client Delivery", "Compliance") and bounce.repeated_cases >= 10
    with Journal(tmp_path / "s.db") as journal:
        journal.import_(read_workshop_file(SAMPLES / "northbridge-search.json"))
        journey = journal.rebuild("northbridge")[0].journeys["candidate-journey"]
    cmp = compare_views(journey.intended, journey.actual, log)
    assert [h.label for h in cmp.handovers_log_only] == ["Client Delivery → Compliance"]
    never = [name for _, name in cmp.actual.not_in_log]
    assert "Consultant re-keys interview notes into a personal spreadsheet" in never


# -- pm4py, when it is installed, as an outside judge ----------------------------------------------


def pm4py_frame(log: EventLog) -> pd.DataFrame:
    ev = log.events
    return pd.DataFrame(
        {
            "case:concept:name": ev["case"].astype(str),
            "concept:name": ev["activity"].astype(str),
            "time:timestamp": ev["timestamp"],
            "org:resource": ev["resource"].astype(str),
        }
    )


def test_handover_of_work_and_directly_follows_agree_with_pm4py(tmp_path: Path) -> None:
    pm4py = pytest.importorskip("pm4py")
    messy = LOG.replace("c1,Fix,2026-03-03 09:00,Sales", "c1,Fix,2026-03-03 09:00,")
    logs = [
        read_event_log(LOG.encode()),
        read_event_log(messy.encode()),  # a missing resource: pm4py would fail on a gap
        read_event_log(SAMPLES / "onboarding-events.csv"),
    ]
    assert UNKNOWN in logs[1].resources
    for log in logs:
        frame = pm4py_frame(log)
        theirs = pm4py.discover_handover_of_work_network(frame, beta=0).connections
        ours = handover_of_work(log, by="resource")
        assert set(ours) == set(theirs)
        assert ours == pytest.approx(dict(theirs))
        dfg, _, _ = pm4py.discover_dfg(frame)
        assert {(f.source, f.target): f.count for f in directly_follows(log)} == dict(dfg)
