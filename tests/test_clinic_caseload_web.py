"""The caseload on the web (clinic mode, PostgreSQL): GET /api/v1/clients, acknowledging an item
through the API and through the dashboard's button, and the /clinic page itself."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from supple.planfile import bundled_program
from tests.clinic_world import ClinicWorld, Member, build_world, postgres_url

DAY_2 = bundled_program().days[1].items[0]  # the world's today (3 Nov) is day 2 of the plan


@pytest.fixture
def world() -> Iterator[ClinicWorld]:
    for url in postgres_url():
        built = build_world(url)
        try:
            yield built
        finally:
            built.close()
            built.store.dispose()


def rate(world: ClinicWorld, member: Member, pain: int) -> None:
    answer = world.browser(member).post(
        "/api/v1/checkins",
        json={"kind": "exercise", "exercise": DAY_2.exercise_id, "pain": pain},
    )
    assert answer.status_code in (200, 201), answer.text


def ids(body: dict[str, list[dict[str, object]]]) -> list[object]:
    return [c["client_id"] for c in body["clients"]]


def test_each_member_of_staff_lists_their_own_caseload_and_clients_find_none(
    world: ClinicWorld,
) -> None:
    w = world
    mine = w.bearer(w.clin_a).get("/api/v1/clients")
    assert mine.status_code == 200
    assert set(ids(mine.json())) == {w.a1.client_id, w.a2.client_id}
    row = mine.json()["clients"][0]
    assert set(row) >= {
        "client_id", "name", "adherence_7d", "adherence_30d", "last_session", "latest_pain",
        "needs_attention", "flags",
    }  # fmt: skip
    assert ids(w.bearer(w.clin_b).get("/api/v1/clients").json()) == [w.b1.client_id]
    assert len(ids(w.bearer(w.admin).get("/api/v1/clients").json())) == 3
    assert w.bearer(w.a1).get("/api/v1/clients").status_code == 404
    assert w.nobody().get("/api/v1/clients").status_code == 401


def test_a_top_pain_rating_is_on_the_dashboard_at_once_and_can_be_marked_seen(
    world: ClinicWorld,
) -> None:
    w = world
    ada = w.browser(w.clin_a)
    page = ada.get("/clinic")
    assert page.status_code == 200
    assert "Nobody needs attention right now." in page.text
    rate(w, w.a1, 8)
    page = ada.get("/clinic")
    assert "Stopped for pain" in page.text and "8/10" in page.text
    since = re.search(r'name="since" value="([^"]+)"', page.text)
    assert since is not None
    refused = w.nobody().post(
        f"/clinic/clients/{w.a1.client_id}/acknowledge",
        data={"kind": "pain_stop", "since": since[1]},
    )
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    forged = w.browser(w.clin_a)
    del forged.headers["x-csrf-token"]
    assert (
        forged.post(
            f"/clinic/clients/{w.a1.client_id}/acknowledge",
            data={"kind": "pain_stop", "since": since[1]},
        ).status_code
        == 403
    )
    done = ada.post(
        f"/clinic/clients/{w.a1.client_id}/acknowledge",
        data={"kind": "pain_stop", "since": since[1]},
    )
    assert done.status_code == 303 and done.headers["location"] == "/clinic#queue"
    page = ada.get("/clinic")
    assert "Nobody needs attention right now." in page.text
    assert "Stopped for pain: seen by Ada" in page.text


def test_acknowledging_through_the_api_records_who_and_when_once(
    world: ClinicWorld,
) -> None:
    w = world
    rate(w, w.a1, 9)
    api = w.bearer(w.clin_a)
    (flag,) = [f for c in api.get("/api/v1/clients").json()["clients"] for f in c["flags"]]
    url = f"/api/v1/clients/{w.a1.client_id}/acknowledgements"
    first = api.post(url, json={"kind": flag["kind"], "since": flag["since"]})
    assert first.status_code == 201, first.text
    assert first.json()["by"] == "Ada" and first.json()["new"] is True
    again = api.post(url, json={"kind": flag["kind"], "since": flag["since"]})
    assert again.status_code == 200 and again.json()["at"] == first.json()["at"]
    row = next(c for c in api.get("/api/v1/clients").json()["clients"] if c["flags"] == [])
    assert row is not None
    listed = api.get("/api/v1/clients").json()["clients"]
    a1 = next(c for c in listed if c["client_id"] == w.a1.client_id)
    assert a1["needs_attention"] is False and a1["acknowledged"][0]["by"] == "Ada"


def test_acknowledging_someone_elses_client_or_a_closed_item_is_refused(
    world: ClinicWorld,
) -> None:
    w = world
    rate(w, w.a1, 8)
    flag = w.bearer(w.clin_a).get("/api/v1/clients").json()["clients"]
    since = next(f["since"] for c in flag for f in c["flags"])
    body = {"kind": "pain_stop", "since": since}
    url = f"/api/v1/clients/{w.a1.client_id}/acknowledgements"
    for stranger in (w.clin_b, w.admin, w.a2, w.a1):
        answer = w.bearer(stranger).post(url, json=body)
        assert answer.status_code == 404 and answer.json() == {"detail": "not found"}
    absent = w.bearer(w.clin_a).post("/api/v1/clients/99999/acknowledgements", json=body)
    assert absent.status_code == 404 and absent.json() == {"detail": "not found"}
    closed = w.bearer(w.clin_a).post(url, json={"kind": "inactive", "since": "2026-11-01"})
    assert closed.status_code == 422
    assert "no open inactive item since 2026-11-01" in closed.text
    unknown = w.bearer(w.clin_a).post(url, json={"kind": "bored", "since": "2026-11-01"})
    assert unknown.status_code == 422 and "kind" in unknown.text
    page = w.browser(w.clin_a).post(
        f"/clinic/clients/{w.a1.client_id}/acknowledge",
        data={"kind": "inactive", "since": "2026-11-01"},
    )
    assert page.status_code == 409 and "may have ended" in page.text


def test_the_dashboard_answers_staff_only(world: ClinicWorld) -> None:
    w = world
    assert w.browser(w.a1).get("/clinic").status_code == 404
    assert w.nobody().get("/clinic").status_code == 303
    admin = w.browser(w.admin).get("/clinic")
    assert admin.status_code == 200 and "3 clients" in admin.text


def test_the_client_page_shows_the_record_to_their_clinician_and_no_one_else(
    world: ClinicWorld,
) -> None:
    w = world
    rate(w, w.a1, 8)
    url = f"/clinic/clients/{w.a1.client_id}"
    page = w.browser(w.clin_a).get(url)
    assert page.status_code == 200, page.text
    for words in ("Needs attention", "Stopped for pain", "Today, as A1 sees it", "This week",
                  "Progress", "Dose changes and their reasons", "Check-ins, last two weeks",
                  "Who looked at this record",
                  "<strong>Ada (clinician)</strong> looked at your record"):  # fmt: skip
        assert words in page.text, words
    assert w.browser(w.admin).get(url).status_code == 200  # an admin reads every record
    for stranger in (w.clin_b, w.a2):
        assert w.browser(stranger).get(url).status_code == 404
    assert w.browser(w.clin_a).get("/clinic/clients/99999").status_code == 404
    report = w.browser(w.clin_a).get(f"{url}/report?format=fhir")
    assert report.status_code == 200 and report.json()["resourceType"] == "Bundle"
    assert w.browser(w.clin_b).get(f"{url}/report").status_code == 404


def test_a_client_asking_for_their_own_clinic_page_is_sent_to_their_own_pages(
    world: ClinicWorld,
) -> None:
    w = world
    me = w.browser(w.a1)
    page = me.get(f"/clinic/clients/{w.a1.client_id}")
    assert (page.status_code, page.headers["location"]) == (303, "/")
    report = me.get(f"/clinic/clients/{w.a1.client_id}/report?format=pdf")
    assert (report.status_code, report.headers["location"]) == (303, "/report?format=pdf")
    assert me.get(f"/clinic/clients/{w.a2.client_id}").status_code == 404


def test_an_admins_list_comes_a_page_at_a_time_and_a_bad_cursor_or_limit_says_why(
    world: ClinicWorld,
) -> None:
    w = world
    admin = w.bearer(w.admin)
    first = admin.get("/api/v1/clients", params={"limit": 2}).json()
    assert len(first["clients"]) == 2 and first["next"] and first["previous"] is None
    rest = admin.get("/api/v1/clients", params={"limit": 2, "after": first["next"]}).json()
    assert len(rest["clients"]) == 1 and rest["next"] is None and rest["previous"]
    assert set(ids(first) + ids(rest)) == {w.a1.client_id, w.a2.client_id, w.b1.client_id}
    back = admin.get("/api/v1/clients", params={"limit": 2, "before": rest["previous"]}).json()
    assert ids(back) == ids(first)
    whole = admin.get("/api/v1/clients").json()  # an admin's default page: 50
    assert len(whole["clients"]) == 3 and whole["next"] is None
    mine = w.bearer(w.clin_a).get("/api/v1/clients").json()  # a clinician's: all at once
    assert mine["next"] is None and len(mine["clients"]) == 2
    own_page = w.bearer(w.clin_a).get("/api/v1/clients", params={"limit": 1}).json()
    assert ids(own_page)[0] in {w.a1.client_id, w.a2.client_id} and own_page["next"]
    for params, field in (
        ({"after": "zzz"}, "after"),
        ({"before": "WyJhIix0cnVlXQ"}, "before"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
    ):
        answer = admin.get("/api/v1/clients", params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert field in answer.text and "Traceback" not in answer.text
    page = w.browser(w.admin).get("/clinic", params={"after": "zzz"})
    assert page.status_code == 422 and "cursor from a previous page" in page.text


def test_the_admins_dashboard_links_its_pages(
    world: ClinicWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supple.services import caseload

    monkeypatch.setattr(caseload, "PAGE", 2)
    w = world
    browser = w.browser(w.admin)
    page = browser.get("/clinic")
    assert page.status_code == 200 and "2 clients on this page" in page.text
    found = re.search(r'href="(/clinic\?after=[^"]+)" rel="next"', page.text)
    assert found is not None and 'rel="prev"' not in page.text
    last = browser.get(found[1].replace("&amp;", "&"))
    assert last.status_code == 200 and "1 client on this page" in last.text
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
    mine = w.browser(w.clin_a).get("/clinic")  # a clinician's whole caseload, no pages
    assert "on this page" not in mine.text and 'rel="next"' not in mine.text
