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
    def __init__(
        self, db: Path, profile: bool, today: str | None = None, prepare: Any = ready_database
    ) -> None:
        import uvicorn

        self.url = f"sqlite:///{db}"
        if profile:
            prepare(self.url)
        # TODAY read at call time: a test may pin another day by patching it
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        # links the app writes (the calendar's) point at this very server
        settings = WebSettings(database_url=self.url, today=today or TODAY, base_url=self.base)
        self.app = create_app(settings)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)

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
    page.wait_for_function("() => document.getElementById('net').textContent === 'Saved'")


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
    _inside(page, "#end-title", target=False)  # the check-in is on screen at once
    _inside(page, "#after-form .pick:has(input[name=rpe][value='10'])", target=True)
    summary = page.locator("#summary").inner_text()
    assert "Hamstring" in summary and "Bird" in summary and "pain 2 out of 10" in summary
    assert page.locator("#player").inner_text().count("✓") == 0
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
    page.goto(ready.base + "/")
    assert "Today's session is done" in page.locator("#h-done").inner_text()
    assert page.get_by_text("Start session").count() == 0
    review = page.get_by_role("link", name="Review today's session")
    review.click()
    assert page.locator(page.url[page.url.index("#") :]).locator(".badge.done").count() == 1


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
    page.wait_for_function("() => document.getElementById('net').textContent.startsWith('Offline')")
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
    "/settings",
    "/rules",
    "/start?again=1",
    "/start/clearance",
    "/play?date=2026-11-20",
    "/no-such-page",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_passes_axe_and_is_photographed(browser: Any, ready: Server, path: str) -> None:
    _axe_and_photograph(browser, ready, path)


def _axe_and_photograph(browser: Any, server: Server, path: str, name: str | None = None) -> None:
    """Axe at 360 px in the light theme and at 1280 px in the dark one (reduced motion), with a
    full-page screenshot of each kept for a person to look at. Two views, not all four pairs:
    contrast depends on the theme and layout on the width, and neither on the other, while
    every extra view costs the suite a browser context, a page load and an axe run."""
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
        page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
        context.close()
        assert results.violations_count == 0, (path, width, scheme, results.generate_report())


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


# --- the player on every screen, reps, keys and end states (issue 12, points 2 to 5) ---------

SIZES = [(360, 640), (390, 844), (768, 1024), (1280, 800)]
STEPS_JS = "JSON.parse(document.getElementById('data').textContent).steps"


def _context(browser: Any, width: int = 390, height: int = 844, scheme: str = "light") -> Any:
    return browser.new_context(
        service_workers="block",
        viewport={"width": width, "height": height},
        color_scheme=scheme,
    )


def _inside(page: Any, selector: str, *, target: bool) -> None:
    """The element is wholly on screen without scrolling, and big enough to tap when asked."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None, f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= size["width"] + 0.5, (selector, box, size)
    assert box["y"] + box["height"] <= size["height"] + 0.5, (selector, box, size)
    if target:
        assert box["width"] >= 48 and box["height"] >= 48, (selector, box)


def _start_player(page: Any, server: Server) -> None:
    page.clock.install()
    page.goto(server.base + "/play")
    page.click("#start")
    page.click("#before button[value=skip]")
    page.wait_for_selector("#pause:not([hidden])")


def _go_to_step(page: Any, kind: str, reps: bool | None = None) -> dict[str, Any]:
    """Skip (with the → key) to the first step of that kind, answering no rating on the way."""
    steps = page.evaluate(STEPS_JS)
    target = next(
        s for s in steps if s["kind"] == kind and (reps is None or (s["reps"] is not None) == reps)
    )
    for _ in range(len(steps)):
        if page.locator("#rate").is_visible():
            page.click("#rate-skip")
        if int(page.evaluate("document.getElementById('player').dataset.step")) == target["index"]:
            break
        page.keyboard.press("ArrowRight")
    assert int(page.evaluate("document.getElementById('player').dataset.step")) == target["index"]
    return dict(target)


def _assert_all_on_screen(page: Any, controls: list[str]) -> None:
    assert page.evaluate("window.scrollY") == 0
    for selector in ("#name", "#where", "#clock", "#cue"):
        _inside(page, selector, target=False)
    for selector in ["#leave", "label[for=voice]", *controls]:
        _inside(page, selector, target=True)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_player_control_and_the_clock_fit_the_screen(
    browser: Any, ready: Server, width: int, height: int
) -> None:
    context = _context(browser, width, height)
    page = context.new_page()
    page.clock.install()
    page.goto(ready.base + "/play")
    _assert_all_on_screen(page, ["#start"])
    page.click("#start")
    page.click("#before button[value=skip]")
    page.wait_for_selector("#pause:not([hidden])")
    live = ["#pause", "#back", "#skip", "#hurt"]
    _assert_all_on_screen(page, live)
    _go_to_step(page, "work", reps=True)
    _assert_all_on_screen(page, [*live, "#done"])
    _go_to_step(page, "rest")
    _assert_all_on_screen(page, [*live, "#less", "#more"])
    context.close()


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_today_shows_start_without_scrolling(
    browser: Any, ready: Server, width: int, height: int
) -> None:
    context = _context(browser, width, height)
    page = context.new_page()
    page.goto(ready.base + "/")
    _inside(page, "a.btn.big", target=True)
    assert page.locator("a.btn.big").inner_text() == "Start session"
    context.close()


# Each page's main control, which must show without scrolling at every size (issue 12, point 2).
MAIN_CONTROLS = [
    ("/", "a.btn.big"),
    ("/settings", "form[action='/settings'] button[type=submit]"),
    ("/checkin", "main form button[type=submit]"),
]


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_nav_keeps_to_one_row_and_each_pages_main_control_shows_without_scrolling(
    browser: Any, ready: Server, width: int, height: int
) -> None:
    context = _context(browser, width, height)
    page = context.new_page()
    for path, control in MAIN_CONTROLS:
        page.goto(ready.base + path)
        _inside(page, control, target=True)
        nav = page.locator("header.top nav").bounding_box()
        assert nav is not None and nav["height"] <= 60, (path, nav)  # one row
        name = path.strip("/") or "today"
        page.screenshot(path=str(SHOTS / f"control-{name}-{width}x{height}.png"))
    if page.locator("header.top .menu").is_visible():  # every page is one tap away
        page.click("header.top .menu summary")
        page.screenshot(path=str(SHOTS / f"menu-{width}x{height}.png"))
        links = page.locator("header.top .menu a")
        assert links.count() == 8
        for n in range(links.count()):
            _inside(page, f"header.top .menu a >> nth={n}", target=False)
        page.locator("header.top .menu a", has_text="History").click()
        assert page.url.endswith("/history")
    else:
        assert width >= 992 and page.locator("header.top nav > a.wide").count() == 7
    context.close()


def test_a_rep_set_counts_each_rep_at_tempo_and_names_its_phase(
    browser: Any, ready: Server
) -> None:
    context = _context(browser)
    page = context.new_page()
    page.add_init_script(
        """window.__spoken = []; window.__tones = 0;
        speechSynthesis.speak = (u) => window.__spoken.push(u.text);
        const make = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () {
          window.__tones++; return make.call(this);
        };"""
    )
    _start_player(page, ready)
    hold = _go_to_step(page, "work", reps=False)
    assert page.locator("#unit").inner_text() == "seconds left"
    page.clock.run_for(3000)
    assert page.locator("#clock").inner_text() == str(hold["seconds"] - 3)  # holds count down
    assert page.locator("#phase").is_hidden()
    reps = _go_to_step(page, "work", reps=True)
    assert reps["exercise_id"] == "pelvic-tilts" and reps["phases"] == [
        ["tilt", 1],
        ["hold", 1],
        ["release", 2],
    ]
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # from here, time is the test's
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")  # the set starts again, on the paused clock
    per = reps["rep_seconds"] * 1000
    assert page.locator("#unit").inner_text().startswith(f"rep 1 of {reps['reps']}")
    tones = page.evaluate("window.__tones")
    page.clock.run_for(3 * per + 500)
    assert page.locator("#clock").inner_text() == "4"
    unit = page.locator("#unit").inner_text()
    left = reps["seconds"] - 3 * reps["rep_seconds"]
    prefix, suffix = f"rep 4 of {reps['reps']} · ", " s left in this set"
    assert unit.startswith(prefix) and unit.endswith(suffix), unit
    assert int(unit[len(prefix) : -len(suffix)]) == left
    assert page.locator("#phase").inner_text() == "Tilt"
    page.clock.run_for(1000)
    assert page.locator("#phase").inner_text() == "Hold"
    page.clock.run_for(1000)
    assert page.locator("#phase").inner_text() == "Release"
    assert page.evaluate("window.__tones") - tones == 3  # a soft tick at reps 2, 3 and 4
    assert {"2", "3", "4"} <= set(page.evaluate("window.__spoken"))
    assert page.locator("#where").inner_text() == f"set 1 of {reps['sets']}"
    assert "min left" in page.locator("#stepof").inner_text()
    page.clock.resume()  # axe waits on timers of its own
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=str(SHOTS / "player-reps.png"))
    page.click("#done")  # finishing a set early stays possible
    assert page.locator("#name").inner_text().startswith("Rest")
    context.close()


def test_keys_work_after_a_click_and_never_press_a_button_twice(
    browser: Any, ready: Server
) -> None:
    context = _context(browser)
    page = context.new_page()
    _start_player(page, ready)
    steps = page.evaluate(STEPS_JS)
    page.click("#skip")
    page.keyboard.press(" ")  # after a click: pauses, not a second skip
    assert page.locator("#pause").inner_text() == "Resume"
    assert page.locator("#cue").inner_text().startswith("Paused.")
    page.clock.run_for(6000)
    _wait_saved(page)
    skipped = [row.step_index for row in ready.rows(session_events) if row.kind == "step_skipped"]
    assert skipped == [0]
    page.keyboard.press(" ")
    assert page.locator("#pause").inner_text() == "Pause"
    assert page.locator("#cue").inner_text() == steps[1]["cue_start"]  # not "Paused." any more
    page.click("#pause")
    page.click("#pause")
    page.keyboard.press("ArrowLeft")  # after a click: back one step
    assert page.locator("#cue").inner_text() == steps[0]["cue_start"]
    page.keyboard.press("h")
    page.locator("#rate").wait_for(state="visible")
    page.click("#rate-skip")
    page.focus("#skip")  # a button reached from the keyboard: Enter presses it, once
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('player').dataset.step") == "1"
    page.keyboard.press("ArrowLeft")
    page.focus("#voice")  # inside a form field the keys are the field's own
    page.keyboard.press("ArrowRight")
    assert page.locator("#cue").inner_text() == steps[0]["cue_start"]
    page.goto(ready.base + "/")  # a session begun and left is offered again, not anew
    assert page.locator("a.btn.big").inner_text() == "Resume session"
    context.close()


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "dark")])
def test_a_session_stopped_for_pain_says_so_why_and_what_to_do(
    browser: Any, ready: Server, width: int, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = _context(browser, width, 844 if width == 390 else 800, scheme)
    page = context.new_page()
    _start_player(page, ready)
    page.keyboard.press("ArrowRight")
    page.click("#hurt")
    page.locator("#rate .pick:has(input[value='8'])").click()
    page.click("#rate-save")
    page.locator("#end").wait_for(state="visible")
    assert page.locator("#end-title").inner_text() == "Session stopped for pain"
    assert "8 out of 10" in page.locator("#stop-why").inner_text()
    assert "ends a session when pain reaches 8 out of 10" in page.locator("#stop-rule").inner_text()
    assert "rest" in page.locator("#stop-advice").inner_text()
    assert "clinician" in page.locator("#stop-advice").inner_text()
    _inside(page, "#end-title", target=False)
    shown = page.locator("#player").inner_text()
    assert "✓" not in shown and "Next up" not in shown and "Session done" not in shown
    assert page.evaluate("document.getElementById('progress').value") < page.evaluate(
        "document.getElementById('progress').max"
    )
    results = Axe().run(page)
    page.screenshot(path=str(SHOTS / f"player-stopped-{width}-{scheme}.png"), full_page=True)
    assert results.violations_count == 0, results.generate_report()
    context.close()
