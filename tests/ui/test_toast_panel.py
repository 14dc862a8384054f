"""The facilitator's Making Toast tab on the journey page, headless, on one real database."""

from __future__ import annotations

import ipywidgets as widgets
from helpers import find

from servicekit import Workshop
from servicekit.ui.apps.journey_map import JourneyMapApp

MAPS = {
    "Ana": ["Get bread", "Toast bread", "Butter toast"],
    "Bo": ["Get bread", "Toast the bread", "Butter toast", "Eat <it>"],
    "Cy": ["Plug in toaster", "get bread", "toast bread"],
}


def _map_privately(ws: Workshop, jid: str) -> dict[str, str]:
    ids = {}
    for name, steps in MAPS.items():
        pid = ws.join(name)
        ids[name] = pid
        ws.actor = pid
        for step in steps:
            ws.add_to_my_map(jid, step)
    ws.actor = "facilitator"
    return ids


def test_the_reveal_compares_the_maps_and_promotes_the_consensus(ws: Workshop) -> None:
    jid = ws.add_journey("Making toast")
    _map_privately(ws, jid)
    app = JourneyMapApp(ws, jid)
    panel = app.toast
    assert "<b>3</b> people have mapped <b>10</b> steps" in panel.status.value
    assert panel.compared.layout.display == "none", "nothing on the projector before the reveal"
    assert "Eat" not in panel.findings.value

    panel.reveal.value = True  # the facilitator presses Reveal
    assert ws.state.room.control(f"toast:{jid}").revealed
    shown = panel.findings.value
    assert panel.compared.layout.display is None
    assert "<b>3</b> maps" in shown
    consensus = shown.split("<ol class='sk-consensus'>")[1].split("</ol>")[0]
    assert [part.split(" <span")[0] for part in consensus.split("<li>")[1:]] == [
        "Get bread",
        "Toast bread",
        "Butter toast",
    ]
    assert "Eat &lt;it&gt;" in shown and "<it>" not in shown  # participant text stays text
    assert "Plug in toaster" in shown  # in one person's head
    assert "Cy" not in shown, "no names until the facilitator asks for them"
    for chart in (panel.maps, panel.consensus):
        [item] = chart.outputs
        assert "application/vnd.vegalite.v5+json" in item["data"], "drawn as a chart"
    assert "Cy" not in str(panel.maps.outputs)
    panel.names.value = True
    assert "(Cy)" in panel.findings.value and "(Bo)" in panel.findings.value

    # Promote: a second click confirms; the real map becomes the consensus; undo restores it.
    ws.add_step(jid, "actual", "What was there before")
    promote = find(panel.widget, widgets.Button, description="Make the consensus the real map")[0]
    promote.click()
    assert [s.name for s in ws.journey(jid).actual.steps] == ["What was there before"]
    promote.click()
    assert [s.name for s in ws.journey(jid).actual.steps] == [
        "Get bread",
        "Toast bread",
        "Butter toast",
    ]
    assert app.layer == "actual" and "consensus: 3 steps" in app.messages.widget.value
    ws.undo()
    assert [s.name for s in ws.journey(jid).actual.steps] == ["What was there before"]


def test_promoting_with_no_maps_says_why(ws: Workshop) -> None:
    jid = ws.add_journey("Nobody mapped")
    app = JourneyMapApp(ws, jid)
    app.toast.reveal.value = True
    promote = find(app.toast.widget, widgets.Button, description="Make the consensus the real map")
    promote[0].click()
    promote[0].click()
    assert "no consensus to promote" in app.messages.widget.value
    assert ws.journey(jid).actual.steps == ()
