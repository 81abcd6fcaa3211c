"""The web app in a real browser (Debian's Chromium, headless): first run, a whole session in
the player on a fast-forwarded clock, going offline mid-session, and axe on every page."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from supple.core.safety import QUESTIONS
from supple.store.schema import checkins, session_events, sessions
from supple.web import WebSettings, create_app
from tests.conftest import ready_database

CHROMIUM = "/usr/bin/chromium"
TODAY = "2026-11-03"
SHOTS = Path(os.environ.get("SUPPLE_SCREENSHOTS", "/tmp/supple-shots"))
pytestmark = pytest.mark.slow


def _browser_or_skip() -> None:
    if Path(CHROMIUM).exists() and shutil.which("chromium"):
        return
    message = "Chromium is missing: apt-get install chromium (make test does it as root)"
    if os.environ.get("SUPPLE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


class Server:
    def __init__(self, db: Path, profile: bool) -> None:
        import uvicorn

        self.url = f"sqlite:///{db}"
        if profile:
            ready_database(self.url)
        self.app = create_app(WebSettings(database_url=self.url, today=TODAY))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.app.state.store.dispose()

    def rows(self, table: sa.Table) -> list[Any]:
        with self.app.state.store.read() as conn:
            return list(conn.execute(sa.select(table)))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


def _server(tmp_path: Path, profile: bool) -> Iterator[Server]:
    server = Server(tmp_path / "web.db", profile)
    yield server
    server.stop()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Server]:
    yield from _server(tmp_path, profile=False)


@pytest.fixture
def ready(tmp_path: Path) -> Iterator[Server]:
    yield from _server(tmp_path, profile=True)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(service_workers="block", viewport={"width": 390, "height": 800})
    yield context.new_page()
    context.close()


def _answer_screen(page: Any, server: Server, yes: str | None) -> None:
    page.goto(server.base + "/")
    assert page.url.endswith("/start")
    for q in QUESTIONS:
        page.check(f"input[name='{q.id}'][value='{'yes' if q.id == yes else 'no'}']")
    page.click("button[type=submit]")


def test_first_run_without_a_red_flag_leads_to_today(page: Any, fresh: Server) -> None:
    _answer_screen(page, fresh, yes=None)
    page.fill("#pain", "5")
    for n, (name, rating) in enumerate([("put on socks", 3), ("sit an hour", 4), ("lift", 2)]):
        page.fill(f"#activity{n}", name)
        page.fill(f"#rating{n}", str(rating))
    page.click("button[type=submit]")
    page.fill("#start_date", "2026-11-02")
    page.fill("#session_time", "18:00")
    page.click("button[type=submit]")
    assert page.locator("a.btn.big").inner_text() == "Start session"
    assert "does not replace a doctor" in page.content()


def test_first_run_with_a_red_flag_offers_no_session(page: Any, fresh: Server) -> None:
    _answer_screen(page, fresh, yes="bladder-bowel")
    assert "emergency care" in page.locator("[role=alert]").inner_text()
    page.goto(fresh.base + "/play")
    assert page.locator("#start").count() == 0
    assert "No session" in page.locator("[role=alert]").inner_text()


def _wait_saved(page: Any) -> None:
    page.wait_for_function("document.getElementById('net').textContent === 'Saved'")


def _rate(page: Any, pain: int) -> None:
    page.locator("#rate").wait_for(state="visible")
    page.locator(f"#rate .pick:has(input[value='{pain}'])").click()
    page.click("#rate-save")


def test_a_whole_session_in_the_player_lands_in_history(page: Any, ready: Server) -> None:
    page.clock.install()
    page.goto(ready.base + "/play")
    page.click("#start")
    page.locator("#before").wait_for(state="visible")
    page.locator("#before .pick:has(input[name=pain][value='2'])").click()
    page.locator("#before .pick:has(input[name=stiffness][value='3'])").click()
    page.click("#before button[value=save]")
    page.wait_for_selector("#pause:not([hidden])")
    page.click("#pause")
    assert page.locator("#pause").inner_text() == "Resume"
    page.click("#pause")
    page.click("#skip")
    page.click("#back")
    page.click("#hurt")
    _rate(page, 3)
    total = page.evaluate("JSON.parse(document.getElementById('data').textContent).total_seconds")
    for _ in range(40):
        if not page.locator("#end").is_hidden():
            break
        if page.locator("#rate").is_visible():
            _rate(page, 2)
            continue
        # Done, when it shows; clicked in the page, since the faked clock freezes Playwright's
        # stability check and the button may hide again between looking and clicking.
        page.evaluate("(b => b.hidden || b.click())(document.getElementById('done'))")
        page.clock.run_for(total * 1000 // 20)
    assert page.locator("#end-title").inner_text() == "Session done"
    page.locator("#after-form .pick:has(input[name=rpe][value='6'])").click()
    page.click("#after-form button[type=submit]")
    assert page.locator("#after-saved").inner_text() == "Saved. Thank you."
    page.clock.run_for(6000)  # the outbox is flushed every 5 s, and at once when online
    _wait_saved(page)
    (checkin,) = [row for row in ready.rows(checkins) if row.kind == "session"]
    for _ in range(50):  # the last POST may still be on its way when "Saved" first shows
        if checkin.values.get("rpe") is not None:
            break
        time.sleep(0.1)
        (checkin,) = [row for row in ready.rows(checkins) if row.kind == "session"]
    values = checkin.values
    assert (values["before_pain"], values["before_stiffness"], values["rpe"]) == (2, 3, 6)
    page.goto(ready.base + "/history")
    assert page.locator(".badge.done").count() == 1
    assert page.locator(".calendar .done").count() == 1


def test_events_made_offline_are_stored_once_when_back_online(page: Any, ready: Server) -> None:
    page.clock.install()
    page.goto(ready.base + "/play")
    page.click("#start")
    page.click("#before button[value=skip]")
    page.wait_for_selector("#pause:not([hidden])")
    page.context.set_offline(True)
    for _ in range(6):
        page.click("#skip")
        if page.locator("#rate").is_visible():
            page.click("#rate-skip")
    page.wait_for_function("document.getElementById('net').textContent.startsWith('Offline')")
    queued = int(page.locator("#net").inner_text().split(":")[1].split()[0])
    assert queued >= 6
    page.context.set_offline(False)
    page.clock.run_for(6000)
    _wait_saved(page)
    stored = ready.rows(session_events)
    ids = [row.id for row in stored]
    assert len(ids) == len(set(ids))
    assert sum(1 for row in stored if row.kind == "step_skipped") == 6
    assert len(ready.rows(sessions)) == 1


PAGES = [
    "/",
    "/week",
    "/history",
    "/progress",
    "/checkin",
    "/checkin?kind=week",
    "/exercises",
    "/exercises/bird-dog",
    "/exercises/figures",
    "/plan",
    "/play",
    "/print",
    "/report",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_passes_axe_and_is_photographed(browser: Any, ready: Server, path: str) -> None:
    _axe_and_photograph(browser, ready, path)


def _axe_and_photograph(browser: Any, server: Server, path: str, name: str | None = None) -> None:
    """Axe at 360 px (light) and 1280 px (dark, reduced motion), with a full-page screenshot
    of each kept for a person to look at."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    name = name or path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "today"
    for width, scheme in ((360, "light"), (1280, "dark")):
        context = browser.new_context(
            service_workers="block",
            viewport={"width": width, "height": 800},
            color_scheme=scheme,
            reduced_motion="reduce",
        )
        page = context.new_page()
        page.goto(server.base + path)
        results = Axe().run(page)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        context.close()
        assert results.violations_count == 0, results.generate_report()


def test_the_first_run_screen_passes_axe_and_is_photographed(browser: Any, fresh: Server) -> None:
    _axe_and_photograph(browser, fresh, "/start")


@pytest.mark.parametrize("path", ["/start/baseline", "/start/when"])
def test_the_later_first_run_pages_pass_axe_and_are_photographed(
    browser: Any, ready: Server, path: str
) -> None:
    _axe_and_photograph(browser, ready, path)


def test_the_red_flag_stop_page_passes_axe_and_is_photographed(
    browser: Any, page: Any, fresh: Server
) -> None:
    _answer_screen(page, fresh, yes="night-rest-pain")
    assert "clinician" in page.locator("[role=alert]").inner_text()
    _axe_and_photograph(browser, fresh, "/", name="red-flag-today")
