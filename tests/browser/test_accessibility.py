"""axe-core on every participant and facilitator page: no serious or critical violations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import quality

from servicekit import open_workshop

from .harness import VoilaServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

#: Each page, and what shows that its app has drawn.
PAGES = {
    "start.ipynb": ".sk-room",
    "five_whys.ipynb": ".sk-tree-chart .vega-embed svg",
    "journey_map.ipynb": ".sk-swimlane .vega-embed svg",
    "survey_dashboard.ipynb": ".sk-survey-dashboard",
    "survey.ipynb": ".sk-join",
    "participant.ipynb": ".sk-join",
}


@pytest.mark.parametrize("notebook", list(PAGES))
def test_page_has_no_serious_accessibility_problems(
    page: Page, voila_server: VoilaServer, axe: Any, notebook: str
) -> None:
    page.goto(voila_server.page_url(notebook))
    page.wait_for_selector(PAGES[notebook])
    page.wait_for_timeout(500)  # widgets drawn a moment after the app's first box
    violations = axe(page)
    assert violations == [], quality.format_axe_violations(violations)


def test_the_participant_page_once_joined(page: Page, voila_server: VoilaServer, axe: Any) -> None:
    ws = open_workshop(db=str(voila_server.log_path.parent / "servicekit.db"))
    vid = ws.add_vote(
        "Accessibility check", [{"id": "a", "label": "One"}, {"id": "b", "label": "Two"}], show=True
    )
    page.goto(voila_server.page_url("participant.ipynb"))
    page.get_by_label("Join code").fill(ws.state.join_code)
    page.get_by_label("Team").fill("Research")
    page.get_by_role("button", name="Join").click()
    page.wait_for_selector(".sk-participant-body :text('Accessibility check')")
    found = {"vote": axe(page)}
    ws.remove_vote(vid)

    # Each exercise as a phone shows it: a revealed tree to answer, the questionnaire to fill in.
    tree = next(iter(ws.state.trees))
    survey = next(s for s in ws.state.surveys.values() if not s.anonymous)
    try:
        ws.set_control(f"five_whys:{tree}", revealed=True)
        ws.show(f"five_whys:{tree}")
        page.wait_for_selector(".sk-participant-body .sk-answers li")
        found["tree"] = axe(page)
        ws.show(f"survey:{survey.id}")
        page.wait_for_selector(".sk-participant-body .widget-toggle-buttons")
        page.wait_for_timeout(500)
        found["questionnaire"] = axe(page)
    finally:
        ws.set_control(f"five_whys:{tree}", revealed=False)
        ws.show("")
    problems = {view: v for view, v in found.items() if v}
    assert problems == {}, "\n".join(
        f"{view}: {quality.format_axe_violations(v)}" for view, v in problems.items()
    )
