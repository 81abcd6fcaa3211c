"""A process keeps the plans it has parsed (``services.profile.program_for``): a clinic's
dashboard asks for every client's plan on each visit, and a practice's clients share a few
templates' texts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from supple import planfile
from supple.core.plan import Program
from supple.core.profile import Profile
from supple.services import profile as profiles

TEMPLATES = 20  # more than a small cache kept: each visit then parsed every plan again


def _client(person_id: int, text: str, source: str) -> Profile:
    return Profile(
        person_id=person_id,
        start_date=date(2026, 11, 2),
        session_time="07:30",
        timezone="Europe/Paris",
        plan_name="Hips and lower back",
        plan_source=source,
        plan_yaml=text,
    )


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts parsed from here on, with nothing kept from earlier tests."""
    profiles._parsed_plan.cache_clear()
    seen: list[str] = []
    real = planfile.program_from_text

    def counting(text: str | None, file: str = "plan") -> Program:
        seen.append(text or "")
        return real(text, file)

    monkeypatch.setattr(planfile, "program_from_text", counting)
    yield seen
    profiles._parsed_plan.cache_clear()


def test_a_caseload_spread_over_many_templates_parses_each_plan_once_across_visits(
    parsed: list[str],
) -> None:
    bundled = planfile.bundled_plan_text()
    texts = [f"{bundled}\n# template {i}\n" for i in range(TEMPLATES)]
    clients = [_client(i, texts[i % TEMPLATES], f"template {i % TEMPLATES}") for i in range(200)]
    for _ in range(2):  # two visits of the dashboard, every client's plan asked for
        programs = [profiles.program_for(client) for client in clients]
    assert len(parsed) == TEMPLATES
    assert programs[0] is programs[TEMPLATES]  # clients given the same template share one parse


def test_a_plan_whose_text_changes_is_parsed_again(parsed: list[str]) -> None:
    bundled = planfile.bundled_plan_text()
    before = profiles.program_for(_client(1, f"{bundled}\n# week 1\n", "upload.yaml"))
    after = profiles.program_for(_client(1, f"{bundled}\n# week 2\n", "upload.yaml"))
    assert len(parsed) == 2 and before is not after


def test_the_bundled_plan_is_never_parsed_from_a_profile(parsed: list[str]) -> None:
    on_bundled = replace(_client(1, "", ""), plan_yaml=None, plan_source=None)
    assert profiles.program_for(on_bundled) is planfile.bundled_program()
    assert parsed == []
