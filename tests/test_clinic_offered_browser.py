"""The client page and the notes page as an admin who is not the client's clinician, in
Chromium at 390 px and 1280 px: only the actions they may take are offered (no Plan & doses,
no Safety, no Mark seen, no note form), and axe finds nothing on either page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from supple.core.safety import QUESTIONS
from tests.clinic_world import ClinicWorld
from tests.test_clinic_signin_browser import LiveClinic, headless_chromium, live_clinic
from tests.test_web_browser import SHOTS

pytestmark = pytest.mark.slow


def _red_flag_for_a1(world: ClinicWorld) -> None:
    answers = {q.id: q.id == QUESTIONS[5].id for q in QUESTIONS}
    assert world.bearer(world.a1).post("/api/v1/screen", json={"answers": answers}).is_success


@pytest.fixture(scope="module")
def live() -> Iterator[LiveClinic]:
    yield from live_clinic(_red_flag_for_a1)


def _as_admin(live: LiveClinic, chromium: Any, width: int) -> Any:
    """A Chromium page holding the admin's sign-in (made through the pages, TOTP included)."""
    w: ClinicWorld = live.world
    signed = w.browser(w.admin)
    context = chromium.new_context(viewport={"width": width, "height": 844 if width < 600 else 800})
    context.add_cookies(
        [{"name": k, "value": v, "url": live.base} for k, v in signed.cookies.items()]
    )
    return context.new_page()


def _check(page: Any, name: str, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    results = Axe().run(page)
    page.screenshot(path=str(SHOTS / f"offered-{name}-{width}.png"), full_page=True)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from headless_chromium()


@pytest.mark.parametrize("width", [390, 1280])
def test_an_unassigned_admin_is_offered_only_reading(
    live: LiveClinic, chromium: Any, width: int
) -> None:
    page = _as_admin(live, chromium, width)
    client = live.world.a1.client_id
    page.goto(f"{live.base}/clinic/clients/{client}")
    assert page.get_by_text("Red flag").count() >= 1
    assert page.locator(f'a[href="/clinic/clients/{client}/prescribe"]').count() == 0
    assert page.locator(f'a[href="/clinic/clients/{client}/safety"]').count() == 0
    assert page.get_by_role("button", name="Mark seen").count() == 0
    _check(page, "admin-client", width)
    page.click(f'a[href="/clinic/clients/{client}/notes"]')
    page.wait_for_url(f"**/clinic/clients/{client}/notes")
    assert page.locator("textarea#body").count() == 0
    assert "you may read them" in page.content()
    _check(page, "admin-notes", width)
    page.context.close()
