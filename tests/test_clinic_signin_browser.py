"""The clinic's sign-in pages in a real browser (Chromium, headless), at 390 px and 1280 px: an
invited clinician sets a password, scans nothing but types the key's code, keeps the recovery
codes, lists their sign-ins, signs out, is refused a wrong password, signs in again with a
code; axe finds nothing on any of these pages and each is photographed. On PostgreSQL."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from supple.accounts import totp
from supple.core.access import Role
from supple.services import Scope, clinic_accounts
from tests.clinic_world import ClinicWorld, build_world, postgres_url
from tests.test_web_browser import CHROMIUM, SHOTS, _browser_or_skip

pytestmark = pytest.mark.slow
PASSWORD = "willow canyon breeze"


class LiveClinic:
    """A clinic world served over HTTP on a free loopback port."""

    def __init__(self, world: ClinicWorld) -> None:
        import uvicorn

        self.world = world
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(world.app, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


def live_clinic(seed: Callable[[ClinicWorld], object] | None = None) -> Iterator[LiveClinic]:
    """A fresh clinic on PostgreSQL, seeded by ``seed`` if given, served over HTTP until the
    module is done: the body of every clinic browser module's ``live`` fixture."""
    _browser_or_skip()
    for url in postgres_url():
        world = build_world(url)
        if seed is not None:
            seed(world)
        server = LiveClinic(world)
        try:
            yield server
        finally:
            server.stop()
            world.close()
            world.store.dispose()


def headless_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, for one module's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live() -> Iterator[LiveClinic]:
    yield from live_clinic()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium()


def _check(page: Any, name: str, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    results = Axe().run(page)
    page.screenshot(path=str(SHOTS / f"clinic-{name}-{width}.png"), full_page=True)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "dark")])
def test_a_clinician_is_invited_enrols_and_signs_in_again(
    live: LiveClinic, browser: Any, width: int, scheme: str
) -> None:
    w = live.world
    added = clinic_accounts.add_user(
        Scope.operator(w.store, w.clock),
        role=Role.CLINICIAN,
        email=f"cleo{width}@riverside.test",
        name="Cleo Marsh",
        base_url=live.base,
    )
    assert added.invite is not None
    context = browser.new_context(
        service_workers="block",
        viewport={"width": width, "height": 844 if width < 600 else 800},
        color_scheme=scheme,
    )
    page = context.new_page()
    page.goto(added.invite.url)
    assert "Cleo Marsh" in page.content()
    _check(page, "invite", width)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/login/enrol$"))
    assert page.locator(".qr svg").count() == 1
    _check(page, "enrol", width)
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.fill("#code", totp.code_at(secret, totp.step_at(w.clock.now())))
    page.click("button[type=submit]")
    page.wait_for_selector("ol.codes")
    assert page.locator("ol.codes li").count() == 10
    _check(page, "recovery", width)
    page.goto(live.base + "/account")
    assert "Where you are signed in" in page.content()
    _check(page, "account", width)
    page.click("text=Change your password")
    page.wait_for_url(re.compile(r"/account/password$"))
    _check(page, "password", width)
    if not page.is_visible("header form.nav-form.wide button"):  # a phone: Sign out is in the menu
        page.click("header details.menu summary")
    page.click("header form.nav-form button:visible")
    page.wait_for_url(re.compile(r"/login\?signed_out=1$"))
    _check(page, "login", width)
    page.fill("#email", f"cleo{width}@riverside.test")
    page.fill("#password", "not my password")
    page.click("main button[type=submit]")
    page.wait_for_selector("#login-error")
    _check(page, "login-refused", width)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/login/two-factor$"))
    _check(page, "two-factor", width)
    w.clock.advance(timedelta(seconds=totp.STEP_SECONDS))
    page.fill("#code", totp.code_at(secret, totp.step_at(w.clock.now())))
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/clinic"))
    page.goto(added.invite.url)
    assert "does not work any more" in page.content()
    _check(page, "invite-gone", width)
    context.close()
