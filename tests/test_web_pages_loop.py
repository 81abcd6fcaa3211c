"""The pages around the daily loop, in a real browser: the calendar's links, the 404 page,
History across a month boundary, Progress on a phone, the rules in words, and a later day's
session refused; each page changed here passes axe and is photographed at both widths and in
both themes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import history
from tests.test_web_browser import SHOTS, Server, browser

__all__ = ["browser"]  # the module's Chromium, shared with these tests
pytestmark = pytest.mark.slow
SIZES = ((390, 844), (1280, 800))


@pytest.fixture
def seeded(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """Two weeks of sessions from 2026-11-02; "today" is the test's ``today`` mark or the 14th."""
    mark = request.node.get_closest_marker("today")
    today = mark.args[0] if mark else "2026-11-14"
    server = Server(tmp_path / "web.db", True, today=today, prepare=history.seeded_database)
    yield server
    server.stop()


def _page(browser: Any, width: int = 390, height: int = 844, scheme: str = "light") -> Any:
    context = browser.new_context(
        service_workers="block",
        viewport={"width": width, "height": height},
        color_scheme=scheme,
    )
    return context.new_page()


def _axe_everywhere(browser: Any, server: Server, path: str, name: str) -> None:
    """Axe at zero violations at 390x844 in the light theme and 1280x800 in the dark one, each
    photographed (the theme decides contrast, the width the layout; see test_web_browser)."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    for (width, height), scheme in zip(SIZES, ("light", "dark"), strict=True):
        page = _page(browser, width, height, scheme)
        page.goto(server.base + path)
        results = Axe().run(page)
        page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
        page.context.close()
        assert results.violations_count == 0, (path, width, scheme, results.generate_report())


# --- 1. links from the calendar and paper open pages -------------------------------------------


def _urls_in_exports(browser: Any, server: Server) -> set[str]:
    import io

    import icalendar
    import pypdf

    found: set[str] = set()
    fetch = _page(browser).request
    calendar = icalendar.Calendar.from_ical(fetch.get(server.base + "/calendar.ics?weeks=2").body())
    for event in calendar.walk("VEVENT"):
        if "url" in event:
            found.add(str(event["url"]))
        found.update(re.findall(r"https?://\S+", str(event.get("description", ""))))
    expected = {"/plan.pdf": "/play?date=", "/report?format=pdf": "/rules#rule-"}
    for path, must in expected.items():
        reader = pypdf.PdfReader(io.BytesIO(fetch.get(server.base + path, timeout=60_000).body()))
        linked: set[str] = set()
        for page in reader.pages:
            found.update(re.findall(r"https?://\S+", page.extract_text() or ""))
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A") or {}
                if "/URI" in action:
                    linked.add(str(action["/URI"]))
        # each PDF links into the app, at the configured base URL
        assert any(must in url for url in linked), (path, linked)
        assert all(url.startswith(server.base + "/") for url in linked), (path, linked)
        found |= linked
    return found


def test_every_link_in_the_calendar_and_the_pdfs_opens_a_page(browser: Any, seeded: Server) -> None:
    urls = _urls_in_exports(browser, seeded)
    assert any("/play?date=" in url for url in urls)
    assert any("/rules#rule-" in url for url in urls) and any("/progress" in url for url in urls)
    page = _page(browser)
    for url in sorted(urls):
        page.goto("about:blank")  # a link differing only by its #anchor still loads afresh
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert "text/html" in response.headers["content-type"], url
        assert page.locator("h1").count() >= 1, url
        if "#" in url:  # the anchor is there to land on
            assert page.locator("#" + url.split("#", 1)[1]).count() == 1, url
    later = next(u for u in sorted(urls) if u.endswith("2026-11-20"))
    page.goto(later)
    assert "opens on Friday 20 November" in page.locator("h1").inner_text()


def test_an_unknown_page_is_an_html_page_with_a_way_back_and_the_api_stays_json(
    browser: Any, seeded: Server
) -> None:
    page = _page(browser)
    response = page.goto(seeded.base + "/no-such-page")
    assert response is not None and response.status == 404
    assert "text/html" in response.headers["content-type"]
    assert page.locator("h1").inner_text() == "Page not found"
    page.get_by_role("link", name="Back to today").click()
    assert page.url == seeded.base + "/"
    api = page.goto(seeded.base + "/api/v1/no-such-thing")
    assert api is not None and api.status == 404
    assert api.headers["content-type"].startswith("application/json")
    assert api.json() == {"detail": "Not Found"}


def test_an_old_player_link_still_opens_that_days_player(browser: Any, seeded: Server) -> None:
    page = _page(browser)
    page.goto(seeded.base + "/player?date=2026-11-13")
    assert page.url == seeded.base + "/play?date=2026-11-13"
    assert page.locator("#player").count() == 1


# --- 12. a later day's session cannot be started -----------------------------------------------


@pytest.mark.parametrize(
    ("day", "plays"),
    [("2026-11-07", True), ("2026-11-14", True), ("2026-11-15", False), ("2026-11-20", False)],
    ids=["a past day never played", "today", "tomorrow", "next week"],
)
def test_only_today_and_earlier_days_open_the_player(
    browser: Any, seeded: Server, day: str, plays: bool
) -> None:
    page = _page(browser)
    response = page.goto(seeded.base + f"/play?date={day}")
    assert response is not None and response.status == 200
    heading = page.locator("h1").first.inner_text()
    assert ("opens on" not in heading) is plays
    if not plays:
        assert page.locator("#player").count() == 0
        assert page.get_by_role("link", name="Today's session").count() == 1


# --- 6. History -------------------------------------------------------------------------------


@pytest.mark.today("2026-12-01")
def test_history_on_the_first_of_a_month_shows_the_weeks_before_it(
    browser: Any, seeded: Server
) -> None:
    page = _page(browser)
    page.goto(seeded.base + "/history")
    calendar = page.locator(".calendar")
    assert calendar.locator(".done").count() == 5  # 9 to 13 November
    assert "Done" in page.locator(".legend").inner_text()
    calendar.get_by_role("link", name=re.compile(r"^9\s*Nov")).click()
    note = page.locator("#session-s-2026-11-09")
    assert note.is_visible() and "Monday 09 November" in note.inner_text()
    assert "Dead Bug Exercise: 3 sets done" in note.inner_text()
    page.get_by_role("link", name=re.compile("November 2026")).click()
    assert page.url.endswith("/history?month=2026-11")
    assert page.locator(".calendar .done").count() == 10
    text = page.locator("main").inner_text()
    assert "Side-Lying Clamshells hurt" in text
    assert "side-lying-clamshells" not in text
    page.get_by_role("link", name=re.compile("October 2026")).click()
    assert "No sessions in this span" in page.locator("main").inner_text()
    page.get_by_role("link", name=re.compile("November 2026")).click()
    page.get_by_role("link", name=re.compile("December 2026")).click()
    assert page.url.endswith("/history?month=2026-12")
    assert page.get_by_role("link", name=re.compile("January 2027")).count() == 0


# --- 9. Progress on a phone -------------------------------------------------------------------

TEXT_SIZES = """() => [...document.querySelectorAll('.chart svg')]
  .filter((svg) => svg.getBoundingClientRect().width > 0)
  .flatMap((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim())
      .map((t) => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * scale]);
  })"""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_morning_chart_is_legible_with_real_dates(
    browser: Any, seeded: Server, width: int
) -> None:
    page = _page(browser, width, 800)
    page.goto(seeded.base + "/progress")
    texts = page.evaluate(TEXT_SIZES)
    assert texts, "no chart drawn"
    assert all(size >= 12 for _, size in texts), [t for t in texts if t[1] < 12]
    labels = [text for text, _ in texts]
    assert "2 Nov" in labels or "3 Nov" in labels
    assert not any(re.fullmatch(r"\d\d-\d\d|\d\d-…", text) for text in labels)


def test_adherence_is_drawn_as_a_grid_of_days(browser: Any, seeded: Server) -> None:
    page = _page(browser)
    page.goto(seeded.base + "/progress")
    grid = page.locator(".weekgrid")
    assert grid.is_visible()
    assert grid.locator(".wg.done").count() == 10
    assert grid.locator(".wg.missed").count() == 2  # the 7th and the 8th
    assert "7 Nov: Missed" in grid.inner_text() or "Sat 7 Nov: Missed" in grid.inner_html()


def test_a_morning_check_in_goes_back_to_today(browser: Any, seeded: Server) -> None:
    page = _page(browser)
    page.goto(seeded.base + "/checkin?kind=morning")
    page.fill("#pain", "2")
    page.fill("#stiffness", "3")
    page.click("button[type=submit]")
    assert page.url == seeded.base + "/?saved=morning"
    assert "Morning check-in saved" in page.locator("[role=status]").first.inner_text()


def test_a_plan_upload_result_is_on_screen_when_the_page_opens(
    browser: Any, seeded: Server, tmp_path: Path
) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("format: 1\nname: Mine\nweeks: nope\n")
    page = _page(browser)
    page.goto(seeded.base + "/plan")
    page.set_input_files("#planfile", str(bad))
    page.click("text=Check this plan")
    result = page.locator("#result")
    box = result.bounding_box()
    assert box is not None and 0 <= box["y"] < 844 / 2
    assert "mine.yaml:" in result.inner_text()


# --- 12. the rules in words -------------------------------------------------------------------


@pytest.mark.today("2026-11-11")
def test_a_dose_change_names_its_rule_in_words_and_links_to_it(
    browser: Any, seeded: Server
) -> None:
    page = _page(browser)
    page.goto(seeded.base + "/")
    reasons = page.locator(".reason").all_inner_texts()
    assert reasons and not any(re.search(r"\(rules? \d", r) for r in reasons)
    link = page.locator(".reason a[href^='/rules#rule-']").first
    words = link.inner_text()
    anchor = str(link.get_attribute("href")).split("#")[1]
    link.click()
    assert page.url.endswith(f"/rules#{anchor}")
    assert page.locator(f"#{anchor} h2").inner_text().lower() == words.lower()
    assert "6/10" in page.locator("#rule-1").inner_text()


# --- axe and screenshots of every page changed ------------------------------------------------

CHANGED = [
    ("/history", "history-recent"),
    ("/history?month=2026-11", "history-november"),
    ("/progress", "progress"),
    ("/rules", "rules"),
    ("/play?date=2026-12-05", "play-later"),
    ("/no-such-page", "not-found"),
    ("/plan", "plan"),
    ("/", "today"),
]


@pytest.mark.today("2026-12-01")
@pytest.mark.parametrize(("path", "name"), CHANGED, ids=[n for _, n in CHANGED])
def test_each_changed_page_passes_axe_in_both_themes_and_widths(
    browser: Any, seeded: Server, path: str, name: str
) -> None:
    _axe_everywhere(browser, seeded, path, name)


# --- 8. emergency signs -----------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "web.db", False)
    yield server
    server.stop()


def _answer(page: Any, server: Server, yes: str | None, again: bool = False) -> None:
    from supple.core.safety import QUESTIONS

    page.goto(server.base + ("/start?again=1" if again else "/start"))
    for q in QUESTIONS:
        page.check(f"input[name='{q.id}'][value='{'yes' if q.id == yes else 'no'}']")
    page.click("button[type=submit]")


def test_emergency_signs_read_as_urgent_with_no_clearance_beside_them(
    browser: Any, fresh: Server
) -> None:
    page = _page(browser)
    _answer(page, fresh, yes="bladder-bowel")
    alert = page.locator(".urgent[role=alert]")
    assert alert.locator("h1").inner_text() == "Get emergency care today"
    assert "emergency" in alert.inner_text()
    assert page.locator("form[action='/start/clearance']").count() == 0
    page.goto(fresh.base + "/")  # Today says the same, still without the form
    assert page.locator(".urgent h1").inner_text() == "Get emergency care today"
    assert page.locator("form[action='/start/clearance'], #cleared_on").count() == 0
    page.get_by_role("link", name="Record that a clinician cleared you").click()
    assert page.url.endswith("/start/clearance")
    assert page.locator("form[action='/start/clearance'] input[name=confirm]").count() == 1


def test_the_milder_tier_keeps_its_own_heading_and_the_clearance_form(
    browser: Any, fresh: Server
) -> None:
    page = _page(browser)
    _answer(page, fresh, yes="injury")
    assert page.locator(".urgent").count() == 0
    assert "clinician" in page.locator(".stop[role=alert] h1").inner_text()
    assert page.locator("form[action='/start/clearance']").count() == 1


def test_a_mistapped_answer_can_be_answered_again_and_both_runs_are_kept(
    browser: Any, fresh: Server
) -> None:
    from supple.core.safety import QUESTIONS
    from supple.store.schema import screen_answers

    page = _page(browser)
    _answer(page, fresh, yes="saddle-numbness")
    page.get_by_role("link", name="Answer the questions again").click()
    assert page.url.endswith("/start?again=1")
    _answer(page, fresh, yes=None, again=True)
    rows = fresh.rows(screen_answers)
    runs: dict[str, dict[str, bool]] = {}
    for row in rows:
        runs.setdefault(row.screen_id, {})[row.question_id] = row.answer
    assert len(runs) == 2 and len(rows) == 2 * len(QUESTIONS)
    first, second = sorted(runs.values(), key=lambda answers: not answers["saddle-numbness"])
    assert first["saddle-numbness"] is True and not any(second.values())


@pytest.mark.parametrize("yes", ["bladder-bowel", "injury"])
def test_a_yes_answered_again_as_no_still_blocks_and_the_page_says_why(
    browser: Any, fresh: Server, yes: str
) -> None:
    """CLINICAL.md §1: only a clearance lifts a "yes"; newer answers without one keep the block,
    and the page explains it rather than leaving the person puzzled."""
    page = _page(browser)
    _answer(page, fresh, yes=yes)
    _answer(page, fresh, yes=None, again=True)
    assert page.url == fresh.base + "/"
    why = page.locator(".still-flagged")
    assert why.is_visible()
    text = " ".join(why.inner_text().split())
    assert "newer answers" in text and "have no “yes”" in text
    assert "only a clinician's clearance does" in text
    assert page.locator("#start, a[href^='/play']").count() == 0
    clearance_here = page.locator("form[action='/start/clearance']").count()
    assert clearance_here == (0 if yes == "bladder-bowel" else 1)
    _axe_everywhere(browser, fresh, "/", f"red-flag-again-{yes}")


def test_a_yes_alone_is_not_explained_as_answered_again(browser: Any, fresh: Server) -> None:
    page = _page(browser)
    _answer(page, fresh, yes="injury")
    page.goto(fresh.base + "/")
    assert page.locator(".stop[role=alert]").is_visible()
    assert page.locator(".still-flagged").count() == 0


@pytest.mark.parametrize("yes", ["bladder-bowel", "injury"])
def test_the_red_flag_pages_pass_axe_in_both_themes_and_widths(
    browser: Any, fresh: Server, yes: str
) -> None:
    page = _page(browser)
    _answer(page, fresh, yes=yes)
    _axe_everywhere(browser, fresh, "/", f"red-flag-{yes}")
    if yes == "bladder-bowel":
        _axe_everywhere(browser, fresh, "/start/clearance", "clearance")


# --- 7. first run resumes; the zone comes from the browser; Settings ---------------------------


def _baseline(page: Any) -> None:
    page.fill("#pain", "4")
    for n, name in enumerate(("put on socks", "sit for an hour", "lift a bag")):
        page.fill(f"#activity{n}", name)
        page.fill(f"#rating{n}", "5")
    page.click("button[type=submit]")


def _zone_of(server: Server) -> str:
    from supple.store.schema import profiles

    return str(server.rows(profiles)[0].timezone)


def test_a_first_run_left_half_way_resumes_at_the_missing_step(browser: Any, fresh: Server) -> None:
    context = browser.new_context(service_workers="block", timezone_id="America/New_York")
    page = context.new_page()
    _answer(page, fresh, yes=None)
    assert page.url.endswith("/start/baseline")
    for left_for in ("/", "/progress", "/history"):  # no page pretends the start is done
        page.goto(fresh.base + left_for)
        assert page.url.endswith("/start/baseline"), left_for
    _baseline(page)
    assert page.url.endswith("/start/when")
    page.goto(fresh.base + "/")
    assert page.url.endswith("/start/when")
    assert page.locator("[data-zone-shown]").inner_text() == "America/New_York"
    page.fill("#session_time", "18:15")
    page.click("button[type=submit]")
    assert page.url == fresh.base + "/"
    assert _zone_of(fresh) == "America/New_York"
    page.goto(fresh.base + "/progress")
    assert page.url.endswith("/progress")
    context.close()


def test_a_first_run_resumes_on_another_device_and_keeps_nothing_in_a_cookie(
    browser: Any, fresh: Server
) -> None:
    """Where to resume is read from the stored answers: a second browser with none of the
    first's cookies lands on the same step, and no cookie says where the run stands."""
    first = _page(browser)
    _answer(first, fresh, yes=None)
    assert first.url.endswith("/start/baseline")
    assert not [c for c in first.context.cookies() if "first_run" in c["name"]]
    other = _page(browser, 1280, 800)
    other.goto(fresh.base + "/history")
    assert other.url.endswith("/start/baseline")
    _baseline(other)
    first.goto(fresh.base + "/")
    assert first.url.endswith("/start/when")
    first.goto(fresh.base + "/start/baseline")  # the baseline is set once: on to the next step
    assert first.url.endswith("/start/when")
    other.fill("#session_time", "19:00")
    other.click("button[type=submit]")
    first.goto(fresh.base + "/settings")
    assert first.url.endswith("/settings")
    assert first.input_value("#session_time") == "19:00"


def test_clearing_a_red_flag_in_the_first_run_leads_on_to_the_baseline(
    browser: Any, fresh: Server
) -> None:
    page = _page(browser)
    _answer(page, fresh, yes="injury")
    page.goto(fresh.base + "/")  # held by the flag: Today shows the block, not the baseline
    assert page.url == fresh.base + "/"
    assert "see a doctor" in page.locator(".stop[role=alert]").inner_text()
    page.fill("#cleared_on", "2026-11-02")
    page.click("form[action='/start/clearance'] button[type=submit]")
    assert page.url.endswith("/start/baseline")
    page.goto(fresh.base + "/")
    assert page.url.endswith("/start/baseline")


def test_settings_change_the_zone_and_time_with_the_same_checks_as_init(
    browser: Any, seeded: Server
) -> None:
    page = _page(browser)
    page.goto(seeded.base + "/")
    page.get_by_text("Menu").click()  # on a phone every page but Today is in the menu
    page.get_by_role("link", name="Settings").click()
    assert page.url.endswith("/settings")
    page.fill("#timezone", "Mars/Olympus")
    page.click("form[action='/settings'] button[type=submit]")
    assert "unknown time zone 'Mars/Olympus'" in page.locator("main").inner_text()
    assert _zone_of(seeded) == "Europe/Paris"
    page.goto(seeded.base + "/settings")
    page.fill("#timezone", "Asia/Tokyo")
    page.fill("#session_time", "06:45")
    page.click("form[action='/settings'] button[type=submit]")
    assert page.url.endswith("/settings?saved=1")
    assert page.input_value("#timezone") == "Asia/Tokyo"
    assert page.input_value("#session_time") == "06:45"
    page.get_by_label("Beeps before each change").uncheck()
    assert page.evaluate("localStorage.getItem('supple.sounds')") == "off"
    page.reload()
    assert not page.get_by_label("Beeps before each change").is_checked()


def test_the_device_zone_button_fills_in_the_browsers_zone(browser: Any, seeded: Server) -> None:
    context = browser.new_context(service_workers="block", timezone_id="Australia/Perth")
    page = context.new_page()
    page.goto(seeded.base + "/settings")
    page.get_by_role("button", name="Use this device's zone (Australia/Perth)").click()
    assert page.input_value("#timezone") == "Australia/Perth"
    context.close()


@pytest.mark.parametrize(("path", "name"), [("/settings", "settings")])
def test_settings_pass_axe_in_both_themes_and_widths(
    browser: Any, seeded: Server, path: str, name: str
) -> None:
    _axe_everywhere(browser, seeded, path, name)


def test_the_when_step_passes_axe_in_both_themes_and_widths(browser: Any, fresh: Server) -> None:
    page = _page(browser)
    _answer(page, fresh, yes=None)
    _baseline(page)
    cookies = page.context.cookies()
    for width, height in SIZES:
        for scheme in ("light", "dark"):
            from axe_playwright_python.sync_playwright import Axe

            other = _page(browser, width, height, scheme)
            other.context.add_cookies(cookies)
            other.goto(fresh.base + "/start/when")
            results = Axe().run(other)
            other.screenshot(path=str(SHOTS / f"start-when-{width}-{scheme}.png"), full_page=True)
            other.context.close()
            assert results.violations_count == 0, results.generate_report()


# --- 12. 0–10 scales on a phone -----------------------------------------------------------------


@pytest.mark.parametrize("width", [360, 390])
def test_the_rating_scales_keep_48px_targets_on_a_phone(
    browser: Any, seeded: Server, width: int
) -> None:
    page = _page(browser, width, 740)
    page.goto(seeded.base + "/play")
    page.click("#start")
    page.locator("#before").wait_for(state="visible")
    boxes = [b.bounding_box() for b in page.locator("#before .pick span").all()]
    assert len(boxes) == 22
    for box in boxes:
        assert box is not None and box["width"] >= 48 and box["height"] >= 48, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    rows = sorted({round(box["y"]) for box in boxes if box})
    assert len(rows) == 4  # two scales, each in two rows
    page.screenshot(path=str(SHOTS / f"scales-{width}.png"))
