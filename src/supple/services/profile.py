"""The person's profile and the plan they follow: create or change it, switch plans, and check
a plan file or an upload by the very loader ``supple plan validate`` uses."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from pathlib import Path

from supple import planfile
from supple.core import limits
from supple.core.access import Action
from supple.core.errors import NotFound, Refused
from supple.core.plan import Program
from supple.core.profile import Profile
from supple.services.care_access import clinic_refusal, in_clinic
from supple.services.parsing import system_zone
from supple.services.scope import NO_PROFILE, Scope, moment_day
from supple.store import profiles

DEFAULT_TIME = "07:30"


def find_profile(scope: Scope) -> Profile | None:
    """The subject's profile if one exists (``get_profile`` insists on one)."""
    if scope.subject is None:
        return None
    return profiles.get_profile(scope.store, scope.subject)


def get_profile(scope: Scope) -> Profile:
    profile = profiles.get_profile(scope.store, scope.require_subject())
    if profile is None:
        raise NotFound(NO_PROFILE)
    return profile


def current_program(scope: Scope) -> Program:
    """The plan the subject follows, or the bundled one before a profile exists."""
    profile = find_profile(scope)
    return program_for(profile) if profile else planfile.bundled_program()


def program_for(profile: Profile) -> Program:
    """The person's program; a custom plan is parsed once per text, not on every request."""
    if profile.plan_yaml is None:
        return planfile.bundled_program()
    return _parsed_plan(profile.plan_yaml, profile.plan_source or "plan")


PLANS_KEPT = 512  # distinct plan texts a process keeps parsed, ~27 KiB each with its text


@functools.lru_cache(maxsize=PLANS_KEPT)
def _parsed_plan(text: str, source: str) -> Program:
    # Keyed by the text itself (Program is frozen, so sharing one parse is safe). A clinic's
    # dashboard asks for every client's plan on each visit: with fewer plans kept than a
    # caseload holds (templates given to different clients, uploads), each visit parsed them
    # all again (20 templates among 200 clients: 375 ms instead of 67).
    return planfile.program_from_text(text, source)


def create_person(scope: Scope) -> int:
    """A new person; the caller acts for them through ``scope.for_created(id)``."""
    return profiles.create_person(scope.store, at=scope.clock.now())


def _save(scope: Scope, profile: Profile) -> None:
    profiles.save_profile(scope.store, profile, at=scope.clock.now(), actor=scope.actor.label)


def init_profile(
    scope: Scope,
    *,
    start_date: date | None,
    session_time: str | None,
    timezone: str | None,
    plan_path: Path | None,
    schedule_chosen: bool = True,
) -> Profile:
    """Create the profile, or update only the fields given when one exists. Without a subject
    yet, a person is created: the profile's ``person_id`` says who, and the caller goes on
    with ``scope.for_created(profile.person_id)``. ``schedule_chosen`` False: the browser's
    first run made the profile before asking when the person trains (``services.first_run``);
    once chosen, a schedule stays chosen."""
    if start_date is not None:
        zone_now = timezone or _zone_of(scope)
        limits.check_start(start_date, today=moment_day(scope.clock, zone_now))
    person = scope.subject if scope.subject is not None else create_person(scope)
    existing = profiles.get_profile(scope.store, person)
    zone = timezone or (existing.timezone if existing else system_zone())
    plan_text = plan_path.read_text(encoding="utf-8") if plan_path else None
    program = planfile.load_program(plan_path) if plan_path else None
    base = existing or Profile(
        person_id=person,
        start_date=scope.clock.today(zone),
        session_time=DEFAULT_TIME,
        timezone=zone,
        plan_name=planfile.bundled_program().name,
        plan_source=None,
        plan_yaml=None,
    )
    profile = replace(
        base,
        start_date=start_date or base.start_date,
        session_time=session_time or base.session_time,
        timezone=zone,
        schedule_chosen=schedule_chosen
        if existing is None
        else base.schedule_chosen or schedule_chosen,
    )
    if program is not None and plan_path is not None:
        profile = replace(
            profile, plan_name=program.name, plan_source=str(plan_path), plan_yaml=plan_text
        )
    _save(scope, profile)
    return profile


def _zone_of(scope: Scope) -> str:
    profile = find_profile(scope)
    return profile.timezone if profile else system_zone()


CLINIC_PLAN = (
    "in the clinic your plan is given by your clinician; ask them to change it "
    "(they can also adjust one exercise's dose)"
)


def _not_in_clinic(scope: Scope) -> None:
    """A plan switch here records no reason and would leave a clinician's adjustments
    running: in a clinic, plans are given through ``services.prescribing``."""
    clinic_refusal(scope, Action.PRESCRIBE, CLINIC_PLAN)
    if in_clinic(scope):
        raise Refused("in the clinic a plan is given from the client's Prescribe page")


def use_plan(scope: Scope, path: Path) -> Program:
    _not_in_clinic(scope)
    program = planfile.load_program(path)
    profile = get_profile(scope)
    _save(
        scope,
        replace(
            profile,
            plan_name=program.name,
            plan_source=str(path),
            plan_yaml=planfile.read_text(path),
        ),
    )
    return program


def use_bundled_plan(scope: Scope) -> Program:
    _not_in_clinic(scope)
    profile = get_profile(scope)
    program = planfile.bundled_program()
    _save(scope, replace(profile, plan_name=program.name, plan_source=None, plan_yaml=None))
    return program


def plan_text(profile: Profile) -> str:
    return profile.plan_yaml if profile.plan_yaml is not None else planfile.bundled_plan_text()


def plan_summary(file: str, program: Program) -> str:
    """The line ``supple plan validate`` prints for a valid file (the web shows the same)."""
    count = sum(len(d.items) for d in program.days)
    return (
        f"{file}: valid — {program.name!r}, {len(program.days)} days, {count} prescriptions, "
        f"{program.weeks} weeks"
    )


def check_uploaded_plan(raw: bytes, filename: str) -> tuple[Program, str]:
    """Validate an uploaded plan by the loader ``supple plan validate`` uses, straight from its
    bytes; problems name the file as the person called it. Returns the program and its text."""
    name = limits.upload_name(filename)
    text = planfile.decode_text(raw, name)
    return planfile.parse_program(text, name, planfile.bundled_catalog()), text


def use_plan_text(scope: Scope, text: str, source: str) -> Program:
    """Follow a plan given as text (an upload), after validating it again."""
    _not_in_clinic(scope)
    program = planfile.program_from_text(text, source)
    profile = get_profile(scope)
    _save(scope, replace(profile, plan_name=program.name, plan_source=source, plan_yaml=text))
    return program
