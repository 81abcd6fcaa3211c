"""The practice's plan templates: list, read, save (from YAML or from the template form) and
delete, and the catalog search the form picks exercises with.

A template is the same plan YAML a person may upload and goes through the same loader
(``planfile``) before it is stored, so a template the practice saves is a plan any client can
follow. The form's fields become YAML here, once, for the page and any other face; a template
first written as YAML keeps its other parts (about, tips, its own exercises) when its days are
edited in the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from supple import planfile
from supple.core import limits
from supple.core.access import Action
from supple.core.errors import FieldError, NotFound, PlanError
from supple.core.plan import Exercise, Program
from supple.services.care_access import authorize
from supple.services.scope import Scope
from supple.store import templates as store
from supple.store.templates import Template

NAME_MAX = 200
PLAN_MAX = 200_000  # characters of template YAML (the bundled plan is about 8,000)
ITEMS_PER_DAY = 8
# An exercise row's fields in the form: ``d3_i1_exercise``, ``d3_i1_sets`` …
ITEM_FIELDS = ("exercise", "sets", "reps", "hold_seconds", "minutes", "per", "notes")
DAYS = range(1, planfile.CYCLE_DAYS + 1)
TEMPLATE_FILE = "template"
NO_SUCH_TEMPLATE = "no such template"

__all__ = [
    "ITEMS_PER_DAY",
    "ITEM_FIELDS",
    "DayDraft",
    "ItemDraft",
    "Template",
    "TemplateDraft",
    "delete_template",
    "draft_from_fields",
    "draft_from_program",
    "get_template",
    "list_templates",
    "plan_problems",
    "save_draft",
    "save_template",
    "search_catalog",
    "template_program",
]


@dataclass(frozen=True)
class ItemDraft:
    exercise: str
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: float | None = None
    per: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class DayDraft:
    number: int
    title: str
    goal: str
    items: tuple[ItemDraft, ...]


@dataclass(frozen=True)
class TemplateDraft:
    """What the template form holds: a name, how many weeks, and the days it fills."""

    name: str
    weeks: int = 4
    days: tuple[DayDraft, ...] = field(default_factory=tuple)

    def plan_yaml(self, keep_from: str | None = None) -> str:
        """The draft as plan YAML; the parts of ``keep_from`` the form does not edit (about,
        tips, exercises of its own) are kept."""
        data: dict[str, Any] = {"format": planfile.FORMAT, "name": self.name, "weeks": self.weeks}
        if keep_from is not None:
            try:
                old = yaml.safe_load(keep_from)
            except yaml.YAMLError:
                old = None
            if isinstance(old, dict):
                for key in ("about", "tips", "exercises"):
                    if key in old:
                        data[key] = old[key]
        data["days"] = [
            {
                "day": day.number,
                "title": day.title,
                "goal": day.goal,
                "items": [_item_yaml(item) for item in day.items],
            }
            for day in self.days
        ]
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _item_yaml(item: ItemDraft) -> dict[str, Any]:
    out: dict[str, Any] = {"exercise": item.exercise}
    for key in ("sets", "reps", "hold_seconds", "minutes", "per", "notes"):
        value = getattr(item, key)
        if value is not None:
            out[key] = int(value) if isinstance(value, float) and value.is_integer() else value
    return out


# --- the form's fields ------------------------------------------------------------------------


def _whole(fields: Mapping[str, str], key: str, label: str) -> int | None:
    raw = fields.get(key, "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"\d{1,6}", raw):
        raise FieldError(key, f"{label} must be a whole number, got {raw!r}")
    return int(raw)


def _decimal(fields: Mapping[str, str], key: str, label: str) -> float | None:
    raw = fields.get(key, "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", raw):
        raise FieldError(key, f"{label} must be a number of minutes such as 5 or 2.5, got {raw!r}")
    return float(raw)


def _text(fields: Mapping[str, str], key: str, label: str, *, limit: int = NAME_MAX) -> str:
    text = " ".join(fields.get(key, "").split())
    problem = limits.text_problem(text, limit=limit)
    if problem:
        raise FieldError(key, f"{label} {problem}")
    return text


def draft_from_fields(fields: Mapping[str, str]) -> TemplateDraft:
    """The template form's fields (``name``, ``weeks``, ``d3_title``, ``d3_goal``,
    ``d3_i1_exercise``, ``d3_i1_sets`` …) as a draft; ``FieldError`` names the first field that
    is malformed. A day with no exercise picked is left out (a rest day)."""
    name = _text(fields, "name", "the name")
    if not name:
        raise FieldError("name", "the name is empty; give the template a name")
    weeks = _whole(fields, "weeks", "weeks") or 4
    days: list[DayDraft] = []
    for number in DAYS:
        items: list[ItemDraft] = []
        for index in range(1, ITEMS_PER_DAY + 1):
            key = f"d{number}_i{index}_"
            where = f"day {number}, exercise {index}:"
            exercise = fields.get(key + "exercise", "").strip()
            if not exercise:
                continue
            per = fields.get(key + "per", "").strip() or None
            if per not in (None, "side", "leg"):
                raise FieldError(key + "per", f"{where} per must be side, leg or empty")
            notes = _text(fields, key + "notes", f"{where} the note") or None
            items.append(
                ItemDraft(
                    exercise=exercise,
                    sets=_whole(fields, key + "sets", f"{where} sets"),
                    reps=_whole(fields, key + "reps", f"{where} reps"),
                    hold_seconds=_whole(fields, key + "hold_seconds", f"{where} hold seconds"),
                    minutes=_decimal(fields, key + "minutes", f"{where} minutes"),
                    per=per,
                    notes=notes,
                )
            )
        if not items:
            continue
        title = _text(fields, f"d{number}_title", f"day {number}: the title")
        goal = _text(fields, f"d{number}_goal", f"day {number}: the goal", limit=1000)
        days.append(
            DayDraft(number, title or f"Day {number}", goal or "As prescribed.", tuple(items))
        )
    if not days:
        raise FieldError("d1_i1_exercise", "pick at least one exercise on at least one day")
    return TemplateDraft(name, weeks, tuple(days))


def draft_from_program(name: str, program: Program) -> TemplateDraft:
    """A stored plan as the form shows it, to edit."""
    days = []
    for day in program.days:
        items = []
        for item in day.items:
            dose = item.dose
            minutes = dose.duration_seconds / 60 if dose.duration_seconds is not None else None
            items.append(
                ItemDraft(
                    item.exercise_id,
                    dose.sets if dose.kind != "timed" or dose.sets else None,
                    dose.reps,
                    dose.hold_seconds,
                    minutes,
                    dose.per,
                    item.notes,
                )
            )
        days.append(DayDraft(day.number, day.title, day.goal, tuple(items)))
    return TemplateDraft(name, program.weeks, tuple(days))


# --- the use cases ----------------------------------------------------------------------------


def _check_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise FieldError("name", "the name is empty; give the template a name")
    problem = limits.text_problem(text, limit=NAME_MAX)
    if problem:
        raise FieldError("name", f"the name {problem}")
    return text


def template_program(text: str) -> Program:
    """A template's YAML as a program, by the loader a person's upload goes through;
    ``PlanError`` lists every problem with its line."""
    return planfile.parse_program(text, TEMPLATE_FILE, planfile.bundled_catalog())


def list_templates(scope: Scope) -> list[Template]:
    authorize(scope, Action.MANAGE_TEMPLATES)
    return store.list_all(scope.store)


def get_template(scope: Scope, template_id: int) -> Template:
    """A template by id, for staff who manage templates or prescribe from them."""
    authorize(scope, Action.MANAGE_TEMPLATES)
    found = store.get(scope.store, template_id)
    if found is None:
        raise NotFound(NO_SUCH_TEMPLATE)
    return found


def save_template(
    scope: Scope, name: str, plan_yaml: str, template_id: int | None = None
) -> Template:
    """Create a template (``template_id`` None) or change one, after the plan loader accepts
    its YAML. The plan's own ``name`` is the template's name, so a client sees the name the
    practice chose."""
    user = authorize(scope, Action.MANAGE_TEMPLATES)
    name = _check_name(name)
    plan_yaml = plan_yaml.replace("\r\n", "\n")  # a browser's text area sends CR LF
    problem = limits.text_problem(plan_yaml, limit=PLAN_MAX)
    if problem:
        raise FieldError("plan_yaml", f"the plan {problem}")
    template_program(plan_yaml)  # PlanError: every problem, by line
    now = scope.clock.now()
    if template_id is None:
        new_id = store.create(scope.store, name, plan_yaml, by=user.id, at=now)
        return get_template(scope, new_id)
    if not store.update(scope.store, template_id, name, plan_yaml, at=now):
        raise NotFound(NO_SUCH_TEMPLATE)
    return get_template(scope, template_id)


def save_draft(scope: Scope, draft: TemplateDraft, template_id: int | None = None) -> Template:
    """Save the template form's draft as YAML (keeping what the form does not edit)."""
    keep = get_template(scope, template_id).plan_yaml if template_id is not None else None
    return save_template(scope, draft.name, draft.plan_yaml(keep), template_id)


def delete_template(scope: Scope, template_id: int) -> None:
    """Remove a template; clients already following it keep their copy of the plan."""
    authorize(scope, Action.MANAGE_TEMPLATES)
    if not store.delete(scope.store, template_id):
        raise NotFound(NO_SUCH_TEMPLATE)


def plan_problems(error: PlanError) -> list[str]:
    """A loader's problems as the template pages list them: "line 4, column 7: …"."""
    return [f"line {p.line}, column {p.column}: {p.message}" for p in error.problems]


def search_catalog(
    query: str = "", area: str = "", equipment: str = "", catalog: Sequence[Exercise] = ()
) -> list[Exercise]:
    """The catalog's exercises whose name (or id) holds ``query``, that work ``area`` (a
    target such as "glutes") and use ``equipment`` ("none" for none), by name."""
    entries = list(catalog) or list(planfile.bundled_catalog().values())
    words = query.casefold().split()
    if area and area not in planfile.TARGETS:
        raise FieldError(
            "area", f"area: unknown area {area!r}; one of {', '.join(planfile.TARGETS)}"
        )
    if equipment and equipment not in planfile.EQUIPMENT:
        raise FieldError(
            "equipment",
            f"equipment: unknown equipment {equipment!r}; one of {', '.join(planfile.EQUIPMENT)}",
        )
    found = [
        e
        for e in entries
        if all(w in f"{e.name} {e.id}".casefold() for w in words)
        and (not area or area in e.targets)
        and (not equipment or equipment in e.equipment)
    ]
    return sorted(found, key=lambda e: e.name)
