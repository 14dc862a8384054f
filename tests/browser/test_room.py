"""Running the room in Chromium against a real Voila: keys, joining, rejoining, following."""

from __future__ import annotations

import os
import signal
import time
from typing import TYPE_CHECKING, Any

import pytest

from servicekit import open_workshop

from .harness import VoilaServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _db(server: VoilaServer) -> str:
    return str(server.log_path.parent / "servicekit.db")


def test_facilitator_pages_refuse_a_page_without_the_key(
    page: Page, voila_server: VoilaServer
) -> None:
    for notebook in ("start.ipynb", "five_whys.ipynb", "journey_map.ipynb?key=guess"):
        page.goto(f"{voila_server.url}voila/render/{notebook}")
        page.wait_for_selector(".sk-messages :text('This page is for the facilitator')")
        assert page.locator(".sk-summary, .sk-five-whys, .sk-journey-map, .sk-room").count() == 0


def test_a_participant_joins_rejoins_after_a_reload_and_follows_the_room(
    page: Page, voila_server: VoilaServer
) -> None:
    facilitator = open_workshop(db=_db(voila_server))
    page.goto(voila_server.page_url("participant.ipynb"))
    page.wait_for_selector(".sk-join")
    page.get_by_label("Join code").fill("WRONG9")
    page.get_by_role("button", name="Join").click()
    page.wait_for_selector(".sk-messages :text('is not the code of a workshop here')")

    page.get_by_label("Join code").fill(facilitator.state.join_code.lower())
    page.get_by_label("Your name").fill("Room test <b>Ana</b>")
    page.get_by_role("button", name="Join").click()
    page.wait_for_selector(".sk-who :text('Room test <b>Ana</b>')")
    facilitator.refresh()
    joined = [
        p for p in facilitator.state.participants.values() if p.name == "Room test <b>Ana</b>"
    ]
    assert len(joined) == 1

    page.reload()
    page.wait_for_selector(".sk-who :text('Room test <b>Ana</b>')")  # no join form: signed in again
    assert page.locator(".sk-join").is_hidden()
    facilitator.refresh()
    assert (
        sum(p.name == "Room test <b>Ana</b>" for p in facilitator.state.participants.values()) == 1
    )

    # The facilitator starts a vote and shows it: the page follows within a few seconds.
    vid = facilitator.add_vote(
        "Which join to fix first?",
        [{"id": "a", "label": "Research to Consulting"}, {"id": "b", "label": "Offer to checks"}],
        dots=2,
        show=True,
    )
    page.wait_for_selector(".sk-participant-body :text('Which join to fix first?')", timeout=15_000)
    page.get_by_role("button", name="+").first.click()
    page.wait_for_selector(".sk-dots-left :text('1')")
    facilitator.refresh()
    [pid] = [p.id for p in joined]
    assert facilitator.state.room.vote(vid).ballots == {pid: {"a": 1}}
    assert page.locator("img").count() == 0


def _join(page: Page, server: VoilaServer, code: str, name: str) -> None:
    page.goto(server.page_url("participant.ipynb"))
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    page.wait_for_selector(f".sk-who :text('{name}')")


def _new_kernel(server: VoilaServer, before: set[int], timeout: float = 60) -> int:
    """The kernel process a page just started (preheated pools are off in the test server)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = set(server.kernel_pids()) - before
        if len(new) == 1:
            return new.pop()
        time.sleep(0.2)
    pytest.fail(f"no single new kernel appeared: {sorted(set(server.kernel_pids()) - before)}")


def test_a_killed_kernel_loses_nothing_and_the_room_carries_on(
    voila_server: VoilaServer, new_guarded_context: Any
) -> None:
    facilitator = open_workshop(db=_db(voila_server))
    vid = facilitator.add_vote(
        "Kernel test", [{"id": "a", "label": "First"}, {"id": "b", "label": "Second"}],
        dots=3, show=True,
    )  # fmt: skip
    code = facilitator.state.join_code
    pages = []
    pids = []
    for name in ("Kernel test Cy", "Kernel test Di"):
        context, _log = new_guarded_context()
        page = context.new_page()
        before = set(voila_server.kernel_pids())
        _join(page, voila_server, code, name)
        pids.append(_new_kernel(voila_server, before))
        page.wait_for_selector(".sk-participant-body :text('Kernel test')")
        page.get_by_role("button", name="+").first.click()
        page.wait_for_selector(".sk-dots-left :text('2')")
        pages.append(page)

    os.kill(pids[0], signal.SIGKILL)  # Cy's kernel dies mid-session

    # Di carries on: another dot is stored.
    pages[1].get_by_role("button", name="+").nth(1).click()
    pages[1].wait_for_selector(".sk-dots-left :text('1')")
    # Cy reloads and is back as Cy, with the dot placed before the crash.
    pages[0].reload()
    pages[0].wait_for_selector(".sk-who :text('Kernel test Cy')")
    pages[0].wait_for_selector(".sk-dots-left :text('2')")
    pages[0].get_by_role("button", name="+").nth(1).click()
    pages[0].wait_for_selector(".sk-dots-left :text('1')")

    facilitator.refresh()
    people = {p.name: p.id for p in facilitator.state.participants.values()}
    ballots = facilitator.state.room.vote(vid).ballots
    assert ballots[people["Kernel test Cy"]] == {"a": 1, "b": 1}
    assert ballots[people["Kernel test Di"]] == {"a": 1, "b": 1}
    assert sum(name.startswith("Kernel test") for name in people) == 2, "nobody joined twice"
    facilitator.remove_vote(vid)


def test_large_type_is_one_click_away_and_remembered(page: Page, voila_server: VoilaServer) -> None:
    page.goto(voila_server.page_url("participant.ipynb"))
    page.wait_for_selector(".sk-join")
    size = "() => getComputedStyle(document.querySelector('.sk-join input')).fontSize"
    before = float(page.evaluate(size).rstrip("px"))
    toggle = page.get_by_role("button", name="Larger text")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert float(page.evaluate(size).rstrip("px")) >= before * 1.3
    page.reload()
    page.wait_for_selector(".sk-join")
    assert page.get_by_role("button", name="Larger text").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Larger text").click()  # leave the browser as it was
