"""The participant page and the facilitator's room panel, headless, on one real database."""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as widgets
import pytest
from helpers import find, heavy_modules_after, type_into

from servicekit import Workshop, open_workshop
from servicekit.errors import AccessDenied
from servicekit.journal import Journal
from servicekit.ui.apps.participant import ParticipantApp
from servicekit.ui.views.common import MessageArea
from servicekit.ui.views.room import RoomPanel


def _phone(ws: Workshop, db_path: Path) -> ParticipantApp:
    return ParticipantApp(Journal(db_path))


def _join(app: ParticipantApp, code: str, name: str = "Ana") -> None:
    type_into(app.code, code)
    type_into(app.name, name)
    find(app.widget, widgets.Button, description="Join")[0].click()


def _text(box: widgets.Widget) -> str:
    """Everything a box shows as HTML, to look for words in."""
    return " ".join(str(w.value) for w in find(box, widgets.HTML))


def _room(ws: Workshop) -> RoomPanel:
    return RoomPanel(ws, MessageArea())


def test_a_wrong_code_says_so_and_the_right_one_signs_in(ws: Workshop, db_path: Path) -> None:
    phone = _phone(ws, db_path)
    _join(phone, "NOPE99")
    assert "is not the code of a workshop here" in phone.messages.widget.value
    assert phone.participant is None and phone.main.layout.display == "none"
    _join(phone, ws.state.join_code.lower())
    assert phone.participant is not None
    assert phone.join_box.layout.display == "none" and phone.main.layout.display is None
    saved = json.loads(phone.sign_in.save)
    assert saved["participant"] == phone.participant and len(saved["token"]) == 32
    assert "Waiting for the facilitator" in _text(phone.body)


def test_a_reload_rejoins_with_the_saved_sign_in(ws: Workshop, db_path: Path) -> None:
    phone = _phone(ws, db_path)
    _join(phone, ws.state.join_code)
    saved = phone.sign_in.save
    reloaded = _phone(ws, db_path)
    reloaded.sign_in.stored = saved  # what the browser sends from its storage
    assert reloaded.participant == phone.participant
    forged = json.dumps({"workshop": ws.slug, "participant": phone.participant, "token": "0" * 32})
    stranger = _phone(ws, db_path)
    stranger.sign_in.stored = forged
    assert stranger.participant is None and stranger.sign_in.save == "", "a bad sign-in is dropped"


def test_the_room_follows_the_facilitator_and_votes(ws: Workshop, db_path: Path) -> None:
    tid = ws.add_tree("Quotes wait 3 days for sign-off")
    cause = ws.add_why(tid, None, "Nobody may sign but the manager", confidence="fact")
    ws.mark_root_cause(tid, cause)
    ws.add_why(tid, None, "Managers are on the road")
    panel = _room(ws)
    phone = _phone(ws, db_path)
    _join(phone, ws.state.join_code)

    # The facilitator shows the tree: the phone can add an answer; others' answers stay hidden.
    find(panel.widget, widgets.Button, description="Show now")[0].click()
    phone.ws.refresh()
    assert "Why? Quotes wait 3 days" in _text(phone.body)
    assert "Managers" not in _text(phone.body) and "Nobody may sign" not in _text(phone.body)
    why = find(phone.body, widgets.Text, "sk-why")[0]
    type_into(why, "Signing limits were never set")
    ws.refresh()
    assert "Signing limits were never set" in [n.answer for n in ws.tree(tid).visible_nodes()]
    assert "Signing limits were never set" in _text(phone.body), "your own answers are listed"
    assert why.value == "", "the box is ready for the next answer"

    # Someone else answers while this phone is typing: the boxes stay (a redrawn box would lose
    # what the browser holds before Enter), and so does what they hold.
    evidence = find(phone.body, widgets.Text, description="Evidence")[0]
    evidence.value = "Half-typed"
    ws.add_why(tid, None, "A third answer")
    phone.ws.refresh()
    assert find(phone.body, widgets.Text, "sk-why")[0] is why
    assert find(phone.body, widgets.Text, description="Evidence")[0].value == "Half-typed"
    assert "A third answer" not in _text(phone.body)

    # Revealed: everyone's answers, and answering under them.
    ws.set_control(f"five_whys:{tid}", revealed=True)
    phone.ws.refresh()
    assert "Managers are on the road" in _text(phone.body) and "(yours)" in _text(phone.body)
    under = find(phone.body, widgets.Dropdown)[0]
    assert "Managers are on the road" in [label for label, _ in under.options]

    # Closed: the form goes, and the workshop refuses a page that tries anyway.
    ws.set_control(f"five_whys:{tid}", state="closed")
    phone.ws.refresh()
    assert "closed for new answers" in _text(phone.body)
    with pytest.raises(AccessDenied, match="not open for answers"):
        phone.ws.contribute_why(tid, None, "Sneaked in")

    # I'm done is counted on the facilitator's panel.
    phone.done.value = True
    ws.refresh()
    assert "1 done" in str([c.value for c in find(panel.widget, widgets.HTML)])

    # A dot vote on the root causes: dots move, totals stay hidden until shown.
    panel.vote_from.value = f"five_whys:{tid}|root_causes"
    panel.vote_dots.value = 2
    find(panel.widget, widgets.Button, description="Start dot vote")[0].click()
    phone.ws.refresh()
    assert "You have <b>2</b> of 2 dots left" in _text(phone.body)
    plus = find(phone.body, widgets.Button, description="+")
    assert len(plus) == 1, "one option: the one root cause"
    plus[0].click()
    plus = find(phone.body, widgets.Button, description="+")[0]
    plus.click()
    assert find(phone.body, widgets.Button, description="+")[0].disabled, "no dots left"
    ws.refresh()
    assert "Totals hidden" in str([c.value for c in find(panel.widget, widgets.HTML)])
    find(panel.widget, widgets.Button, description="Show totals")[0].click()
    assert "2 · Nobody may sign but the manager" in str(
        [c.value for c in find(panel.widget, widgets.HTML)]
    )
    phone.ws.refresh()
    assert "2 in all" in str([c.value for c in find(phone.body, widgets.HTML)])


def test_the_timer_and_controls_from_the_panel(ws: Workshop, db_path: Path) -> None:
    ws.add_tree("Orders ship late")
    panel = _room(ws)
    panel.minutes.value = 2
    type_into(panel.timer_label, "Silent writing")
    find(panel.widget, widgets.Button, description="Start timer")[0].click()
    assert panel.countdown.active and panel.countdown.running
    assert 115 <= panel.countdown.left <= 120 and panel.countdown.label == "Silent writing"
    find(panel.widget, widgets.Button, description="Pause timer")[0].click()
    assert not panel.countdown.running
    phone = _phone(ws, db_path)
    _join(phone, ws.state.join_code)
    assert phone.countdown.active and not phone.countdown.running
    find(panel.widget, widgets.Button, description="Stop timer")[0].click()
    assert not panel.countdown.active
    panel.phase.value = "vote"
    assert ws.state.phase == "vote"
    phone.ws.refresh()
    assert "<span class='sk-phase'>Vote</span>" in phone.who.value, "phones show the phase"
    state = find(panel.exercises, widgets.Dropdown)[0]
    state.value = "hidden"
    target = next(iter(ws.state.room.controls))
    assert ws.state.room.control(target).state == "hidden"


def test_the_participant_page_loads_no_heavy_library(tmp_path: Path) -> None:
    """A phone's kernel stays small: a vote and a tree drawn, no pandas, altair or networkx."""
    code = (
        "from servicekit import create_workshop\n"
        "from servicekit.ui.apps.participant import ParticipantApp\n"
        "ws = create_workshop('x', 'X')\n"
        "tid = ws.add_tree('P')\n"
        "ws.add_vote('V', [{'id': 'a', 'label': 'A'}], show=True)\n"
        "app = ParticipantApp(ws.journal)\n"
        "pid, token = ws.join_with_code(ws.state.join_code, 'Ana')\n"
        "app._rejoin('x', pid, token)\n"
        "ws.show(f'five_whys:{tid}')\n"
    )
    assert heavy_modules_after(code, tmp_path / "p.db") == []


def test_the_questionnaire_page_takes_the_saved_sign_in(ws: Workshop, db_path: Path) -> None:
    from servicekit.ui.apps.survey_participant import SurveyParticipantApp

    sid = ws.add_survey(
        "Check", [], [{"id": "q", "text": "Where does work wait?", "kind": "open"}], survey_id="s"
    )
    phone = _phone(ws, db_path)
    type_into(phone.department, "Sales")
    _join(phone, ws.state.join_code)
    saved = phone.sign_in.save

    def survey_page() -> SurveyParticipantApp:
        page = SurveyParticipantApp(
            open_workshop(ws.slug, db=Journal(db_path), actor="participant-page"), sid
        )
        page.sign_in.stored = saved  # what the browser hands over
        return page

    first = survey_page()
    assert first.answer_box.layout.display is None, "no second join: straight to the questions"
    type_into(find(first.questions, widgets.Textarea)[0], "At the handover to delivery")
    again = survey_page()  # a reload
    assert again.respondent == first.respondent
    assert find(again.questions, widgets.Textarea)[0].value == "At the handover to delivery"
    ws.refresh()
    [respondent] = ws.survey(sid).respondents.values()
    assert respondent.participant == phone.participant and respondent.department == "Sales"


def test_a_questionnaire_join_is_remembered_and_a_team_is_asked_once(
    ws: Workshop, db_path: Path
) -> None:
    from servicekit.ui.apps.survey_participant import SurveyParticipantApp

    sid = ws.add_survey("Check", [], [{"id": "q", "text": "Q?", "kind": "open"}], survey_id="s")
    phone = _phone(ws, db_path)  # joined on the participant page without a team
    _join(phone, ws.state.join_code, "Ana")
    page = SurveyParticipantApp(open_workshop(ws.slug, db=Journal(db_path)), sid)
    page.sign_in.stored = phone.sign_in.save
    assert page.answer_box.layout.display == "none" and page.code.layout.display == "none"
    type_into(page.department, "Ops")
    find(page.widget, widgets.Button, description="Join")[0].click()
    assert page.answer_box.layout.display is None
    ws.refresh()
    assert len(ws.state.participants) == 1, "the same person, now with a team"
    assert ws.state.participants[phone.participant].department == "Ops"
    assert ws.state.participants[phone.participant].name == "Ana"
    assert json.loads(page.sign_in.save)["participant"] == phone.participant


def test_the_code_picks_the_workshop(ws: Workshop, db_path: Path) -> None:
    from servicekit import create_workshop

    other = create_workshop("other-room", "Other room", db=Journal(db_path))
    phone = _phone(ws, db_path)
    _join(phone, f" {other.state.join_code.lower()} ")
    assert phone.ws is not None and phone.ws.slug == "other-room"
    assert json.loads(phone.sign_in.save)["workshop"] == "other-room"
    assert "Other room" in phone.who.value
    reloaded = _phone(ws, db_path)
    reloaded.sign_in.stored = phone.sign_in.save
    assert reloaded.ws is not None and reloaded.ws.slug == "other-room"

    only = ParticipantApp(Journal(db_path), workshop=ws.slug)  # a page for one workshop
    _join(only, other.state.join_code)
    assert only.participant is None and "is not the code of this workshop" in _text(only.widget)
    only.sign_in.stored = phone.sign_in.save
    assert only.participant is None and only.sign_in.save == "", "another room's sign-in is dropped"


def test_the_questionnaire_is_answered_on_the_page(ws: Workshop, db_path: Path) -> None:
    sid = ws.add_survey(
        "Check",
        [],
        [{"id": "q", "text": "Handovers are clear", "kind": "scale"}],
        survey_id="s",
    )
    phone = _phone(ws, db_path)
    type_into(phone.department, "Sales")
    _join(phone, ws.state.join_code)
    ws.show(f"survey:{sid}")
    phone.ws.refresh()
    scale = find(phone.body, widgets.ToggleButtons) or find(phone.body, widgets.Dropdown)
    assert scale, "the question is on the participant's page"
    scale[0].value = 4
    ws.refresh()
    [respondent] = ws.survey(sid).respondents.values()
    assert respondent.participant == phone.participant and respondent.department == "Sales"
    assert ws.survey(sid).answer(respondent.id, "q").value == 4
    assert "How the room answered" not in _text(phone.body)

    ws.set_control(f"survey:{sid}", revealed=True)
    phone.ws.refresh()
    assert "How the room answered" in _text(phone.body) and "4: <b>1</b>" in _text(phone.body)

    ws.set_control(f"survey:{sid}", state="closed")
    phone.ws.refresh()
    assert "The questionnaire is closed" in _text(phone.body)

    anon = ws.add_survey("Anon", [], [{"id": "q", "text": "Q", "kind": "open"}], anonymous=True)
    ws.show(f"survey:{anon}")
    phone.ws.refresh()
    assert f"survey.ipynb?workshop={ws.slug}&amp;survey={anon}" in _text(phone.body)
    assert "anonymous" in _text(phone.body)


def test_a_journey_shows_its_steps_once_revealed(ws: Workshop, db_path: Path) -> None:
    jid = ws.add_journey("Onboarding", [{"id": "s1", "name": "Sign-up"}], ["Sales"])
    ws.add_step(jid, "actual", "Fill in <the form>", stage="s1", owner="Sales", friction=5)
    phone = _phone(ws, db_path)
    _join(phone, ws.state.join_code)
    ws.show(f"journey:{jid}")
    phone.ws.refresh()
    assert "mapping this journey on the main screen" in _text(phone.body)
    assert "the form" not in _text(phone.body)
    ws.set_control(f"journey:{jid}", revealed=True)
    phone.ws.refresh()
    shown = _text(phone.body)
    assert "Fill in &lt;the form&gt; · Sales" in shown and "friction 5/5" in shown


def test_making_toast_maps_stay_private_until_revealed(ws: Workshop, db_path: Path) -> None:
    jid = ws.add_journey("Making toast")
    phones = [_phone(ws, db_path) for _ in range(2)]
    for phone, name in zip(phones, ("Ana", "Bo"), strict=True):
        _join(phone, ws.state.join_code, name)
    ws.show(f"toast:{jid}")
    ana, bo = phones
    for phone, steps in ((ana, ["Get bread", "Toast it", "Butter <it>"]), (bo, ["Toaster on"])):
        phone.ws.refresh()
        for step in steps:
            type_into(find(phone.body, widgets.Text, "sk-new-step")[0], step)
    ana.ws.refresh()
    assert [s.name for s in ana.ws.my_map(jid).steps] == ["Get bread", "Toast it", "Butter <it>"]
    assert "Toaster on" not in _text(ana.body), "nobody sees another map before the reveal"

    # Rename, reorder and delete on the phone: each kept at once.
    boxes = [t for t in find(ana.body, widgets.Text) if t.description.startswith("Step ")]
    type_into(boxes[1], "Toast the bread")
    up = find(ana.body, widgets.Button, tooltip="Move earlier")
    up[2].click()  # "Butter <it>" before "Toast the bread"
    find(ana.body, widgets.Button, tooltip="Delete this step")[0].click()
    ws.refresh()
    assert [s.name for s in ws.journey(jid).private[ana.participant or ""].steps] == [
        "Butter <it>",
        "Toast the bread",
    ]

    # A page cannot write into someone else's map or a closed exercise.
    with pytest.raises(AccessDenied):
        ws.add_to_my_map(jid, "The facilitator is no participant")
    ws.set_control(f"toast:{jid}", state="closed")
    ana.ws.refresh()
    assert find(ana.body, widgets.Text, "sk-new-step")[0].layout.display is not None
    with pytest.raises(AccessDenied, match="not open"):
        ana.ws.add_to_my_map(jid, "Late step")

    ws.set_control(f"toast:{jid}", revealed=True)
    bo.ws.refresh()
    shown = _text(bo.body)
    assert "Map 1" in shown and "Butter &lt;it&gt;" in shown and "Toaster on" in shown
    assert "Ana" not in shown, "phones see the maps without names"


def test_switching_exercises_leaves_no_listener_behind(ws: Workshop, db_path: Path) -> None:
    """Each view the phone drops stops following the workshop: no work piles up over a day."""
    sid = ws.add_survey("Check", [], [{"id": "q", "text": "Q?", "kind": "scale"}], survey_id="s")
    tid = ws.add_tree("Orders ship late")
    phone = _phone(ws, db_path)
    type_into(phone.department, "Sales")
    _join(phone, ws.state.join_code)
    assert phone.ws is not None
    counts = []
    for _ in range(4):
        for target in (f"survey:{sid}", f"five_whys:{tid}", ""):
            ws.show(target)
            phone.ws.refresh()
        counts.append(len(phone.ws._listeners))
    assert counts == [counts[0]] * 4, counts
