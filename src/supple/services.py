"""The use cases both faces (terminal and web) call. Adapters parse input and render output;
every rule in between lives here or in the core, once."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supple import planfile
from supple.core.day_plan import DayPlan, plan_day
from supple.core.errors import InputError, NotFound, PlanError
from supple.core.plan import Exercise, Program
from supple.core.profile import Profile
from supple.core.safety import Block
from supple.core.schedule import week_dates
from supple.core.timeline import Settings
from supple.store import profiles
from supple.store.database import Store

DEFAULT_TIME = "07:30"
NO_PROFILE = (
    "no profile yet: run `supple init` to create one (it asks a few safety questions first)"
)


@dataclass
class Context:
    """The store and the person a request acts for."""

    store: Store
    person_id: int | None

    def require_person(self) -> int:
        if self.person_id is None:
            raise NotFound(NO_PROFILE)
        return self.person_id


def local_context(store: Store) -> Context:
    return Context(store, profiles.local_person(store))


# --- parsing what people type ----------------------------------------------------------------


def parse_date(text: str, what: str = "date") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{what} '{text}' is not a date; use YYYY-MM-DD, e.g. 2026-01-31"
        ) from None


def parse_time(text: str) -> str:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InputError(f"time '{text}' is not a time of day; use HH:MM (24-hour), e.g. 07:30")
    return f"{int(match[1]):02d}:{match[2]}"


def parse_zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone '{text}'; use an Area/City name such as Europe/Paris"
        ) from None
    return text


def system_zone() -> str:
    """The machine's IANA zone name when it can be found, else UTC."""
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
        if "zoneinfo/" in target:
            return parse_zone(target.split("zoneinfo/", 1)[1])
    except (OSError, InputError):
        pass
    tz = datetime.now().astimezone().tzinfo
    name = getattr(tz, "key", None)
    return name if isinstance(name, str) else "UTC"


def local_today(zone: str, now: datetime | None = None) -> date:
    moment = now or datetime.now(ZoneInfo(zone))
    return moment.astimezone(ZoneInfo(zone)).date()


# --- profile and plan ------------------------------------------------------------------------


def find_profile(ctx: Context) -> Profile | None:
    """The profile if one exists (``get_profile`` insists on one)."""
    return profiles.get_profile(ctx.store, ctx.person_id) if ctx.person_id is not None else None


def current_program(ctx: Context) -> Program:
    """The plan the person follows, or the bundled one before a profile exists."""
    profile = find_profile(ctx)
    return program_for(profile) if profile else planfile.bundled_program()


def get_profile(ctx: Context) -> Profile:
    profile = profiles.get_profile(ctx.store, ctx.require_person())
    if profile is None:
        raise NotFound(NO_PROFILE)
    return profile


def program_for(profile: Profile) -> Program:
    """The person's program; a custom plan is parsed once per text, not on every request."""
    if profile.plan_yaml is None:
        return planfile.bundled_program()
    return _parsed_plan(profile.plan_yaml, profile.plan_source or "plan")


@functools.lru_cache(maxsize=8)
def _parsed_plan(text: str, source: str) -> Program:
    # Keyed by the text itself (Program is frozen, so sharing one parse is safe).
    return planfile.program_from_text(text, source)


def init_profile(
    ctx: Context,
    *,
    start_date: date | None,
    session_time: str | None,
    timezone: str | None,
    plan_path: Path | None,
) -> Profile:
    """Create the profile, or update only the fields given when one exists."""
    person = ctx.person_id if ctx.person_id is not None else profiles.create_person(ctx.store)
    ctx.person_id = person
    existing = profiles.get_profile(ctx.store, person)
    zone = timezone or (existing.timezone if existing else system_zone())
    plan_text = plan_path.read_text(encoding="utf-8") if plan_path else None
    program = planfile.load_program(plan_path) if plan_path else None
    base = existing or Profile(
        person_id=person,
        start_date=local_today(zone),
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
    )
    if program is not None and plan_path is not None:
        profile = replace(
            profile, plan_name=program.name, plan_source=str(plan_path), plan_yaml=plan_text
        )
    profiles.save_profile(ctx.store, profile)
    return profile


def use_plan(ctx: Context, path: Path) -> Program:
    program = planfile.load_program(path)
    profile = get_profile(ctx)
    profiles.save_profile(
        ctx.store,
        replace(
            profile,
            plan_name=program.name,
            plan_source=str(path),
            plan_yaml=planfile.read_text(path),
        ),
    )
    return program


def use_bundled_plan(ctx: Context) -> Program:
    profile = get_profile(ctx)
    program = planfile.bundled_program()
    profiles.save_profile(
        ctx.store, replace(profile, plan_name=program.name, plan_source=None, plan_yaml=None)
    )
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
    """Validate an uploaded plan by the very loader ``supple plan validate`` uses; problems
    name the file as the person called it. Returns the program and its text."""
    import tempfile

    name = Path(filename).name or "plan.yaml"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        try:
            return planfile.load_program(path), planfile.read_text(path)
        except PlanError as exc:
            raise PlanError([replace(p, file=name) for p in exc.problems]) from None


def use_plan_text(ctx: Context, text: str, source: str) -> Program:
    """Follow a plan given as text (an upload), after validating it again."""
    program = planfile.program_from_text(text, source)
    profile = get_profile(ctx)
    profiles.save_profile(
        ctx.store,
        replace(profile, plan_name=program.name, plan_source=source, plan_yaml=text),
    )
    return program


# --- days ------------------------------------------------------------------------------------


def settings_for(profile: Profile) -> Settings:
    return Settings(rep_mode="done" if profile.rep_mode == "done" else "tempo")


def day(ctx: Context, on: date) -> DayPlan:
    """The day at its adapted doses (CLINICAL.md §2), as every face shows and plays it."""
    from supple import wellbeing

    profile = get_profile(ctx)
    program = program_for(profile)
    adapted = wellbeing.adaptation(ctx, on)
    return plan_day(
        program, profile.start_date, on, adapt=adapted.adapted, settings=settings_for(profile)
    )


def week(ctx: Context, on: date) -> list[DayPlan]:
    """Each day of the week at the doses the history so far gives it."""
    from datetime import timedelta

    from supple import wellbeing

    profile = get_profile(ctx)
    program = program_for(profile)
    settings = settings_for(profile)
    dates = week_dates(profile.start_date, on)
    history = wellbeing.load_history(ctx, dates[-1] - timedelta(days=1))
    return [
        plan_day(
            program,
            profile.start_date,
            d,
            adapt=wellbeing.adaptation(ctx, d, history).adapted,
            settings=settings,
        )
        for d in dates
    ]


# --- exercises -------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("’", "'"))


def find_exercise(catalog: dict[str, Exercise] | Program, query: str) -> Exercise:
    """Find an exercise by id or by a loose version of its name ("bird dog", "childs pose")."""
    entries = list((catalog.catalog if isinstance(catalog, Program) else catalog).values())
    wanted = _squash(query)
    if not wanted:
        raise InputError('give part of an exercise\'s name, e.g. `supple exercise "bird dog"`')
    for exact in (e for e in entries if wanted in (_squash(e.id), _squash(e.name))):
        return exact
    partial = [e for e in entries if wanted in _squash(e.name) or wanted in _squash(e.id)]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        listed = ", ".join(e.name for e in partial)
        raise InputError(f"'{query}' matches several exercises: {listed}; be more specific")
    by_name = {_squash(e.name): e for e in entries}
    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.6)
    if close:
        return by_name[close[0]]
    raise NotFound(f"no exercise matches '{query}'; `supple exercise` lists them all")


def day_estimates(program: Program) -> dict[int, int]:
    """Each day's estimated seconds, from the same timeline a session walks."""
    from supple.core.timeline import build

    return {d.number: build(d.items, program.catalog).total_seconds for d in program.days}


# --- hooks shared by the players and the safety rules ------------------------------------------


def session_gate(ctx: Context, on: date) -> Block | None:
    """Why no session may be offered on ``on`` (a red flag not yet cleared), or None.

    Every face that offers a session (``today``, ``start``, the web player) asks this first.
    Also None before a profile exists, so the caller's own "no profile" message comes first.
    """
    from supple import wellbeing

    if ctx.person_id is None:
        return None
    return wellbeing.gate(ctx, on)


def rate_exercise(
    ctx: Context,
    on: date,
    exercise_id: str,
    *,
    pain: int | None,
    hurt: bool = False,
    quality: str | None = None,
) -> bool:
    """Record how an exercise felt on ``on``; True when it replaced an earlier rating."""
    from supple.store import checkins

    if pain is not None and not 0 <= pain <= 10:
        raise InputError(f"pain must be a whole number from 0 to 10, got {pain}")
    values = {"pain": pain, "hurt": hurt, "quality": quality}
    return checkins.upsert(ctx.store, ctx.require_person(), "exercise", on, values, exercise_id)
