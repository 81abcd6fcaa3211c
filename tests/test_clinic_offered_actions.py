"""A client's staff pages offer only what the viewer may do (clinic mode, PostgreSQL).

An admin reads every client's record but prescribes, clears red flags, acknowledges alerts and
writes notes only for clients assigned to them (``core.access``). So on the page of a client
who is not theirs an admin sees no "Plan & doses" or "Safety" link, no "Mark seen" button and
no note form; the client's own clinician sees all of them. Each way is checked against the rule
itself: every link shown opens (200), every one left out would have answered 404.
"""

from __future__ import annotations

import re

import pytest

from supple.core.safety import QUESTIONS
from supple.store import accounts
from tests.clinic_world import ClinicWorld, Member

LINKS = {"prescribe": "Plan &amp; doses", "safety": "Safety", "notes": "Private notes"}
MARK_SEEN = re.compile(r'action="/clinic/clients/\d+/acknowledge"')
NOTE_FORM = re.compile(r'action="/clinic/clients/\d+/notes"')


def _red_flag(w: ClinicWorld) -> None:
    """A1 answers one red-flag question yes: an item waits on their page."""
    answers = {q.id: q.id == QUESTIONS[5].id for q in QUESTIONS}
    assert w.browser(w.a1).post("/api/v1/screen", json={"answers": answers}).status_code == 200


def _shown(page: str, client_id: int) -> set[str]:
    return {tail for tail in LINKS if f'href="/clinic/clients/{client_id}/{tail}"' in page}


@pytest.mark.parametrize(
    ("viewer", "links", "writes"),
    [
        ("admin", {"notes"}, False),  # reads every record, treats only their own clients
        ("clin_a", {"prescribe", "safety", "notes"}, True),  # A1's own clinician
    ],
)
def test_the_client_page_shows_only_the_actions_the_viewer_may_take(
    clinic_world: ClinicWorld, viewer: str, links: set[str], writes: bool
) -> None:
    w = clinic_world
    _red_flag(w)
    member: Member = getattr(w, viewer)
    browser = w.browser(member)
    client = w.a1.client_id
    assert client is not None
    page = browser.get(f"/clinic/clients/{client}")
    assert page.status_code == 200
    assert "Red flag" in page.text  # the item is listed for both
    assert _shown(page.text, client) == links
    assert bool(MARK_SEEN.search(page.text)) is writes
    for tail in LINKS:  # the rule agrees: what is shown opens, what is left out is refused
        expected = 200 if tail in links else 404
        assert browser.get(f"/clinic/clients/{client}/{tail}").status_code == expected, tail
    notes = browser.get(f"/clinic/clients/{client}/notes").text
    assert bool(NOTE_FORM.search(notes)) is writes
    assert _shown(notes, client) == links
    if not writes:
        assert "you may read them" in notes
        refused = browser.post(f"/clinic/clients/{client}/notes", data={"body": "hello"})
        assert refused.status_code == 404


def test_an_admin_assigned_to_the_client_is_offered_everything(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    _red_flag(w)
    assert w.admin.user.id is not None and w.a1.client_id is not None
    accounts.assign(w.store, w.a1.client_id, w.admin.user.id, w.clock.now())
    page = w.browser(w.admin).get(f"/clinic/clients/{w.a1.client_id}").text
    assert _shown(page, w.a1.client_id) == set(LINKS)
    assert MARK_SEEN.search(page)
    assert NOTE_FORM.search(w.browser(w.admin).get(f"/clinic/clients/{w.a1.client_id}/notes").text)


@pytest.mark.parametrize(("viewer", "offered"), [("admin", False), ("clin_a", True)])
def test_the_dashboard_offers_mark_seen_only_where_the_viewer_may_acknowledge(
    clinic_world: ClinicWorld, viewer: str, offered: bool
) -> None:
    w = clinic_world
    _red_flag(w)
    page = w.browser(getattr(w, viewer)).get("/clinic")
    assert page.status_code == 200
    assert f'href="/clinic/clients/{w.a1.client_id}"' in page.text  # the item is in the queue
    button = f'action="/clinic/clients/{w.a1.client_id}/acknowledge"'
    assert (button in page.text) is offered
