"""The questionnaire in Chromium against a real Voila: five phones answer, the dashboard follows live.

Every participant page runs in its own browser context, as separate phones would, and the facilitator's
dashboard stays open, without a reload, while they join and answer.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from servicekit import open_workshop

from .harness import VoilaServer

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import BrowserContext, Dialog, Page

    from .harness import RequestLog

pytestmark = pytest.mark.browser

SURVEY = "pps-check"
EVIL = "<img src=x onerror=alert(1)> <b>bold</b>"
LOAD_MS = 60_000
WAIT_MS = 30_000
TOTAL = ".sk-responses .sk-total b"
HEATMAP_CHART = ".sk-heatmap .vega-embed svg, .sk-heatmap .vega-embed canvas"
FOREIGN_MARKUP = "img[src='x']"


@dataclass
class Participant:
    code: str
    department: str
    name: str
    comment: str
    scores: tuple[int, int]
    page: Page | None = None
    dialogs: list[str] = field(default_factory=list)


def record_dialogs(page: Page, dialogs: list[str]) -> None:
    """Note and dismiss every alert, confirm or prompt the page raises; there should be none."""

    def seen(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)


def start_loading(page: Page, server: VoilaServer, notebook: str) -> None:
    """Ask for the page and return at once, so that several kernels start side by side."""
    page.goto(server.page_url(notebook), wait_until="commit", timeout=LOAD_MS)


def type_join(page: Page, code: str, department: str, name: str = "") -> None:
    page.wait_for_selector(".sk-join input", timeout=LOAD_MS)
    boxes = page.locator(".sk-join input")
    boxes.nth(0).fill(code)  # Join code
    boxes.nth(1).fill(department)  # Department
    if name:
        boxes.nth(2).fill(name)  # Your name
    page.get_by_role("button", name="Join").click()


def wait_for_progress(page: Page, answered: int) -> None:
    """Wait until the page says ``answered`` of its questions are answered; on failure, say what it showed.

    Polled on a timer rather than on animation frames: six pages share two cores, and a page the
    browser deems in the background may get no frames.
    """
    try:
        page.wait_for_function(
            "want => { const p = document.querySelector('.sk-progress');"
            " return p && p.textContent.trim().startsWith(want); }",
            arg=f"{answered} of",
            timeout=WAIT_MS,
            polling=250,
        )
    except Exception as error:
        shown = page.evaluate(
            "() => [...document.querySelectorAll('.sk-progress, .sk-closed, .sk-messages')]"
            ".map(e => e.className + ': ' + e.textContent.trim()).join(' | ')"
        )
        visible = page.evaluate("() => document.visibilityState")
        pytest.fail(
            f"No '{answered} of' progress within {WAIT_MS} ms ({type(error).__name__}); the page "
            f"({visible}) showed: {shown or 'no progress line'}",
            pytrace=False,
        )


def choose(page: Page, question: int, label: str) -> None:
    """Click one scale button of the ``question``-th question showing and wait until it is selected."""
    box = page.locator(".sk-answering .sk-question-box").nth(question)
    button = box.locator(".sk-scale").get_by_role("button", name=label, exact=True)
    button.click()
    page.wait_for_function(
        "b => b.classList.contains('mod-active')",
        arg=button.element_handle(),
        timeout=WAIT_MS,
        polling=250,
    )


def scale_label(value: int) -> str:
    return {1: "1 · Strongly disagree", 5: "5 · Strongly agree"}.get(value, str(value))


def everything_shown(page: Page) -> str:
    """The page's text and the contents of every text box on it."""
    return str(
        page.evaluate(
            "() => [document.body.innerText,"
            " ...Array.from(document.querySelectorAll('textarea, input')).map(e => e.value)].join('\\n')"
        )
    )


def response_total(page: Page) -> int:
    return int(page.locator(TOTAL).inner_text().strip())


def test_five_phones_answer_and_the_dashboard_follows_live(
    page: Page,
    voila_server: VoilaServer,
    new_guarded_context: Callable[[], tuple[BrowserContext, RequestLog]],
) -> None:
    db = voila_server.log_path.parent / "servicekit.db"
    run = uuid.uuid4().hex[:6]
    dashboard_dialogs: list[str] = []
    record_dialogs(page, dashboard_dialogs)

    people = [
        Participant("nbs2026", "Research", f"Ada Brook {run}", EVIL, (1, 2)),
        Participant("NBS2026", f"Harbour Desk {run}", f"Ben Carr {run}", f"queue {run} b", (4, 5)),
        Participant(" NBS2026 ", f"Quay Team {run}", f"Cleo Dunn {run}", f"queue {run} c", (2, 3)),
        Participant("NBS2026", f"Pier Unit {run}", f"Dev Eyre {run}", f"queue {run} d", (5, 4)),
        Participant("NBS2026", "Consulting", f"Eve Ford {run}", f"queue {run} e", (3, 1)),
    ]
    contexts: list[tuple[BrowserContext, RequestLog]] = []

    # The dashboard first, and the count it starts from.
    start_loading(page, voila_server, "survey_dashboard.ipynb")
    # Meanwhile the phones start loading too: each kernel starts while the others are starting.
    for person in people:
        context, log = new_guarded_context()
        contexts.append((context, log))
        person.page = context.new_page()
        record_dialogs(person.page, person.dialogs)
        start_loading(person.page, voila_server, "survey.ipynb")

    page.wait_for_selector(".sk-survey-dashboard", timeout=LOAD_MS)
    page.wait_for_selector(TOTAL, timeout=LOAD_MS)
    before = response_total(page)

    for person in people:
        assert person.page is not None
        type_join(person.page, person.code, person.department, person.name)
    for person in people:
        phone = person.page
        assert phone is not None
        phone.wait_for_selector(".sk-answering .sk-scale", timeout=LOAD_MS)
        wait_for_progress(phone, 0)
        first, second = person.scores
        choose(phone, 0, scale_label(first))
        choose(phone, 1, scale_label(second))
        wait_for_progress(phone, 2)
        comment = (
            phone.locator(".sk-answering .sk-question-box")
            .nth(0)
            .locator("textarea[placeholder='Comment (optional)']")
        )
        comment.fill(person.comment)
        comment.press("Tab")  # the comment is sent when the box loses focus

    # The dashboard, never reloaded, counts exactly five more responses and still shows its heatmap.
    page.wait_for_function(
        "([sel, want]) => { const b = document.querySelector(sel);"
        " return b && parseInt(b.textContent, 10) >= want; }",
        arg=[TOTAL, before + len(people)],
        timeout=WAIT_MS,
    )
    assert response_total(page) == before + len(people)
    page.wait_for_selector(HEATMAP_CHART, timeout=WAIT_MS)

    # What the server stored: each comment as typed, the departments as typed, with each name.
    def stored() -> dict[str, tuple[str, str, tuple[object, object]]]:
        ws = open_workshop(db=db)
        survey = ws.survey(SURVEY)
        found: dict[str, tuple[str, str, tuple[object, object]]] = {}
        for rid, respondent in survey.respondents.items():
            participant = ws.state.participants.get(respondent.participant or "")
            if participant is None or run not in participant.name:
                continue
            answers = survey.answers.get(rid, {})
            first_q, second_q = (q.id for q in survey.questions[:2])
            found[participant.name] = (
                respondent.department,
                answers[first_q].comment if first_q in answers else "",
                (
                    answers[first_q].value if first_q in answers else None,
                    answers[second_q].value if second_q in answers else None,
                ),
            )
        return found

    want = {p.name: (p.department.strip(), p.comment, p.scores) for p in people}
    for _ in range(60):
        if stored() == want:
            break
        page.wait_for_timeout(500)
    assert stored() == want

    # The markup comment reaches the dashboard, if at all, as text.
    page.wait_for_timeout(1500)  # one more poll of the journal after the last comment
    dashboard_text = page.locator(".sk-survey-dashboard").inner_text()
    if "onerror" in dashboard_text:
        assert EVIL in dashboard_text
    assert page.locator(FOREIGN_MARKUP).count() == 0
    assert page.locator(".sk-survey-dashboard b", has_text=re.compile(r"^bold$")).count() == 0

    # Each phone shows its own answers and comment, and nobody else's.
    for person in people:
        phone = person.page
        assert phone is not None
        shown = everything_shown(phone)
        assert person.comment in shown
        for other in people:
            if other is not person:
                assert other.comment not in shown, f"{person.name} sees {other.name}'s comment"
        assert phone.locator(".sk-answering .sk-scale button.mod-active").count() == 2
        assert phone.locator(FOREIGN_MARKUP).count() == 0
        assert person.dialogs == []

    # A sixth phone: a wrong code is refused clearly, then the right one shows a fresh questionnaire.
    context, log = new_guarded_context()
    contexts.append((context, log))
    sixth = context.new_page()
    sixth_dialogs: list[str] = []
    record_dialogs(sixth, sixth_dialogs)
    start_loading(sixth, voila_server, "survey.ipynb")
    sixth.wait_for_selector(".sk-join input", timeout=LOAD_MS)
    labels = sixth.locator(".sk-join").inner_text()
    assert "Your name" in labels and "Role" in labels, (
        "the sample is not anonymous: names are asked"
    )
    type_join(sixth, "WRONG1", "Finance", f"Fay Gale {run}")
    sixth.wait_for_selector(".sk-messages :text('does not match this workshop')", timeout=WAIT_MS)
    assert sixth.locator(".sk-answering").is_hidden()
    assert sixth.locator(".sk-scale").count() == 0
    assert sixth.locator(".sk-join").is_visible()

    sixth.locator(".sk-join input").nth(0).fill("NBS2026")
    sixth.get_by_role("button", name="Join").click()
    sixth.wait_for_selector(".sk-answering .sk-scale", timeout=LOAD_MS)
    wait_for_progress(sixth, 0)
    sixth.wait_for_function(  # the message clears when the join succeeds, after the page redraws
        "() => document.querySelector('.sk-messages').innerText.trim() === ''", timeout=WAIT_MS
    )
    assert sixth.locator(".sk-scale button.mod-active").count() == 0
    shown = everything_shown(sixth)
    for person in people:
        assert person.comment not in shown
    assert sixth.locator(FOREIGN_MARKUP).count() == 0

    # Nothing anywhere popped up a dialog, and the count did not move for a page that only joined.
    assert sixth_dialogs == []
    assert dashboard_dialogs == []
    page.wait_for_timeout(1500)
    assert response_total(page) == before + len(people)
    assert page.locator(FOREIGN_MARKUP).count() == 0

    # Leaving each page lets it shut its kernel down, as a closing tab would.
    for context, log in contexts:
        for opened in context.pages:
            opened.goto("about:blank")
        log.check()


def test_an_anonymous_questionnaire_stores_no_name(page: Page, voila_server: VoilaServer) -> None:
    db = voila_server.log_path.parent / "servicekit.db"
    setup = open_workshop(db=db, actor="setup")
    survey = f"anon-{uuid.uuid4().hex[:6]}"
    setup.add_survey(
        "Anonymous check",
        [{"id": "people", "title": "People"}],
        [{"id": "qa", "text": "We share context across teams", "lens": "people"}],
        anonymous=True,
        survey_id=survey,
    )
    participants_before = set(setup.state.participants)
    page.goto(voila_server.page_url("survey.ipynb") + f"?survey={survey}")
    page.wait_for_selector(".sk-join")
    assert page.get_by_text("This questionnaire is anonymous").count() == 1
    assert page.locator(".sk-join input").count() == 2, "only the join code and the department"
    inputs = page.locator(".sk-join input")
    inputs.nth(0).fill("NBS2026")
    inputs.nth(1).fill("Legal")
    page.get_by_role("button", name="Join").click()
    page.locator(".sk-scale button", has_text="4").first.click()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        setup.refresh()
        if setup.survey(survey).answers:
            break
        time.sleep(0.5)
    stored = setup.survey(survey)
    (respondent,) = stored.respondents.values()
    assert (respondent.department, respondent.role, respondent.participant) == ("Legal", "", None)
    assert [a.value for a in stored.answers[respondent.id].values()] == [4]
    assert set(setup.state.participants) == participants_before, (
        "no participant, so no name, was stored"
    )
