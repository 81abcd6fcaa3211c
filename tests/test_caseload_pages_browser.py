"""The admin's paginated dashboard in a real browser (Chromium, headless) at 390 px and 1280 px:
axe finds nothing on the first and the last page, and the pages' links lead from one to the
other. Screenshots go to $SUPPLE_SCREENSHOTS (default /tmp/supple-shots)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from supple.services import caseload
from tests.test_clinic_signin_browser import LiveClinic, headless_chromium, live_clinic
from tests.test_web_browser import SHOTS

WIDTHS = ((390, 844), (1280, 900))


@pytest.fixture(scope="module")
def live() -> Iterator[LiveClinic]:
    yield from live_clinic()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium()


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_admins_pages_pass_axe_and_link_to_each_other(
    browser: Any, live: LiveClinic, monkeypatch: pytest.MonkeyPatch, width: int, height: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    monkeypatch.setattr(caseload, "PAGE", 2)  # three clients: two pages
    signed = live.world.browser(live.world.admin)
    context = browser.new_context(
        viewport={"width": width, "height": height}, service_workers="block"
    )
    context.add_cookies(
        [
            {"name": c.name, "value": c.value or "", "domain": "127.0.0.1", "path": "/"}
            for c in signed.cookies.jar
        ]
    )
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        answer = page.goto(live.base + "/clinic")
        assert answer is not None and answer.status == 200
        for name in ("first", "last"):
            results = Axe().run(page)
            page.screenshot(path=str(SHOTS / f"clinic-pages-{name}-{width}.png"), full_page=True)
            assert results.violations_count == 0, results.generate_report()
            if name == "first":
                page.locator("a[rel=next]").first.click()
                page.wait_for_load_state()
                assert "1 client on this page" in page.content()
        page.locator("a[rel=prev]").first.click()
        page.wait_for_load_state()
        assert "2 clients on this page" in page.content()
    finally:
        context.close()
