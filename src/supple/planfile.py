"""Plan and catalog files: YAML in, a validated ``core.plan.Program`` out.

The bundled program and a person's own plan go through this one loader, so the rules a
physiotherapist's file must meet are exactly the rules the shipped content meets. Validation
walks PyYAML's node tree (which keeps line and column marks) and collects every problem before
failing, so a person fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from supple.core import limits
from supple.core.errors import PlanError, Problem
from supple.core.plan import (
    CATEGORIES,
    PHASES,
    Day,
    Dose,
    Exercise,
    Prescription,
    Program,
    Swap,
    Tip,
    Variant,
)

FORMAT = 1
CYCLE_DAYS = 7
MAX_MINUTES = 180  # a timed block (minutes, minutes_max) lasts at most three hours
TARGETS = (
    "hip flexors",
    "glutes",
    "hamstrings",
    "lower back",
    "core",
    "quads",
    "adductors",
    "thoracic spine",
    "calves",
    "shoulders",
    "obliques",
    "hip rotators",
    "whole body",
)
EQUIPMENT = (
    "none",
    "mat",
    "bench",
    "foam roller",
    "dumbbells",
    "wall",
    "bike",
    "chair",
    "cushion",
)
BUNDLED_PLAN = "stretch-and-strengthen.yaml"

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


class _Checker:
    """Collects problems against one file while the node tree is walked."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        # swaps naming another exercise, checked once every exercise of the file is known
        self.swap_targets: list[tuple[yaml.Node, str, Swap]] = []

    def fail(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, message))

    def mapping(
        self, node: yaml.Node, what: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values")
            return None
        allowed = required + optional
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.fail(key_node, f"{what}: keys must be plain words")
            elif key in found:
                self.fail(key_node, f"{what}: duplicate key '{key}'")
            elif key not in allowed:
                self.fail(key_node, f"{what}: unknown key '{key}'{_suggest(key, allowed)}")
            else:
                found[key] = value_node
        for key in required:
            if key not in found:
                self.fail(node, f"{what}: missing required key '{key}'")
        return found

    def integer(
        self, node: yaml.Node, what: str, *, low: int = 1, high: int | None = None
    ) -> int | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _INT):
            self.fail(node, f"{what} must be a whole number, got {_show(node)}")
            return None
        value = int(yaml.SafeLoader("").construct_yaml_int(node))  # 1_000, 0x10, 1:30
        if value < low or (high is not None and value > high):
            bound = (
                f"from {low} to {high}"
                if high is not None
                else ("a positive whole number" if low == 1 else f"at least {low}")
            )
            self.fail(node, f"{what} must be {bound}, got {value}")
            return None
        return value

    def number(self, node: yaml.Node, what: str, *, high: float = math.inf) -> float | None:
        if not (isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT)):
            self.fail(node, f"{what} must be a number, got {_show(node)}")
            return None
        value = float(yaml.SafeLoader("").construct_yaml_float(node))  # 1_000, .inf, .nan
        if not math.isfinite(value) or value > high:
            bound = f"up to {high:g}" if math.isfinite(high) else "that is finite"
            self.fail(node, f"{what} must be a number {bound}, got {node.value}")
            return None
        if value <= 0:
            self.fail(node, f"{what} must be more than zero, got {node.value}")
            return None
        return value

    def text(self, node: yaml.Node, what: str, *, nullable: bool = False) -> str | None:
        if nullable and isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return None
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _STR) or not node.value.strip():
            self.fail(node, f"{what} must be non-empty text, got {_show(node)}")
            return None
        problem = limits.text_problem(str(node.value), limit=None)
        if problem:
            self.fail(node, f"{what} {problem}")
            return None
        return str(node.value).strip()

    def choice(self, node: yaml.Node, what: str, options: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is not None and value not in options:
            self.fail(
                node,
                f"{what} must be one of {', '.join(options)}; got '{value}'"
                f"{_suggest(value, options)}",
            )
            return None
        return value

    def sequence(
        self, node: yaml.Node, what: str, *, low: int = 1, high: int | None = None
    ) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list, got {_show(node)}")
            return None
        count = len(node.value)
        if count < low or (high is not None and count > high):
            span = f"{low} to {high}" if high is not None else f"at least {low}"
            self.fail(node, f"{what} must have {span} entries, has {count}")
        return list(node.value)

    def texts(
        self,
        node: yaml.Node,
        what: str,
        *,
        low: int = 1,
        high: int | None = None,
        options: tuple[str, ...] | None = None,
    ) -> tuple[str, ...]:
        out: list[str] = []
        for i, child in enumerate(self.sequence(node, what, low=low, high=high) or []):
            label = f"{what}[{i + 1}]"
            value = self.choice(child, label, options) if options else self.text(child, label)
            if value is not None:
                out.append(value)
        return tuple(out)


def _show(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "nothing"
    return repr(node.value)


def _suggest(word: str, options: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _compose(text: str, file: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise PlanError([Problem(file, line, column, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise PlanError([Problem(file, 1, 1, f"YAML syntax error: {exc}")]) from None
    if node is None:
        raise PlanError([Problem(file, 1, 1, "the file is empty; a plan starts with 'format: 1'")])
    return node


def read_text(path: Path) -> str:
    """Read a plan file, turning every way it can be unreadable into a located problem."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanError([Problem(file, 1, 1, "no such file")]) from None
    except IsADirectoryError:
        raise PlanError([Problem(file, 1, 1, "is a directory, not a plan file")]) from None
    except OSError as exc:
        raise PlanError([Problem(file, 1, 1, f"cannot read the file: {exc.strerror}")]) from None
    return decode_text(raw, file)


def decode_text(raw: bytes, file: str) -> str:
    """A plan's bytes as text (a file's, or an upload's named ``file``), with the same located
    problems for binary or non-UTF-8 content."""
    if b"\x00" in raw:
        raise PlanError([Problem(file, 1, 1, "is a binary file, not a YAML plan")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PlanError([Problem(file, line, column, "is not UTF-8 text")]) from None


# --- exercises -----------------------------------------------------------------------------

_EXERCISE_KEYS = (
    "id",
    "name",
    "category",
    "targets",
    "equipment",
    "per",
    "tempo_seconds",
    "rest_seconds",
    "summary",
    "setup",
    "steps",
    "cues",
    "mistakes",
    "stop_if",
    "easier",
    "harder",
)


def _variant(check: _Checker, node: yaml.Node, what: str) -> Variant | None:
    fields = check.mapping(node, what, ("name", "how"))
    if fields is None:
        return None
    name = check.text(fields["name"], f"{what} name") if "name" in fields else None
    how = check.text(fields["how"], f"{what} how") if "how" in fields else None
    return Variant(name, how) if name and how else None


SWAP_VARIANTS = ("easier", "harder", "same")


def _swaps(
    check: _Checker, node: yaml.Node, what: str, equipment: tuple[str, ...]
) -> tuple[Swap, ...]:
    """The ``without`` entries: for a prop the exercise lists, what to do instead and why."""
    if not isinstance(node, yaml.MappingNode):
        check.fail(node, f"{what} without must be a mapping of equipment to a swap")
        return ()
    swaps: list[Swap] = []
    for key_node, value_node in node.value:
        prop = check.choice(key_node, f"{what} without", EQUIPMENT)
        if prop is None:
            continue
        if prop not in equipment:
            check.fail(key_node, f"{what} without '{prop}': '{prop}' is not in its equipment")
            continue
        label = f"{what} without {prop}"
        fields = check.mapping(value_node, label, ("use", "reason"))
        if fields is None or len(fields) < 2:
            continue
        use = check.text(fields["use"], f"{label} use")
        reason = check.text(fields["reason"], f"{label} reason")
        if use is None or reason is None:
            continue
        swap = Swap(prop, use, reason)
        if use not in SWAP_VARIANTS:
            check.swap_targets.append((fields["use"], what, swap))
        swaps.append(swap)
    return tuple(swaps)


def _check_swap_targets(check: _Checker, catalog: Mapping[str, Exercise]) -> None:
    """A swap to another exercise must name one that exists and does not need the prop."""
    for node, what, swap in check.swap_targets:
        target = catalog.get(swap.use)
        if target is None:
            check.fail(
                node,
                f"{what} without {swap.prop} use: '{swap.use}' is not easier, harder, same "
                f"or a known exercise id{_suggest(swap.use, sorted(catalog))}",
            )
        elif swap.prop in target.equipment:
            check.fail(
                node, f"{what} without {swap.prop} use: '{swap.use}' needs a {swap.prop} too"
            )
    check.swap_targets.clear()


def _exercise(check: _Checker, node: yaml.Node) -> Exercise | None:
    fields = check.mapping(node, "exercise", _EXERCISE_KEYS, ("notes", "phases", "without"))
    if fields is None or any(k not in fields for k in _EXERCISE_KEYS):
        return None
    before = len(check.problems)
    ident = check.text(fields["id"], "exercise id")
    what = f"exercise '{ident}'"
    if ident is not None and not _is_kebab(ident):
        check.fail(fields["id"], f"exercise id '{ident}' must be kebab-case (a-z, 0-9 and '-')")
    per_node = fields["per"]
    per = None if per_node.tag == _NULL else check.choice(per_node, f"{what} per", ("side", "leg"))
    equipment = check.texts(fields["equipment"], f"{what} equipment", options=EQUIPMENT)
    built = dict(
        id=ident,
        name=check.text(fields["name"], f"{what} name"),
        category=check.choice(fields["category"], f"{what} category", CATEGORIES),
        targets=check.texts(fields["targets"], f"{what} targets", options=TARGETS),
        equipment=equipment,
        per=per,
        tempo_seconds=check.integer(fields["tempo_seconds"], f"{what} tempo_seconds", high=60),
        rest_seconds=check.integer(fields["rest_seconds"], f"{what} rest_seconds", low=0, high=600),
        summary=check.text(fields["summary"], f"{what} summary"),
        setup=check.texts(fields["setup"], f"{what} setup"),
        steps=check.texts(fields["steps"], f"{what} steps"),
        cues=check.texts(fields["cues"], f"{what} cues", low=2, high=4),
        mistakes=check.texts(fields["mistakes"], f"{what} mistakes"),
        stop_if=check.texts(fields["stop_if"], f"{what} stop_if"),
        easier=_variant(check, fields["easier"], f"{what} easier"),
        harder=_variant(check, fields["harder"], f"{what} harder"),
        notes=check.text(fields["notes"], f"{what} notes", nullable=True)
        if "notes" in fields
        else None,
        phases=_phases(check, fields, what) if "phases" in fields else (),
    )
    swaps: tuple[Swap, ...] = ()
    if "without" in fields:
        swaps = _swaps(check, fields["without"], what, equipment)
    if len(check.problems) != before:
        return None
    return Exercise(**built, swaps=swaps)  # type: ignore[arg-type]


def _phases(
    check: _Checker, fields: dict[str, yaml.Node], what: str
) -> tuple[tuple[str, int], ...]:
    """``phases: {up: 1, hold: 1, down: 2}``: named parts of one rep, in order, that add up to
    the tempo (so the player's phase and rep clocks cannot disagree)."""
    node = fields["phases"]
    parts = check.mapping(node, f"{what} phases", (), PHASES)
    if not parts:
        if parts is not None:
            check.fail(node, f"{what} phases must name at least one phase ({', '.join(PHASES)})")
        return ()
    out = []
    for name, value in parts.items():
        seconds = check.integer(value, f"{what} phase '{name}'", high=60)
        if seconds is not None:
            out.append((name, seconds))
    tempo_node = fields["tempo_seconds"]
    total = sum(seconds for _, seconds in out)
    tempo = tempo_node.value if isinstance(tempo_node, yaml.ScalarNode) else ""
    if len(out) == len(parts) and tempo.isdigit() and total != int(tempo):
        check.fail(
            node,
            f"{what} phases add up to {total} s but tempo_seconds is {tempo}; make them equal",
        )
    return tuple(out)


def _is_kebab(ident: str) -> bool:
    return all((part.isalnum() and part.islower()) or part.isdigit() for part in ident.split("-"))


def _exercises(
    check: _Checker, node: yaml.Node, known: Mapping[str, Exercise]
) -> dict[str, Exercise]:
    catalog: dict[str, Exercise] = {}
    for child in check.sequence(node, "exercises") or []:
        exercise = _exercise(check, child)
        if exercise is None:
            continue
        if exercise.id in catalog or exercise.id in known:
            check.fail(child, f"exercise id '{exercise.id}' is defined more than once")
            continue
        catalog[exercise.id] = exercise
    _check_swap_targets(check, {**known, **catalog})
    return catalog


def parse_catalog(text: str, file: str) -> dict[str, Exercise]:
    check = _Checker(file)
    root = _compose(text, file)
    fields = check.mapping(root, "catalog", ("format", "exercises"))
    catalog: dict[str, Exercise] = {}
    if fields is not None:
        if "format" in fields:
            _format(check, fields["format"])
        if "exercises" in fields:
            catalog = _exercises(check, fields["exercises"], {})
    if check.problems:
        raise PlanError(check.problems)
    return catalog


# --- program -------------------------------------------------------------------------------

_ITEM_KEYS = ("sets", "reps", "hold_seconds", "minutes", "minutes_max", "per", "notes")


def _format(check: _Checker, node: yaml.Node) -> None:
    if isinstance(node, yaml.ScalarNode) and node.tag == _INT and int(node.value) == FORMAT:
        return
    check.fail(
        node, f"unsupported format {_show(node)}; this version of Supple reads format {FORMAT}"
    )


def _item(
    check: _Checker, node: yaml.Node, where: str, catalog: Mapping[str, Exercise]
) -> Prescription | None:
    fields = check.mapping(node, where, ("exercise",), _ITEM_KEYS)
    if fields is None:
        return None
    before = len(check.problems)
    ident = check.text(fields["exercise"], f"{where} exercise") if "exercise" in fields else None
    if ident is not None and ident not in catalog:
        check.fail(
            fields["exercise"], f"unknown exercise '{ident}'{_suggest(ident, sorted(catalog))}"
        )
    label = f"{where} ({ident})" if ident else where

    def opt(key: str, read: Callable[[yaml.Node, str], Any]) -> Any:
        return read(fields[key], f"{label} {key}") if key in fields else None

    sets = opt("sets", lambda n, w: check.integer(n, w, high=20))
    reps = opt("reps", lambda n, w: check.integer(n, w, high=200))
    hold = opt("hold_seconds", lambda n, w: check.integer(n, w, high=3600))
    minutes = opt("minutes", lambda n, w: check.number(n, w, high=MAX_MINUTES))
    minutes_max = opt("minutes_max", lambda n, w: check.number(n, w, high=MAX_MINUTES))
    per = opt("per", lambda n, w: check.choice(n, w, ("side", "leg")))
    notes = opt("notes", lambda n, w: check.text(n, w, nullable=True))
    given = [k for k in ("reps", "hold_seconds", "minutes") if k in fields]
    if not given:
        check.fail(node, f"{label}: needs one of reps, hold_seconds or minutes")
    elif len(given) > 1:
        check.fail(
            fields[given[1]],
            f"{label}: give only one of reps, hold_seconds or minutes "
            f"(found {' and '.join(given)})",
        )
    if "minutes_max" in fields and "minutes" not in fields:
        check.fail(fields["minutes_max"], f"{label}: minutes_max needs minutes")
    elif minutes is not None and minutes_max is not None and minutes_max <= minutes:
        check.fail(
            fields["minutes_max"],
            f"{label}: minutes_max ({minutes_max:g}) must be more than minutes ({minutes:g})",
        )
    if len(check.problems) != before or ident is None:
        return None
    dose = Dose(
        sets=sets if sets is not None else (None if minutes is not None else 1),
        reps=reps,
        hold_seconds=hold,
        duration_seconds=round(minutes * 60) if minutes is not None else None,
        duration_max_seconds=round(minutes_max * 60) if minutes_max is not None else None,
        per=per,
    )
    return Prescription(exercise_id=ident, dose=dose, notes=notes)


def _day(check: _Checker, node: yaml.Node, catalog: Mapping[str, Exercise]) -> Day | None:
    fields = check.mapping(node, "day", ("day", "title", "goal", "items"))
    if fields is None or len(fields) < 4:
        return None
    number = check.integer(fields["day"], "day", high=CYCLE_DAYS)
    where = f"day {number}" if number else "day"
    title = check.text(fields["title"], f"{where} title")
    goal = check.text(fields["goal"], f"{where} goal")
    items: list[Prescription] = []
    failed = False
    for i, child in enumerate(check.sequence(fields["items"], f"{where} items") or []):
        item = _item(check, child, f"{where} item {i + 1}", catalog)
        failed |= item is None
        if item is not None:
            items.append(item)
    if number is None or title is None or goal is None or failed:
        return None
    return Day(number=number, title=title, goal=goal, items=tuple(items))


def _tips(check: _Checker, node: yaml.Node) -> tuple[Tip, ...]:
    tips: list[Tip] = []
    for i, child in enumerate(check.sequence(node, "tips") or []):
        fields = check.mapping(child, f"tip {i + 1}", ("title", "text"))
        if fields and len(fields) == 2:
            title = check.text(fields["title"], f"tip {i + 1} title")
            text = check.text(fields["text"], f"tip {i + 1} text")
            if title and text:
                tips.append(Tip(title, text))
    return tuple(tips)


def parse_program(text: str, file: str, base_catalog: Mapping[str, Exercise]) -> Program:
    """Validate a plan's text against ``base_catalog`` (plus any exercises it defines)."""
    check = _Checker(file)
    root = _compose(text, file)
    fields = check.mapping(
        root, "plan", ("format", "name", "days"), ("weeks", "about", "tips", "exercises")
    )
    if fields is None:
        raise PlanError(check.problems)
    if "format" in fields:
        _format(check, fields["format"])
    name = check.text(fields["name"], "plan name") if "name" in fields else None
    weeks = check.integer(fields["weeks"], "weeks", high=104) if "weeks" in fields else 4
    about = (check.text(fields["about"], "about") if "about" in fields else None) or ""
    tips = _tips(check, fields["tips"]) if "tips" in fields else ()
    catalog = dict(base_catalog)
    if "exercises" in fields:
        catalog.update(_exercises(check, fields["exercises"], base_catalog))
    days: list[Day] = []
    seen: dict[int, yaml.Node] = {}
    day_nodes = (
        check.sequence(fields["days"], "days", high=CYCLE_DAYS) if "days" in fields else None
    )
    for child in day_nodes or []:
        day = _day(check, child, catalog)
        if day is None:
            continue
        if day.number in seen:
            line = seen[day.number].start_mark.line + 1
            check.fail(child, f"day {day.number} is defined twice (first on line {line})")
            continue
        seen[day.number] = child
        days.append(day)
    if check.problems:
        raise PlanError(check.problems)
    assert name is not None and weeks is not None
    return Program(
        name=name,
        weeks=weeks,
        days=tuple(sorted(days, key=lambda d: d.number)),
        catalog=catalog,
        about=about,
        tips=tips,
    )


# --- entry points --------------------------------------------------------------------------


def _content(name: str) -> str:
    return resources.files("supple.content").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def bundled_catalog() -> Mapping[str, Exercise]:
    return parse_catalog(_content("exercises.yaml"), "exercises.yaml")


def bundled_plan_text() -> str:
    return _content(f"plans/{BUNDLED_PLAN}")


@functools.cache
def bundled_program() -> Program:
    return parse_program(bundled_plan_text(), BUNDLED_PLAN, bundled_catalog())


def load_program(path: Path) -> Program:
    """Read and validate a person's plan file against the bundled catalog."""
    return parse_program(read_text(path), str(path), bundled_catalog())


def program_from_text(text: str | None, file: str = "plan") -> Program:
    """The stored plan (``None`` means the bundled one)."""
    if text is None:
        return bundled_program()
    return parse_program(text, file, bundled_catalog())


# --- the toolkit other YAML readers of the package build on (the figure keyframes) -----------

INT_TAG = _INT
FLOAT_TAG = _FLOAT
Checker = _Checker
compose = _compose
check_format = _format
show = _show
suggest = _suggest
