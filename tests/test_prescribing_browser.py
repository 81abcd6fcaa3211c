"""The prescribing pages in a real browser (Chromium, headless), at 390 px and 1280 px: axe
finds nothing on any of them, each is photographed; a clinician sets a dose through the form
and the client's Today shows it with who set it and why. On PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from supple import services
from supple.core.safety import QUESTIONS
from supple.services import Actor, Scope, care_notes, prescribing, templates
from tests.clinic_world import ClinicWorld, build_world, postgres_url
from tests.test_clinic_signin_browser import LiveClinic
from tests.test_web_browser import CHROMIUM, SHOTS, _browser_or_skip

pytestmark = pytest.mark.slow
WIDTHS = ((390, 844), (1280, 800))


def _seed(w: ClinicWorld) -> dict[str, str]:
    """A1 with a locked adjustment, an upcoming one and a note; A2 with a red flag; two
    templates. Returns the pages to walk, by name."""
    staff = Scope(w.store, Actor("clinician", w.clin_a.user.id), None, w.clock)
    a1, a2 = w.a1.client_id, w.a2.client_id
    assert a1 is not None and a2 is not None
    for_a1 = Scope(w.store, staff.actor, a1, w.clock)
    prescribing.adjust_dose(
        for_a1,
        prescribing.DoseChange(
            "bird-dog", date(2026, 11, 3), "knee sore after squats", sets=2, reps=8, locked=True
        ),
    )
    prescribing.adjust_dose(
        for_a1,
        prescribing.DoseChange(
            "childs-pose", date(2026, 11, 5), "longer holds help her settle", hold_seconds=45
        ),
    )
    fields = {
        "name": "Gentle hips",
        "d1_title": "Hips",
        "d1_goal": "Open the hips gently.",
        "d1_i1_exercise": "hip-circles",
        "d1_i1_sets": "2",
        "d1_i1_reps": "8",
        "d1_i1_per": "side",
        "d4_i1_exercise": "foam-rolling",
        "d4_i1_minutes": "4",
    }
    template = templates.save_draft(staff, templates.draft_from_fields(fields))
    care_notes.add_note(for_a1, "Guarding on flexion at the first visit.\nReview in two weeks.")
    client_a2 = Scope(w.store, Actor("client", w.a2.user.id), a2, w.clock)
    services.record_screen(client_a2, {q.id: q.id == QUESTIONS[5].id for q in QUESTIONS})
    client_a1 = Scope(w.store, Actor("client", w.a1.user.id), a1, w.clock)
    psfs = {"tie shoes": 4, "sit 1 hour": 3, "lift child": 5}
    services.record_week(client_a1, date(2026, 11, 3), pain=3, psfs=psfs)
    return {
        "prescribe": f"/clinic/clients/{a1}/prescribe",
        "safety": f"/clinic/clients/{a2}/safety",
        "notes": f"/clinic/clients/{a1}/notes",
        "templates": "/clinic/templates",
        "template-edit": f"/clinic/templates/{template.id}?q=stretch&area=hamstrings",
        "template-new": "/clinic/templates/new",
        "care": "/care",
    }


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[LiveClinic, dict[str, str]]]:
    _browser_or_skip()
    for url in postgres_url():
        world = build_world(url)
        pages = _seed(world)
        server = LiveClinic(world)
        try:
            yield server, pages
        finally:
            server.stop()
            world.close()
            world.store.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _context(browser: Any, live: LiveClinic, who: str, width: int, height: int) -> Any:
    """A browser context signed in as ``who`` (the world's sign-in, cookies carried over)."""
    w = live.world
    member = w.clin_a if who == "clinician" else w.a1
    signed = w.browser(member)
    context = browser.new_context(
        viewport={"width": width, "height": height},
        service_workers="block",
        reduced_motion="reduce",
    )
    context.add_cookies(
        [
            {"name": c.name, "value": c.value or "", "domain": "127.0.0.1", "path": "/"}
            for c in signed.cookies.jar
        ]
    )
    return context


def _axe_and_photo(page: Any, name: str, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    results = Axe().run(page)
    page.screenshot(path=str(SHOTS / f"prescribe-{name}-{width}.png"), full_page=True)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    "name",
    ["prescribe", "safety", "notes", "templates", "template-edit", "template-new", "care"],
)
def test_every_prescribing_page_passes_axe_at_both_widths(
    browser: Any, live: tuple[LiveClinic, dict[str, str]], name: str
) -> None:
    server, pages = live
    who = "client" if name == "care" else "clinician"
    for width, height in WIDTHS:
        context = _context(browser, server, who, width, height)
        page = context.new_page()
        answer = page.goto(server.base + pages[name])
        assert answer is not None and answer.status == 200, pages[name]
        _axe_and_photo(page, name, width)
        context.close()


def test_a_refused_dose_marks_its_field_and_passes_axe(
    browser: Any, live: tuple[LiveClinic, dict[str, str]]
) -> None:
    server, pages = live
    for width, height in WIDTHS:
        context = _context(browser, server, "clinician", width, height)
        page = context.new_page()
        page.goto(server.base + pages["prescribe"])
        page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        page.select_option("#exercise", "pelvic-tilts")
        page.fill("#adj-sets", "0")
        page.fill("#adj-reason", "fewer sets while the back settles")
        page.click("text=Set this dose")
        page.wait_for_load_state()
        assert page.get_attribute("#adj-sets", "aria-invalid") == "true"
        assert "sets must be a whole number from 1 to 20, got 0" in page.inner_text("#problem")
        _axe_and_photo(page, "refused", width)
        context.close()


def test_a_dose_set_in_the_form_is_on_the_clients_today(
    browser: Any, live: tuple[LiveClinic, dict[str, str]]
) -> None:
    server, pages = live
    clinician = _context(browser, server, "clinician", 1280, 800)
    page = clinician.new_page()
    page.goto(server.base + pages["prescribe"])
    page.select_option("#exercise", "pelvic-tilts")
    page.fill("#adj-reps", "6")
    page.fill("#adj-reason", "a smaller range while the back settles")
    page.click("text=Set this dose")
    page.wait_for_load_state()
    assert "The dose was set." in page.inner_text("main")
    clinician.close()
    client = _context(browser, server, "client", 390, 844)
    today = client.new_page()
    today.goto(server.base + "/today")
    text = " ".join(today.inner_text("main").split())
    client.close()
    assert "3 × 6 reps" in text
    assert "a smaller range while the back settles" in text and "set by" in text
