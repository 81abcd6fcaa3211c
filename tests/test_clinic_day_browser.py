"""A clinician's day in two real browsers (Chromium, headless), on PostgreSQL.

The clinician signs in with a password and a TOTP code, finds a client in the needs-attention
queue, opens their record and sets a dose with a reason. In a second browser the client signs
in, sees that dose with who set it and why, starts the session and rates an exercise 8 out of
10; the session stops for pain and the clinician's dashboard shows the new alert. Axe finds
nothing on any page on the way; each is photographed (clinician at 1280 px, client at 390 px,
and the dashboard again at 390 px, as on a phone between appointments).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from supple import services
from supple.services import Actor, Scope
from supple.services.checkins import record_morning
from tests.clinic_world import ClinicWorld
from tests.test_clinic_signin_browser import LiveClinic, headless_chromium, live_clinic
from tests.test_web_browser import SHOTS

pytestmark = pytest.mark.slow
REASON = "a smaller range while the back settles"


def _flag_a1(w: ClinicWorld) -> None:
    """A baseline on Monday; morning pain 1 on Monday, 4 on Tuesday: three points up, so pain
    did not settle."""
    assert w.a1.client_id is not None
    scope = Scope(w.store, Actor("client", w.a1.user.id), w.a1.client_id, w.clock)
    record_morning(scope, date(2026, 11, 2), pain=1, stiffness=2)
    record_morning(scope, date(2026, 11, 3), pain=4, stiffness=3)
    services.record_week(
        scope, date(2026, 11, 2), pain=3, psfs={"tie shoes": 4, "sit 1 hour": 3, "lift child": 5}
    )


@pytest.fixture(scope="module")
def live() -> Iterator[LiveClinic]:
    yield from live_clinic(_flag_a1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium()


def _look(page: Any, name: str) -> None:
    """Axe on the page as it is now, and a photograph of it, named with the viewport width."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    results = Axe().run(page)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"clinic-day-{name}-{width}.png"), full_page=True)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def _words(page: Any, selector: str = "main") -> str:
    return " ".join(page.inner_text(selector).split())


def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def test_a_clinician_adjusts_a_flagged_client_who_then_stops_for_pain_and_raises_an_alert(
    live: LiveClinic, browser: Any
) -> None:
    w = live.world
    a1 = w.a1.client_id
    staff = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    desk = staff.new_page()

    # Morning: password, then the code from the phone.
    _sign_in(desk, live.base, w.clin_a.email, w.clin_a.password)
    desk.wait_for_url(re.compile(r"/login/two-factor$"))
    desk.fill("#code", w.code(w.clin_a))
    desk.click("main button[type=submit]")
    desk.wait_for_url(re.compile(r"/clinic$"))
    queue = _words(desk, "#queue")
    assert "A1" in queue and "did not settle" in queue, queue
    _look(desk, "dashboard")

    # The flagged client's record, then the dose.
    desk.locator("#queue").get_by_role("link", name="A1").first.click()
    desk.wait_for_url(re.compile(rf"/clinic/clients/{a1}$"))
    assert "did not settle" in _words(desk)
    _look(desk, "client")
    desk.get_by_role("link", name="Plan & doses").first.click()
    desk.wait_for_url(re.compile(rf"/clinic/clients/{a1}/prescribe$"))
    desk.select_option("#exercise", "pelvic-tilts")
    desk.fill("#adj-reps", "6")
    desk.fill("#adj-reason", REASON)
    desk.click("text=Set this dose")
    desk.wait_for_load_state()
    assert "The dose was set." in _words(desk)
    _look(desk, "dose-set")

    # The client, on their phone: the dose and its reason, then the session.
    home = browser.new_context(
        viewport={"width": 390, "height": 844}, service_workers="block", reduced_motion="reduce"
    )
    phone = home.new_page()
    _sign_in(phone, live.base, w.a1.email, w.a1.password)
    phone.wait_for_load_state()
    phone.goto(live.base + "/today")
    today = _words(phone)
    assert "3 × 6 reps" in today, today
    assert REASON in today and "set by Ada" in today, today
    _look(phone, "client-today")
    phone.clock.install()
    phone.goto(live.base + "/play")
    phone.click("#start")
    phone.click("#before button[value=skip]")
    phone.wait_for_selector("#pause:not([hidden])")
    phone.click("#hurt")
    phone.locator("#rate").wait_for(state="visible")
    phone.locator("#rate .pick:has(input[value='8'])").click()
    phone.click("#rate-save")
    phone.locator("#end").wait_for(state="visible")
    assert phone.locator("#end-title").inner_text() == "Session stopped for pain"
    phone.clock.run_for(6000)  # the outbox is flushed every 5 s
    phone.wait_for_function("() => document.getElementById('net').textContent === 'Saved'")
    _look(phone, "client-stopped")
    home.close()

    # Back at the desk: the alert is in the queue at once.
    desk.goto(live.base + "/clinic")
    queue = _words(desk, "#queue")
    assert "Stopped for pain" in queue and "8/10" in queue, queue
    _look(desk, "dashboard-alert")
    desk.set_viewport_size({"width": 390, "height": 844})
    desk.reload()
    assert "8/10" in _words(desk, "#queue")
    _look(desk, "dashboard-alert")
    staff.close()
