"""The fitting choices in a real browser: chosen on Today at phone and laptop sizes, carried
into the player and stored with the session; Today with choices under axe in both themes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tests.test_web_browser as web
from supple.store.schema import sessions
from tests.test_web_browser import SHOTS, Server, browser  # noqa: F401  (the fixture)

DAY3 = "2026-11-04"
pytestmark = pytest.mark.slow


@pytest.fixture
def day3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The ready server, with "today" on day 3 (27 minutes, a bench and weights)."""
    monkeypatch.setattr(web, "TODAY", DAY3)
    server = Server(tmp_path / "web.db", profile=True)
    yield server
    server.stop()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_choices_made_on_today_reach_the_player_and_the_stored_session(
    browser: Any,  # noqa: F811
    day3: Server,
    width: int,
    height: int,
) -> None:
    context = browser.new_context(
        service_workers="block", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.goto(day3.base + "/")
    page.click("summary:has-text('Short on time or props?')")
    page.click("a.chip:has-text('15 min')")
    page.click("a.chip:has-text('no bench')")
    assert page.url.endswith(f"/today?date={DAY3}&minutes=15&without=bench")
    assert page.locator(".fit-summary").inner_text().startswith("Fitted to 15 minutes")
    chosen = page.locator("a.chip[aria-current=true]").all_inner_texts()
    assert chosen == ["15 min", "no bench"]
    for chip in page.locator("a.chip").all():
        box = chip.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48
    page.screenshot(path=str(SHOTS / f"today-fitted-{width}.png"))
    page.click("text=Start session")
    assert page.url.endswith(f"/play?date={DAY3}&minutes=15&without=bench")
    page.click("#start")
    page.click("#before button[value=skip]")
    page.wait_for_selector("#pause:not([hidden])")
    (row,) = day3.rows(sessions)
    assert row.timeline["fit"]["minutes"] == 15
    assert row.timeline["fit"]["without"] == ["bench"]
    assert row.timeline["fit"]["seconds"] <= 15 * 60
    context.close()


def test_today_with_choices_passes_axe_in_both_themes(
    browser: Any,  # noqa: F811
    day3: Server,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height, scheme in ((390, 844, "light"), (1280, 800, "dark")):
        context = browser.new_context(
            service_workers="block",
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            reduced_motion="reduce",
        )
        page = context.new_page()
        page.goto(day3.base + "/today?minutes=10&without=bench,weights")
        results = Axe().run(page)
        page.screenshot(path=str(SHOTS / f"today-choices-{width}-{scheme}.png"), full_page=True)
        context.close()
        assert results.violations_count == 0, results.generate_report()
