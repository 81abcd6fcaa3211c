"""Prescribing on the clinic's web (pages and API), on PostgreSQL: a clinician sets a dose and
the client gets it with who set it and why; templates from the form; notes for staff only;
red flags cleared by the clinician; every form refusal names its field."""

from __future__ import annotations

import re
from datetime import date

from supple import services
from supple.core.safety import QUESTIONS
from supple.services import Actor, Scope
from tests.clinic_world import ClinicWorld

TODAY = "2026-11-03"  # the world's clock: Tuesday, day 2 of the clients' program (Bird-Dog)
DOSE = {"exercise": "bird-dog", "from": TODAY, "reason": "knee sore after squats"}


def _bird_dog(answer: dict[str, object]) -> dict[str, object]:
    items = answer["items"]
    assert isinstance(items, list)
    found: dict[str, object] = next(i for i in items if i["exercise"] == "bird-dog")
    return found


def _baseline(w: ClinicWorld) -> None:
    """A1's PSFS baseline, the last step of the first run before Today is shown."""
    scope = Scope(w.store, Actor("client", w.a1.user.id), w.a1.client_id, w.clock)
    psfs = {"tie shoes": 4, "sit 1 hour": 3, "lift child": 5}
    services.record_week(scope, date(2026, 11, 3), pain=3, psfs=psfs)


def test_a_dose_set_through_the_api_is_what_the_client_gets(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    ada, anna = w.browser(w.clin_a), w.browser(w.a1)
    made = ada.post(
        f"/api/v1/clients/{w.a1.client_id}/adjustments", json={**DOSE, "sets": 2, "reps": 8}
    )
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "in force"
    assert made.json()["by"] == w.clin_a.user.name or w.clin_a.email
    today = anna.get("/api/v1/today").json()
    bird = _bird_dog(today)
    assert (bird["sets"], bird["reps"]) == (2, 8)
    assert isinstance(bird["reason"], str) and "knee sore after squats" in bird["reason"]
    prescribed = bird["prescribed"]
    assert isinstance(prescribed, dict)
    assert prescribed["reason"] == "knee sore after squats" and prescribed["set_on"] == TODAY
    _baseline(w)
    page = anna.get("/today").text
    assert "set by" in page and "knee sore after squats" in page
    care = anna.get("/api/v1/care").json()
    assert care["changes"][0]["kind"] == "dose"
    assert "Your clinician is" in anna.get("/care").text
    listed = anna.get(f"/api/v1/clients/{w.a1.client_id}/adjustments")
    assert listed.status_code == 200 and len(listed.json()["adjustments"]) == 1


def test_a_bad_dose_names_its_field_in_the_api_and_on_the_page(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    ada = w.browser(w.clin_a)
    url = f"/api/v1/clients/{w.a1.client_id}/adjustments"
    wrong = ada.post(url, json={**DOSE, "hold_seconds": 20})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "hold_seconds"
    past = ada.post(url, json={**DOSE, "from": "2026-11-02", "reps": 8})
    assert past.json()["detail"][0]["field"] == "from_date"
    page = ada.post(
        f"/clinic/clients/{w.a1.client_id}/adjustments",
        data={"exercise": "bird-dog", "from_date": TODAY, "reason": "x", "reps": "many"},
    )
    assert page.status_code == 422
    assert re.search(r'name="reps"[^>]*aria-invalid="true"', page.text)
    assert "reps must be a whole number, got &#39;many&#39;" in page.text
    good = ada.post(
        f"/clinic/clients/{w.a1.client_id}/adjustments",
        data={"exercise": "bird-dog", "from_date": TODAY, "reason": "lighter", "reps": "6"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert "The dose was set." in ada.get(good.headers["location"]).text


def test_a_template_built_in_the_form_is_given_to_a_client(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    ada = w.browser(w.clin_a)
    form = {
        "name": "Gentle hips",
        "weeks": "4",
        "d2_title": "Gentle",
        "d2_goal": "Move easily.",
        "d2_i1_exercise": "bird-dog",
        "d2_i1_sets": "2",
        "d2_i1_reps": "6",
        "d2_i1_per": "side",
    }
    bad = ada.post("/clinic/templates/new", data={**form, "d2_i1_reps": "600"})
    assert bad.status_code == 422
    assert "day 2 item 1 (bird-dog) reps must be from 1 to 200, got 600" in bad.text
    saved = ada.post("/clinic/templates/new", data=form, follow_redirects=False)
    assert saved.status_code == 303
    listing = ada.get("/clinic/templates").text
    template_id = int(re.findall(r'href="/clinic/templates/(\d+)"', listing)[0])
    assert "Gentle hips" in ada.get(f"/clinic/templates/{template_id}").text
    yaml_bad = ada.post(
        f"/clinic/templates/{template_id}",
        data={"as_yaml": "1", "name": "Gentle hips", "plan_yaml": "format: 1\nname: [\n"},
    )
    assert yaml_bad.status_code == 422 and "line 3, column 1: YAML syntax error" in yaml_bad.text
    given = ada.post(
        f"/clinic/clients/{w.a1.client_id}/plan",
        data={"plan": f"template:{template_id}", "reason": "a gentler start"},
        follow_redirects=False,
    )
    assert given.status_code == 303
    plan = w.browser(w.a1).get(f"/api/v1/clients/{w.a1.client_id}/plan").json()
    assert plan["name"] == "Gentle hips" and plan["changes"][0]["reason"] == "a gentler start"
    # clients build no templates, and another clinician cannot give a plan to A1
    assert w.browser(w.a1).get("/clinic/templates").status_code == 404
    other = w.browser(w.clin_b).post(
        f"/api/v1/clients/{w.a1.client_id}/plan", json={"bundled": True}
    )
    assert other.status_code == 404


def test_notes_are_for_staff_and_never_shown_to_the_client(clinic_world: ClinicWorld) -> None:
    w = clinic_world
    ada = w.browser(w.clin_a)
    empty = ada.post(f"/clinic/clients/{w.a1.client_id}/notes", data={"body": "  "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    added = ada.post(f"/api/v1/clients/{w.a1.client_id}/notes", json={"body": "Guarded flexion."})
    assert added.status_code == 201
    admin_view = w.browser(w.admin).get(f"/api/v1/clients/{w.a1.client_id}/notes").json()
    assert [n["body"] for n in admin_view["notes"]] == ["Guarded flexion."]
    anna = w.browser(w.a1)
    assert anna.get(f"/api/v1/clients/{w.a1.client_id}/notes").status_code == 404
    assert anna.get(f"/clinic/clients/{w.a1.client_id}/notes").status_code == 404
    assert "Guarded flexion." not in anna.get("/api/v1/care").text


def test_a_red_flag_is_cleared_by_the_clinician_and_the_client_sees_by_whom(
    clinic_world: ClinicWorld,
) -> None:
    w = clinic_world
    anna = w.browser(w.a1)
    answers = {q.id: q.id == QUESTIONS[5].id for q in QUESTIONS}
    assert anna.post("/api/v1/screen", json={"answers": answers}).status_code in (200, 201)
    w.clock.advance(__import__("datetime").timedelta(minutes=5))
    refused = anna.post("/api/v1/screen/clearance", json={"cleared_on": TODAY})
    assert refused.status_code == 403
    assert "cleared by your clinician" in refused.json()["detail"]
    ada = w.browser(w.clin_a)
    url = f"/api/v1/clients/{w.a1.client_id}/clearances"
    assert ada.get(url).json()["blocked"] is not None
    future = ada.post(url, json={"seen_on": "2026-11-04"})
    assert future.status_code == 422 and "in the future" in future.text
    page = ada.post(f"/clinic/clients/{w.a1.client_id}/clearances", data={"seen_on": TODAY})
    assert page.status_code == 422 and 'name="seen"' in page.text
    done = ada.post(url, json={"seen_on": TODAY})
    assert done.status_code == 201 and done.json()["blocked"] is None
    assert "saw you on 2026-11-03" in anna.get("/care").text


def test_the_openapi_document_lists_the_prescribing_routes(clinic_world: ClinicWorld) -> None:
    paths = clinic_world.browser(clinic_world.a1).get("/openapi.json").json()["paths"]
    for tail in ("plan", "adjustments", "notes", "clearances"):
        assert set(paths[f"/api/v1/clients/{{client_id}}/{tail}"]) == {"get", "post"}
    assert "get" in paths["/api/v1/care"]
