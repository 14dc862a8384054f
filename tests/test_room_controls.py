"""Access and room controls through the live handle, with several pages on one real database."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from servicekit import Workshop, open_workshop
from servicekit.errors import AccessDenied, Conflict, InvalidInput
from servicekit.journal import SCHEMA_VERSION, Journal


def _page(ws: Workshop, db_path: Path, actor: str) -> Workshop:
    return open_workshop(ws.slug, db=Journal(db_path), actor=actor)


def test_the_facilitator_key_is_kept_and_checked(ws: Workshop, db_path: Path) -> None:
    key = ws.facilitator_key()
    assert len(key) >= 20
    assert _page(ws, db_path, "other").facilitator_key() == key, "one key per workshop, kept"
    ws.check_facilitator(key)
    for wrong in (None, "", key[:-1] + ("x" if key[-1] != "x" else "y")):
        with pytest.raises(AccessDenied, match="This page is for the facilitator"):
            ws.check_facilitator(wrong)


def test_secrets_never_leave_in_an_export(ws: Workshop) -> None:
    key = ws.facilitator_key()
    token = ws.participant_token(ws.join("Ana"))
    text = str(ws.journal.export(ws.slug))
    assert key not in text and token not in text


def test_joining_with_the_code_and_rejoining_after_a_reload(ws: Workshop, db_path: Path) -> None:
    phone = _page(ws, db_path, "phone")
    code = ws.state.join_code
    pid, token = phone.join_with_code(f" {code.lower()} ", "Ana", "Sales")
    ws.refresh()
    assert ws.state.participants[pid].department == "Sales"
    reloaded = _page(ws, db_path, "phone-after-reload")
    assert reloaded.rejoin(pid, token).name == "Ana"
    with pytest.raises(AccessDenied, match="not the code of this workshop"):
        phone.join_with_code("WRONG1")
    with pytest.raises(InvalidInput, match="Type the join code"):
        phone.join_with_code("  ")
    other_pid, _ = phone.join_with_code(code, "Ben")
    with pytest.raises(AccessDenied, match="not valid"):  # Ana's token does not sign Ben in
        reloaded.rejoin(other_pid, token)
    with pytest.raises(AccessDenied, match="not for this workshop"):
        reloaded.rejoin("p-ghost", token)


def test_controls_show_and_done(ws: Workshop, db_path: Path) -> None:
    sid = ws.add_survey("Check", [], [{"id": "q", "text": "Open?", "kind": "open"}])
    target = f"survey:{sid}"
    assert not ws.state.room.control(target).revealed
    ws.set_control(target, state="closed", revealed=True)
    assert ws.state.room.control(target).state == "closed"
    ws.show(target)
    phone = _page(ws, db_path, "phone")
    pid, _ = phone.join_with_code(ws.state.join_code, "Ana")
    phone.mark_done(target, pid)
    phone.mark_done(target, pid)  # twice is once
    ws.refresh()
    assert ws.state.room.showing == target and ws.state.room.done_count(target) == 1
    phone.undo()
    ws.refresh()
    assert ws.state.room.done_count(target) == 0


def test_the_timer_counts_down_pauses_and_resumes(ws: Workshop) -> None:
    ws.start_timer(5, "Map the journey")
    timer = ws.state.room.timer
    assert timer is not None and timer.seconds == 300 and timer.label == "Map the journey"
    now = dt.datetime.now(dt.UTC)
    assert 295 <= timer.left(now) <= 300
    ws.pause_timer()
    paused = ws.state.room.timer
    assert paused is not None and paused.paused_left is not None and paused.paused_left >= 295
    ws.resume_timer()
    running = ws.state.room.timer
    assert running is not None and running.paused_left is None
    assert abs(running.left(dt.datetime.now(dt.UTC)) - paused.paused_left) <= 2
    ws.stop_timer()
    assert ws.state.room.timer is None
    with pytest.raises(InvalidInput, match="No timer is running"):
        ws.pause_timer()
    with pytest.raises(InvalidInput, match="1 second to 4 hours"):
        ws.start_timer(60 * 5)


def test_two_people_dot_voting_at_once_lose_nothing(ws: Workshop, db_path: Path) -> None:
    vid = ws.add_vote(
        "Which root cause first?",
        [{"id": "a", "label": "Nobody owns the join"}, {"id": "b", "label": "Form asks twice"}],
        kind="root_causes",
        dots=2,
        show=True,
    )
    ana, ben = _page(ws, db_path, "ana"), _page(ws, db_path, "ben")
    a, _ = ana.join_with_code(ws.state.join_code, "Ana")
    b, _ = ben.join_with_code(ws.state.join_code, "Ben")
    ana.dot(vid, a, "a")
    ben.dot(vid, b, "a")  # ben's page has not seen ana's dot: stored against the latest state
    ana.dot(vid, a, "b")
    with pytest.raises(Conflict, match="All your 2 dots are placed"):
        ana.dot(vid, a, "b")
    ws.refresh()
    vote = ws.state.room.vote(vid)
    assert vote.totals() == {"a": 2, "b": 1} and not vote.shown
    assert ws.state.room.showing == f"vote:{vid}"
    ws.set_vote(vid, is_open=False, shown=True)
    with pytest.raises(Conflict, match="closed"):
        ben.dot(vid, b, "b")
    ws.remove_vote(vid)
    assert ws.state.room.showing == ""
    ws.undo()
    assert ws.state.room.vote(vid).totals() == {"a": 2, "b": 1}
    with pytest.raises(InvalidInput, match="at least one option"):
        ws.add_vote("Empty", [])


def test_a_version_1_database_gains_the_secrets_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Journal(path) as journal:
        journal.create("w", "facilitator", {"slug": "w", "title": "W", "join_code": "ABCD12"})
    con = sqlite3.connect(path)
    con.execute("DROP TABLE secrets")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    ws = open_workshop("w", db=path)
    assert ws.facilitator_key()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    con.close()
