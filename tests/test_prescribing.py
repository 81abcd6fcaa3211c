"""Prescribing and adjusting in the clinic (services.prescribing, templates, care_notes,
care_team), on SQLite and PostgreSQL, with scopes built directly as the web boundary builds
them: who may do what, what the client then gets, and every refusal named by its field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from supple import planfile, services
from supple.core.access import Role
from supple.core.errors import FieldError, NotFound, PlanError, Refused
from supple.core.safety import QUESTIONS
from supple.services import Actor, FixedClock, Scope, care_notes, care_team, prescribing, templates
from supple.services.freshness import freshness_stamp
from supple.services.prescribing import DoseChange
from supple.store import accounts, adjustments, screens
from supple.store.database import Store, open_store
from supple.store.schema import profiles as profile_rows
from tests.conftest import Supple

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday 2 December, 10:00 in Paris
TODAY = date(2026, 12, 2)
CLOCK = FixedClock(NOW)


@dataclass
class Clinic:
    store: Store
    client: accounts.User
    clinician: accounts.User
    other_clinician: accounts.User
    admin: accounts.User
    other_client: accounts.User

    @property
    def person(self) -> int:
        assert self.client.person_id is not None
        return self.client.person_id

    def as_(self, user: accounts.User, subject: int | None = None) -> Scope:
        """The scope the web boundary builds for ``user`` acting on ``subject``."""
        return Scope(self.store, Actor(user.role.value, user.id), subject, CLOCK)

    def staff(self, subject: int | None = None) -> Scope:
        return self.as_(self.clinician, self.person if subject is None else subject)

    def own(self) -> Scope:
        return self.as_(self.client, self.person)


def _user(store: Store, email: str, name: str, role: Role) -> accounts.User:
    return accounts.create_user(store, email=email, name=name, role=role, now=NOW)


def _profile(store: Store, user: accounts.User) -> None:
    scope = Scope(store, Actor("client", user.id), user.person_id, CLOCK)
    services.init_profile(
        scope,
        start_date=date(2026, 11, 30),
        session_time="07:30",
        timezone="Europe/Paris",
        plan_path=None,
    )
    services.record_screen(scope, {q.id: False for q in QUESTIONS})


@pytest.fixture
def clinic(any_store: Store) -> Clinic:
    accounts.create_practice(any_store, "Riverside Physio", NOW)
    found = Clinic(
        any_store,
        client=_user(any_store, "anna@example.org", "Anna Berg", Role.CLIENT),
        clinician=_user(any_store, "clara@example.org", "Clara Jones", Role.CLINICIAN),
        other_clinician=_user(any_store, "omar@example.org", "Omar Diaz", Role.CLINICIAN),
        admin=_user(any_store, "ada@example.org", "Ada Admin", Role.ADMIN),
        other_client=_user(any_store, "ben@example.org", "Ben Cole", Role.CLIENT),
    )
    accounts.assign(any_store, found.person, found.clinician.id, NOW)
    assert found.other_client.person_id is not None
    accounts.assign(any_store, found.other_client.person_id, found.other_clinician.id, NOW)
    _profile(any_store, found.client)
    _profile(any_store, found.other_client)
    return found


def bird_dog(scope: Scope, on: date) -> tuple[str, str | None]:
    """Bird-Dog on ``on`` (day 2 of the bundled week: 30 Nov is day 1) as the client sees it."""
    plan = services.day(scope, on)
    item = next(i for i in plan.items if i.exercise.id == "bird-dog")
    return item.prescription.dose.describe(), item.reason


LIGHTER = DoseChange("bird-dog", date(2026, 12, 8), "knee sore after squats", sets=2, reps=8)


# --- adjusting a dose -------------------------------------------------------------------------


def test_an_adjusted_dose_is_what_the_client_gets_with_who_set_it(clinic: Clinic) -> None:
    prescribing.adjust_dose(clinic.staff(), LIGHTER)
    dose, reason = bird_dog(clinic.own(), date(2026, 12, 8))
    assert dose == "2 × 8 reps per side"
    assert reason is not None
    assert "set by Clara Jones on 2026-12-02: knee sore after squats" in reason
    # the day before it begins keeps the plan's dose, and the clinician sees the same
    assert bird_dog(clinic.own(), date(2026, 12, 1)) == ("3 × 10 reps per side", None)
    assert bird_dog(clinic.staff(), date(2026, 12, 8))[0] == "2 × 8 reps per side"


def test_the_week_the_progress_and_the_freshness_stamp_follow_an_adjustment(
    clinic: Clinic,
) -> None:
    before = freshness_stamp(clinic.own())
    prescribing.adjust_dose(clinic.staff(), LIGHTER)
    assert freshness_stamp(clinic.own()) != before
    week = services.week(clinic.own(), date(2026, 12, 8))
    day_two = next(d for d in week if d.slot.day == 2)
    assert any(i.prescription.dose.describe() == "2 × 8 reps per side" for i in day_two.items)
    report = services.progress(clinic.own(), date(2026, 12, 9))
    assert any("set by Clara Jones" in text for _, text in report.changes)


def test_a_later_adjustment_ends_the_earlier_one(clinic: Clinic) -> None:
    prescribing.adjust_dose(clinic.staff(), LIGHTER)
    later = DoseChange("bird-dog", date(2026, 12, 15), "knee settled", sets=3, reps=8, locked=True)
    prescribing.adjust_dose(clinic.staff(), later)
    rows = adjustments.for_person(clinic.store, clinic.person)
    assert [(r.from_date, r.ended_on) for r in rows] == [
        (date(2026, 12, 8), date(2026, 12, 15)),
        (date(2026, 12, 15), None),
    ]
    assert bird_dog(clinic.own(), date(2026, 12, 8))[0] == "2 × 8 reps per side"
    assert bird_dog(clinic.own(), date(2026, 12, 15))[0] == "3 × 8 reps per side"
    statuses = [v.status for v in prescribing.list_adjustments(clinic.staff())]
    assert statuses == ["upcoming", "upcoming"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (DoseChange("wall-sit", TODAY, "x", reps=3), "exercise", "not in this client's plan"),
        (DoseChange("bird-dog", date(2026, 12, 1), "x", reps=8), "from_date", "in the past"),
        (DoseChange("bird-dog", date(2036, 12, 1), "x", reps=8), "from_date", "the first day"),
        (DoseChange("bird-dog", TODAY, "   ", reps=8), "reason", "the reason is empty"),
        (DoseChange("bird-dog", TODAY, "x", sets=0), "sets", "from 1 to 20, got 0"),
        (DoseChange("bird-dog", TODAY, "x", reps=201), "reps", "from 1 to 200"),
        (DoseChange("bird-dog", TODAY, "x", hold_seconds=20), "hold_seconds", "give reps"),
        (DoseChange("childs-pose", TODAY, "x", reps=8), "reps", "give hold seconds"),
        (DoseChange("bird-dog", TODAY, "a\x1bb", reps=8), "reason", "control character"),
        (DoseChange("bird-dog", TODAY, "x" * 501, reps=8), "reason", "the most is 500"),
    ],
)
def test_a_bad_adjustment_is_refused_naming_its_field(
    clinic: Clinic, change: DoseChange, field: str, words: str
) -> None:
    with pytest.raises(FieldError, match=words) as caught:
        prescribing.adjust_dose(clinic.staff(), change)
    assert caught.value.field == field
    assert adjustments.for_person(clinic.store, clinic.person) == []


def test_who_may_adjust_a_dose(clinic: Clinic) -> None:
    person = clinic.person
    refused = [
        clinic.as_(clinic.other_clinician, person),  # not their client
        clinic.as_(clinic.admin, person),  # admins treat only clients assigned to them
        clinic.own(),  # a client never adjusts their own dose
        clinic.as_(clinic.clinician, 999_999),  # no such client
        Scope.local(clinic.store, person, CLOCK),  # personal mode's person holds no account
    ]
    for scope in refused:
        with pytest.raises(NotFound, match="no such client"):
            prescribing.adjust_dose(scope, LIGHTER)
    accounts.assign(clinic.store, person, clinic.admin.id, NOW)
    prescribing.adjust_dose(clinic.as_(clinic.admin, person), LIGHTER)


def test_a_disabled_clinician_can_no_longer_adjust(clinic: Clinic) -> None:
    accounts.set_active(clinic.store, clinic.clinician.id, False, NOW)
    with pytest.raises(NotFound):
        prescribing.adjust_dose(clinic.staff(), LIGHTER)


# --- plans and templates ----------------------------------------------------------------------

GENTLE = """format: 1
name: Gentle week
days:
  - day: 1
    title: Easy start
    goal: Move gently.
    items:
      - {exercise: bird-dog, sets: 2, reps: 8, per: side}
      - {exercise: childs-pose, hold_seconds: 30}
"""


def test_a_template_is_saved_only_when_the_plan_loader_accepts_it(clinic: Clinic) -> None:
    broken = GENTLE.replace("reps: 8", "reps: 500").replace("childs-pose", "child-pose")
    with pytest.raises(PlanError) as caught:
        templates.save_template(clinic.as_(clinic.clinician), "Gentle", broken)
    problems = templates.plan_problems(caught.value)
    assert problems == [
        "line 8, column 45: day 1 item 1 (bird-dog) reps must be from 1 to 200, got 500",
        "line 9, column 20: unknown exercise 'child-pose'; did you mean 'childs-pose'?",
    ]
    assert templates.list_templates(clinic.as_(clinic.clinician)) == []


def test_templates_are_listed_edited_and_deleted_by_staff(clinic: Clinic) -> None:
    staff = clinic.as_(clinic.clinician)
    saved = templates.save_template(staff, "Gentle week", GENTLE)
    assert saved.created_by == "Clara Jones"
    with pytest.raises(FieldError, match="exists already") as caught:
        templates.save_template(clinic.as_(clinic.admin), "Gentle week", GENTLE)
    assert caught.value.field == "name"
    edited = templates.save_template(staff, "Gentler week", GENTLE.replace("8", "6"), saved.id)
    assert [t.name for t in templates.list_templates(staff)] == ["Gentler week"]
    assert "reps: 6" in edited.plan_yaml
    templates.delete_template(clinic.as_(clinic.admin), saved.id)
    assert templates.list_templates(staff) == []
    with pytest.raises(NotFound, match="no such template"):
        templates.delete_template(staff, saved.id)


def test_a_client_manages_no_template(clinic: Clinic) -> None:
    with pytest.raises(NotFound):
        templates.list_templates(clinic.as_(clinic.client))
    with pytest.raises(NotFound):
        templates.save_template(clinic.as_(clinic.client), "Mine", GENTLE)


FORM = {
    "name": "Hips twice a week",
    "weeks": "6",
    "d1_title": "Hips",
    "d1_goal": "Open the hips.",
    "d1_i1_exercise": "hip-circles",
    "d1_i1_sets": "3",
    "d1_i1_reps": "10",
    "d1_i1_per": "side",
    "d1_i2_exercise": "foam-rolling",
    "d1_i2_minutes": "2.5",
    "d4_i1_exercise": "childs-pose",
    "d4_i1_hold_seconds": "45",
}


def test_the_template_form_becomes_plan_yaml_the_loader_accepts(clinic: Clinic) -> None:
    draft = templates.draft_from_fields(FORM)
    saved = templates.save_draft(clinic.as_(clinic.clinician), draft)
    program = templates.template_program(saved.plan_yaml)
    assert program.name == "Hips twice a week" and program.weeks == 6
    assert [d.number for d in program.days] == [1, 4]
    assert program.days[0].items[1].dose.duration_seconds == 150
    assert program.days[1].title == "Day 4"
    # and back into the form, to the same plan
    again = templates.draft_from_program(saved.name, program)
    assert templates.template_program(again.plan_yaml()).days == program.days


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"name": "  "}, "name", "the name is empty"),
        ({"d1_i1_sets": "three"}, "d1_i1_sets", "day 1, exercise 1: sets must be a whole number"),
        ({"d1_i2_minutes": "2,5"}, "d1_i2_minutes", "minutes must be a number of minutes"),
        ({"d1_i1_per": "arm"}, "d1_i1_per", "per must be side, leg or empty"),
        ({"d1_title": "a\x07"}, "d1_title", "control character"),
        ({"weeks": "-3"}, "weeks", "weeks must be a whole number"),
    ],
)
def test_a_bad_template_form_names_its_field(
    change: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(FieldError, match=words) as caught:
        templates.draft_from_fields({**FORM, **change})
    assert caught.value.field == field


def test_a_form_with_no_exercise_at_all_is_refused() -> None:
    with pytest.raises(FieldError, match="pick at least one exercise") as caught:
        templates.draft_from_fields({"name": "Empty"})
    assert caught.value.field == "d1_i1_exercise"


def test_the_form_keeps_what_it_does_not_edit() -> None:
    kept = GENTLE.replace("days:", "about: Written by hand.\ndays:")
    text = templates.draft_from_fields(FORM).plan_yaml(keep_from=kept)
    assert "about: Written by hand." in text
    assert templates.template_program(text).about == "Written by hand."


@pytest.mark.parametrize(
    ("query", "area", "equipment", "expected"),
    [
        ("bird", "", "", ["Bird-Dog Exercise"]),
        ("STRETCH hamstring", "", "", ["Standing Hamstring Stretch"]),
        ("", "", "bench", ["Bulgarian Split Squats", "Hip Thrusts", "Step-Ups"]),
        ("bridge", "glutes", "", ["Glute Bridge Hold"]),
        ("bird", "calves", "", []),
    ],
)
def test_the_catalog_is_searched_by_name_area_and_equipment(
    query: str, area: str, equipment: str, expected: list[str]
) -> None:
    found = templates.search_catalog(query, area, equipment)
    assert [e.name for e in found] == expected


def test_an_unknown_area_is_refused_with_the_known_ones() -> None:
    with pytest.raises(FieldError, match="area: unknown area 'knees'") as caught:
        templates.search_catalog("", "knees")
    assert caught.value.field == "area"


def test_a_template_given_to_a_client_ends_the_running_adjustments(clinic: Clinic) -> None:
    prescribing.adjust_dose(clinic.staff(), LIGHTER)
    saved = templates.save_template(clinic.as_(clinic.clinician), "Gentle week", GENTLE)
    prescribing.assign_template(clinic.staff(), saved.id, "a lighter week after the flare")
    profile = services.get_profile(clinic.own())
    assert profile.plan_name == "Gentle week" and profile.plan_yaml == GENTLE
    with clinic.store.read() as conn:
        who = conn.execute(sa.select(profile_rows.c.actor)).scalars().all()
    assert f"clinician:{clinic.clinician.id}" in who
    assert [r.ended_on for r in adjustments.for_person(clinic.store, clinic.person)] == [TODAY]
    # the template's own dose now, and no clinician credit any more
    assert bird_dog(clinic.own(), date(2026, 12, 14)) == ("2 × 8 reps per side", None)
    view = care_team.care_view(clinic.own())
    assert view.clinicians == ["Clara Jones"]
    assert view.changes[0].text.startswith(
        "Clara Jones gave you the plan “Gentle week” (template “Gentle week”) on 2026-12-02: "
        "a lighter week after the flare"
    )
    prescribing.assign_bundled(clinic.staff())
    assert services.get_profile(clinic.own()).plan_yaml is None


def test_an_uploaded_plan_is_checked_and_named_as_uploaded(clinic: Clinic) -> None:
    with pytest.raises(PlanError, match=r"knees\.yaml:1:1: YAML syntax error|knees\.yaml:"):
        prescribing.assign_upload(clinic.staff(), b"format: 1\nname: [", "knees.yaml")
    program = prescribing.assign_upload(clinic.staff(), GENTLE.encode(), "gentle.yaml")
    assert program.name == "Gentle week"
    changes = prescribing.plan_changes(clinic.staff())
    assert [(c.source, c.author) for c in changes] == [("file gentle.yaml", "Clara Jones")]


def test_a_client_keeps_their_plan_as_their_clinician_gave_it(clinic: Clinic) -> None:
    with pytest.raises(Refused, match="your plan is given by your clinician"):
        services.use_plan_text(clinic.own(), GENTLE, "mine.yaml")
    with pytest.raises(Refused):
        services.use_bundled_plan(clinic.own())
    with pytest.raises(NotFound):
        prescribing.assign_bundled(clinic.as_(clinic.other_clinician, clinic.person))


# --- red flags, notes and what the client sees ------------------------------------------------


def answered_earlier(scope: Scope, answers: dict[str, bool]) -> None:
    """Safety answers given an hour before the scope's moment (a clearance must follow them)."""
    earlier = FixedClock(NOW - timedelta(hours=1))
    services.record_screen(Scope(scope.store, scope.actor, scope.subject, earlier), answers)


def test_a_red_flag_is_cleared_by_the_clinician_who_saw_the_client(clinic: Clinic) -> None:
    answered_earlier(clinic.own(), {q.id: q.id == QUESTIONS[5].id for q in QUESTIONS})
    assert services.session_gate(clinic.own(), TODAY) is not None
    with pytest.raises(Refused, match="cleared by your clinician"):
        services.record_clearance(clinic.own(), TODAY)
    with pytest.raises(NotFound):
        care_team.clear_red_flag(clinic.as_(clinic.other_clinician, clinic.person), TODAY)
    assert care_team.clear_red_flag(clinic.staff(), TODAY) == "Clara Jones"
    labels = [r.actor for r in screens.clearance_records(clinic.store, clinic.person)]
    assert labels == [f"clinician:{clinic.clinician.id}"]
    assert services.session_gate(clinic.own(), TODAY) is None
    view = care_team.care_view(clinic.own())
    assert view.changes[0].kind == "clearance"
    assert view.changes[0].text.startswith("Clara Jones saw you on 2026-12-02 and cleared you")


def test_a_clearance_date_in_the_future_is_refused(clinic: Clinic) -> None:
    services.record_screen(clinic.own(), {q.id: True for q in QUESTIONS})
    with pytest.raises(FieldError, match="in the future") as caught:
        care_team.clear_red_flag(clinic.staff(), date(2026, 12, 3))
    assert caught.value.field == "seen_on"


def test_private_notes_are_for_staff_only(clinic: Clinic) -> None:
    note = care_notes.add_note(clinic.staff(), "Guarding on flexion.\r\nReview in 2 weeks.")
    assert note.body == "Guarding on flexion.\nReview in 2 weeks."
    assert note.author == "Clara Jones"
    assert [n.body for n in care_notes.list_notes(clinic.as_(clinic.admin, clinic.person))] == [
        note.body
    ]
    for scope in (clinic.own(), clinic.as_(clinic.other_clinician, clinic.person)):
        with pytest.raises(NotFound):
            care_notes.list_notes(scope)
        with pytest.raises(NotFound):
            care_notes.add_note(scope, "hello")
    with pytest.raises(NotFound):  # an admin reads every record but writes only for their own
        care_notes.add_note(clinic.as_(clinic.admin, clinic.person), "hello")
    with pytest.raises(FieldError, match="the note is empty") as caught:
        care_notes.add_note(clinic.staff(), " \n ")
    assert caught.value.field == "body"


def test_the_client_sees_every_dose_their_clinician_set(clinic: Clinic) -> None:
    prescribing.adjust_dose(clinic.staff(), LIGHTER)
    view = care_team.care_view(clinic.own())
    assert [c.kind for c in view.changes] == ["dose"]
    assert view.changes[0].text == (
        "Bird-Dog Exercise: 3 × 10 → 2 × 8 reps per side from 2026-12-08 — set by Clara Jones "
        "on 2026-12-02: knee sore after squats"
    )
    with pytest.raises(NotFound):
        care_team.care_view(clinic.as_(clinic.other_client, clinic.person))


def test_personal_mode_is_untouched_by_the_clinic(clinic: Clinic) -> None:
    # the person of a personal install records their own clearance, as before
    store = clinic.store
    person = services.create_person(Scope.local(store, None, CLOCK))
    local = Scope.local(store, person, CLOCK)
    services.init_profile(
        local, start_date=TODAY, session_time="07:30", timezone="Europe/Paris", plan_path=None
    )
    answered_earlier(local, {q.id: True for q in QUESTIONS})
    services.record_clearance(local, TODAY)
    assert services.session_gate(local, TODAY) is None
    assert planfile.bundled_program().name == services.use_bundled_plan(local).name


def test_the_terminal_shows_who_set_a_dose(supple: Supple, db_url: str) -> None:
    store = open_store(db_url)
    try:
        client = _user(store, "anna@example.org", "Anna Berg", Role.CLIENT)
        clara = _user(store, "clara@example.org", "Clara Jones", Role.CLINICIAN)
        assert client.person_id is not None
        accounts.assign(store, client.person_id, clara.id, NOW)
        _profile(store, client)
        staff = Scope(store, Actor("clinician", clara.id), client.person_id, CLOCK)
        prescribing.adjust_dose(staff, LIGHTER)
    finally:
        store.dispose()
    shown = supple("today", "--date", "2026-12-08")
    assert shown.exit_code == 0, shown.output
    assert "2 × 8 reps per side" in shown.output
    assert "set by Clara Jones on 2026-12-02" in " ".join(shown.output.split())
    data = json.loads(supple("today", "--date", "2026-12-08", "--json").output)
    bird = next(i for i in data["items"] if i["exercise"] == "bird-dog")
    assert bird["prescribed"] == {
        "by": "Clara Jones",
        "set_on": "2026-12-02",
        "from": "2026-12-08",
        "reason": "knee sore after squats",
        "locked": False,
    }
