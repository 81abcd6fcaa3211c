"""A person's settings for the program: when it started, when they train, where they live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Profile:
    person_id: int
    start_date: date
    session_time: str  # "HH:MM", local to ``timezone``
    timezone: str  # an IANA zone such as "Europe/Paris"
    plan_name: str
    plan_source: str | None  # where a custom plan came from (a file path), None for the bundled one
    plan_yaml: str | None  # the custom plan's text, kept so a moved or deleted file loses nothing
    rep_mode: str = "tempo"
    # False while a browser's first run still owes its schedule step (start date, time, zone)
    schedule_chosen: bool = True
