"""Making Toast in Chromium against a real Voila: three phones map privately, then the reveal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from servicekit import open_workshop

from .harness import VoilaServer

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from .harness import RequestLog

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAPS = {
    "Toast Ana": ["Take bread from the bag", "Put it in the toaster", "Butter the toast"],
    "Toast Bo": ["Get bread", "Toast bread", "Spread butter", "Eat <it>"],
    "Toast Cy": ["Plug in the toaster", "Get bread", "Toast bread"],
}


def test_three_phones_map_privately_and_the_reveal_shows_every_map(
    voila_server: VoilaServer,
    new_guarded_context: Callable[[], tuple[BrowserContext, RequestLog]],
) -> None:
    ws = open_workshop(db=str(voila_server.log_path.parent / "servicekit.db"))
    jid = ws.add_journey("Making toast, as you do it")
    phones: dict[str, Page] = {}
    desk: Page | None = None
    for name in MAPS:
        context, _log = new_guarded_context()
        phone = context.new_page()
        phone.goto(voila_server.page_url("participant.ipynb"))
        phone.get_by_label("Join code").fill(ws.state.join_code)
        phone.get_by_label("Your name").fill(name)
        phone.get_by_role("button", name="Join").click()
        phone.wait_for_selector(f".sk-who :text('{name}')")
        phones[name] = phone
    ws.show(f"toast:{jid}")
    try:
        for name, steps in MAPS.items():
            phone = phones[name]
            box = phone.locator(".sk-new-step input")
            box.wait_for(timeout=30_000)
            for i, step in enumerate(steps):
                box.fill(step)
                box.press("Enter")
                expect(phone.locator(".sk-my-map input").nth(i)).to_have_value(step)

        # Nobody sees anyone else's steps before the reveal.
        for name, phone in phones.items():
            text = phone.locator(".sk-participant-body").inner_text()
            for other, steps in MAPS.items():
                if other != name:
                    assert not any(s in text for s in steps if s not in MAPS[name]), (name, other)

        # The facilitator's journey page, on the projector: counts only, until the reveal.
        context, _log = new_guarded_context()
        desk = context.new_page()
        desk.goto(voila_server.page_url(f"journey_map.ipynb?journey={jid}"))
        desk.get_by_role("tab", name="Making Toast").click()
        desk.wait_for_selector(".sk-toast-status :text('3')")
        assert "Eat <it>" not in desk.locator(".sk-journey-map").inner_text()
        desk.get_by_role("button", name="Reveal every map").click()
        desk.wait_for_selector(".sk-consensus li >> nth=1", timeout=30_000)
        consensus = desk.locator(".sk-consensus").inner_text()
        assert consensus.index("Get bread") < consensus.index("Toast bread")
        assert "Eat <it>" in desk.locator(".sk-toast-findings").inner_text()
        desk.wait_for_selector(".sk-toast-panel .vega-embed svg >> nth=1", timeout=30_000)
        for phone in phones.values():
            phone.wait_for_selector(".sk-toast-maps th >> nth=2", timeout=30_000)
        table = phones["Toast Cy"].locator(".sk-toast-maps").inner_text()
        assert "Eat <it>" in table and "Put it in the toaster" in table
        assert "Toast Ana" not in table, "phones see the maps without names"
        ws.refresh()
        assert sorted(len(layer.steps) for layer in ws.journey(jid).private.values()) == [3, 3, 4]
    finally:
        ws.show("")
        for phone in phones.values():
            phone.goto("about:blank")
        if desk is not None:
            desk.goto("about:blank")
