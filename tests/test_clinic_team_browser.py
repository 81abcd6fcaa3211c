"""The Team page and the client's access log in a real browser (Chromium, headless), at 390 px
and 1280 px: an admin signs in with a code, opens Team, invites a client and sees the QR code,
assigns them to another clinician, disables them; a client reads who opened their record. Axe
finds nothing on any of these pages and each is photographed. On PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.clinic_world import Member
from tests.test_clinic_signin_browser import LiveClinic, _check, headless_chromium, live_clinic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live() -> Iterator[LiveClinic]:
    yield from live_clinic()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium()


def _page(browser: Any, width: int, scheme: str) -> Any:
    context = browser.new_context(
        service_workers="block",
        viewport={"width": width, "height": 844 if width < 600 else 800},
        color_scheme=scheme,
    )
    return context.new_page()


def _sign_in(live: LiveClinic, page: Any, member: Member) -> None:
    page.goto(live.base + "/login")
    page.fill("#email", member.email)
    page.fill("#password", member.password)
    page.click("main button[type=submit]")
    if member.is_staff:
        page.wait_for_url(re.compile(r"/login/two-factor$"))
        page.fill("#code", live.world.code(member))
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/clinic$"))


def _nav(page: Any, href: str) -> None:
    """Follow a link of the header: on a phone it is in the menu."""
    link = f'header a[href="{href}"]'
    if not page.is_visible(f"{link}.wide") and page.locator(f"{link}.wide").count():
        page.click("header details.menu summary")
    page.click(f"{link}:visible")


def _card(page: Any, name: str) -> Any:
    return page.locator("li.member", has=page.locator("p.who strong", has_text=name))


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "dark")])
def test_an_admin_invites_assigns_and_disables_and_a_client_reads_their_log(
    live: LiveClinic, browser: Any, width: int, scheme: str
) -> None:
    w = live.world
    page = _page(browser, width, scheme)
    _sign_in(live, page, w.admin)
    _nav(page, "/clinic/team")
    page.wait_for_selector("h1:has-text('Team')")
    assert page.locator("li.member").count() >= 7
    _check(page, "team", width)
    page.click("main a.btn:has-text('Invite someone')")
    page.wait_for_selector("h1:has-text('Invite someone')")
    _check(page, "team-invite", width)
    name = f"Dora Kim {width}"
    page.check('input[name=role][value="client"]')
    page.fill("#email", f"dora{width}@example.org")
    page.fill("#name", name)
    page.select_option("#clinician", w.clin_a.email)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Invite made')")
    assert page.locator(".qr svg").count() == 1
    assert "works once" in page.content()
    _check(page, "team-invited", width)
    page.click("main a:has-text('Back to the team')")
    card = _card(page, name)
    assert "treated by Ada" in card.inner_text()
    card.locator("select").select_option(w.clin_b.email)
    card.locator("button", has_text="Assign").click()
    page.wait_for_selector(f"p.notice:has-text('{name} is now on Bo')")
    assert "treated by Bo" in _card(page, name).inner_text()
    _check(page, "team-assigned", width)
    _card(page, name).locator("button", has_text="Disable").click()
    page.wait_for_selector(f"p.notice:has-text('{name} is disabled')")
    assert _card(page, name).locator(".badge.off").count() == 1
    _check(page, "team-disabled", width)
    _card(page, name).locator("button", has_text="Enable").click()
    page.wait_for_selector(f"p.notice:has-text('{name} can sign in again')")
    _card(page, name).locator("button", has_text="Disable").click()
    page.wait_for_selector(f"p.notice:has-text('{name} is disabled')")
    page.goto(f"{live.base}/clinic/clients/{w.a1.client_id}")
    assert "looked at your record" in page.content()
    _check(page, "client-record", width)
    page.context.close()

    phone = _page(browser, width, scheme)
    _sign_in(live, phone, w.a1)
    phone.goto(live.base + "/care")
    phone.click("main a:has-text('Who opened your record')")
    phone.wait_for_selector("h1:has-text('Who opened your record')")
    assert (
        "Admin (practice admin)" in phone.content() and "looked at your record" in phone.content()
    )
    _check(phone, "care-access", width)
    phone.context.close()
