"""The "Get notifications on this device" button in Chromium (headless), at 390 px and 1280 px,
on PostgreSQL: where the browser can receive push, the button is there and, pressed, registers
``/sw.js``, subscribes with the practice's VAPID key and posts the subscription, which is then
listed; where it cannot, the button stays hidden and a sentence says why. Axe finds nothing.

Headless Chromium cannot make a real push subscription here (that needs the browser maker's
push service, on the internet), so the page runs against a stubbed ``PushManager``: the script
under test is the real one, and the route and the store behind it are real.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from supple.services import Scope, notify_channels
from tests.clinic_world import ClinicWorld
from tests.test_clinic_signin_browser import LiveClinic, headless_chromium, live_clinic
from tests.test_web_browser import SHOTS

pytestmark = pytest.mark.slow

# A browser whose push works, as far as the page can tell: every call is kept for the test.
STUB = """
(() => {
  const calls = JSON.parse(sessionStorage.getItem("push") || "[]");
  const keep = (call) => {
    calls.push(call);
    sessionStorage.setItem("push", JSON.stringify(calls));
  };
  const subscription = {
    toJSON: () => ({
      endpoint: "https://push.example/send/chromium",
      expirationTime: null,
      keys: { p256dh: "B" + "A".repeat(86), auth: "A".repeat(22) },
    }),
  };
  const pushManager = {
    getSubscription: async () => null,
    subscribe: async (options) => {
      keep(["subscribe", options.userVisibleOnly, options.applicationServerKey.length]);
      return subscription;
    },
  };
  Object.defineProperty(navigator, "serviceWorker", {
    configurable: true,
    value: { register: async (url) => { keep(["register", url]); return { pushManager }; } },
  });
  Notification.requestPermission = async () => { keep(["permission"]); return "granted"; };
})();
"""
NO_PUSH = "delete window.PushManager;"


def _push_keys(world: ClinicWorld) -> None:
    """The practice's VAPID keys, as `supple clinic init` makes them."""
    sealer = world.app.state.roots.sealer()
    notify_channels.ensure_push_keys(Scope.operator(world.store, world.clock), sealer)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveClinic]:
    yield from live_clinic(_push_keys)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from headless_chromium()


def _check(page: Any, name: str, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    results = Axe().run(page)
    page.screenshot(path=str(SHOTS / f"push-{name}-{width}.png"), full_page=True)
    assert results.violations_count == 0, results.generate_report()


def _signed_in_page(live: LiveClinic, chromium: Any, width: int, script: str) -> Any:
    w: ClinicWorld = live.world
    context = chromium.new_context(viewport={"width": width, "height": 844 if width < 600 else 800})
    context.add_init_script(script)
    page = context.new_page()
    page.goto(live.base + "/login")
    page.fill("#email", w.a1.email)
    page.fill("#password", w.a1.password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(live.base + "/account/notifications")
    return page


@pytest.mark.parametrize("width", [390, 1280])
def test_the_button_subscribes_this_device_and_the_channel_is_listed(
    live: LiveClinic, chromium: Any, width: int
) -> None:
    page = _signed_in_page(live, chromium, width, STUB)
    button = page.get_by_role("button", name="Get notifications on this device")
    button.wait_for(state="visible")
    assert not page.is_visible("[data-push-why]")
    _check(page, "ready", width)
    button.click()
    page.wait_for_url(re.compile(r"/account/notifications\?done=added$"))
    calls = page.evaluate("JSON.parse(sessionStorage.getItem('push'))")
    assert ["permission"] in calls and ["register", "/sw.js"] in calls
    assert ["subscribe", True, 65] in calls  # the practice's key, as the 65 bytes of a P-256 point
    assert "push via push.example" in page.content()
    _check(page, "added", width)
    page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_browser_without_push_is_told_why_and_shown_no_button(
    live: LiveClinic, chromium: Any, width: int
) -> None:
    page = _signed_in_page(live, chromium, width, NO_PUSH)
    why = page.locator("[data-push-why]")
    why.wait_for(state="visible")
    assert why.inner_text() == "This browser cannot receive push notifications from a web page."
    assert not page.is_visible("[data-push-button]")
    _check(page, "unsupported", width)
    page.context.close()
