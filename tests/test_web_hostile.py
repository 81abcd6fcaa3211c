"""A plan made of hostile strings (``<!--<script>``, ``</script>``, ``&``, U+2028, quotes) shown
on every page in Chromium: no page breaks, the player's script loads and shows the first step,
and the browser reports no Content-Security-Policy violation (a screenshot of each page, at a
phone's and a laptop's size, is kept to look at)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from supple import services
from supple.store.database import open_store
from tests.conftest import local_scope
from tests.test_web_browser import PAGES, SHOTS, Server, browser  # noqa: F401 (the fixture)
from tests.test_web_browser import TODAY as TODAY

pytestmark = pytest.mark.slow
PLAN = Path("src/supple/content/plans/stretch-and-strengthen.yaml")
HOSTILE = "x<!--<script>window.__hostile=1</script>&amp; \u2028 \" ' </p>"
QUOTED = HOSTILE.replace("\u2028", "\\u2028").replace('"', '\\"')  # YAML double-quoted
SIZES = [(390, 844), (1280, 800)]
NOT_FOUND = {"/no-such-page"}  # pages in PAGES that answer 404 on purpose


def hostile_plan() -> str:
    text = re.sub(r", notes: (\"[^\"]*\"|[^,}]+)", "", PLAN.read_text())
    text = re.sub(
        r"\{exercise: ([a-z-]+), ", lambda m: f'{{exercise: {m[1]}, notes: "{QUOTED}", ', text
    )
    return re.sub(
        r"^(\s+)title: (.+)$", lambda m: f'{m[1]}title: "{m[2]} {QUOTED}"', text, flags=re.M
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "web.db", profile=True)
    store = open_store(server.url)
    scope = local_scope(store)
    services.use_plan_text(scope, hostile_plan(), "hostile.yaml")
    services.record_morning(scope, date.fromisoformat(TODAY), pain=2, stiffness=3)  # a report
    store.dispose()
    yield server
    server.stop()


def _visit(
    browser: Any, server: Server, path: str, size: tuple[int, int]
) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(
        service_workers="block", viewport={"width": size[0], "height": size[1]}
    )
    page = context.new_page()
    problems: list[str] = []
    own = server.base + path

    def on_console(message: Any) -> None:
        # The 404 page's own status is what it is for; any other error is a problem.
        answered_404 = path in NOT_FOUND and message.location.get("url") == own
        if message.type == "error" and not (answered_404 and "404" in message.text):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server.base + path)
    return context, page, problems


@pytest.mark.parametrize("path", PAGES)
def test_every_page_stands_a_hostile_plan_without_a_policy_violation(
    browser: Any, hostile: Server, path: str
) -> None:
    name = "hostile-" + (path.strip("/").replace("/", "-").replace("?", "-") or "today")
    for size in SIZES:
        context, page, problems = _visit(browser, hostile, path, size)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__hostile === undefined")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{size[0]}.png"), full_page=True)
        context.close()
        assert problems == [], problems


def test_the_player_runs_with_a_hostile_plan(browser: Any, hostile: Server) -> None:
    context, page, problems = _visit(browser, hostile, "/play", SIZES[0])
    data = page.evaluate("() => JSON.parse(document.getElementById('data').textContent)")
    assert data["title"].endswith(HOSTILE)
    page.click("#start")
    page.click("#before button[value=skip]")
    page.wait_for_selector("#pause:not([hidden])")
    first = data["steps"][0]
    assert first["exercise_name"] in page.locator("#player").inner_text()
    context.close()
    assert problems == [], problems
