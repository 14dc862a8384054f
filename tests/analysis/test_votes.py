"""Vote options drawn from exercises: root causes, hotspots, handovers, steps."""

from __future__ import annotations

import pytest

from servicekit import Workshop
from servicekit.analysis.votes import vote_options
from servicekit.errors import InvalidInput, NotFound


def test_root_causes_or_every_answer(ws: Workshop) -> None:
    tid = ws.add_tree("P")
    a = ws.add_why(tid, None, "A")
    b = ws.add_why(tid, a, "B")
    assert [o.ref for o in vote_options(ws.state, f"five_whys:{tid}", "root_causes")] == [a, b]
    ws.mark_root_cause(tid, b)
    options = vote_options(ws.state, f"five_whys:{tid}", "root_causes")
    assert [(o.id, o.label, o.ref) for o in options] == [("o1", "B", b)]


def test_journey_options(ws: Workshop) -> None:
    jid = ws.add_journey("J")
    s1 = ws.add_step(jid, "actual", "Quote", owner="Sales")
    s2 = ws.add_step(jid, "actual", "Deliver", owner="Ops", friction=4)
    target = f"journey:{jid}"
    assert [o.ref for o in vote_options(ws.state, target, "steps")] == [s1, s2]
    [join] = vote_options(ws.state, target, "handovers")
    assert join.ref == f"{s1}>{s2}" and join.label == "Sales → Ops: Deliver"
    assert vote_options(ws.state, target, "hotspots")[0].ref == f"{s1}>{s2}"
    with pytest.raises(InvalidInput, match="cannot be drawn from a journey"):
        vote_options(ws.state, target, "root_causes")
    with pytest.raises(NotFound):
        vote_options(ws.state, "journey:gone", "steps")
