"""One pain-quality vocabulary (``core.pain.QUALITIES``): the terminal's choices, the API's
schema and the player page's options are all built from it, so a word one face accepts the
others accept too, and a word outside it is refused by all three."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from fastapi.testclient import TestClient

from supple.cli.commands_wellbeing import exercise as checkin_exercise
from supple.core.pain import ALARMING, QUALITIES
from supple.web import WebSettings, create_app
from tests.conftest import Supple, ready_database
from tests.guarded import guarded_client

TODAY = "2026-11-03"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ready_database(url)
    app = create_app(WebSettings(database_url=url, today=TODAY))
    with guarded_client(app) as test_client:
        yield test_client
    app.state.store.dispose()


def _enum(schema: dict[str, Any], model: str) -> set[str]:
    quality = schema["components"]["schemas"][model]["properties"]["quality"]
    (choice,) = [option for option in quality["anyOf"] if option.get("type") != "null"]
    return set(choice["enum"])


def test_every_alarming_quality_is_in_the_vocabulary() -> None:
    assert QUALITIES.keys() >= ALARMING


def test_the_terminal_offers_exactly_the_vocabulary() -> None:
    (option,) = [p for p in checkin_exercise.params if p.name == "quality"]
    assert isinstance(option.type, click.Choice)
    assert set(option.type.choices) == set(QUALITIES)


def test_the_api_schema_offers_exactly_the_vocabulary(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert _enum(schema, "ExerciseCheckin") == set(QUALITIES)
    assert _enum(schema, "Rating") == set(QUALITIES)


def test_the_player_page_offers_exactly_the_vocabulary(client: TestClient) -> None:
    page = client.get("/play").text
    start = page.index('<select id="quality"')
    select = page[start : page.index("</select>", start)]
    values = set(re.findall(r'<option value="([^"]*)"', select))
    assert values == set(QUALITIES) | {""}  # "" is "nothing to add"


@pytest.mark.parametrize("quality", sorted(QUALITIES))
def test_the_api_accepts_each_word_of_the_vocabulary(client: TestClient, quality: str) -> None:
    exercise = client.get("/api/v1/today").json()["items"][0]["exercise"]
    body = {"kind": "exercise", "exercise": exercise, "pain": 2, "quality": quality}
    answer = client.post("/api/v1/checkins", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["stop"] is (quality in ALARMING)


@pytest.mark.parametrize("word", ["stretch", "tickly", "Sharp pain"])
def test_a_word_outside_the_vocabulary_is_refused_by_the_api_and_the_terminal(
    client: TestClient, started: Supple, word: str
) -> None:
    exercise = client.get("/api/v1/today").json()["items"][0]["exercise"]
    body = {"kind": "exercise", "exercise": exercise, "pain": 2, "quality": word}
    assert client.post("/api/v1/checkins", json=body).status_code == 422
    result = started(
        "checkin", "exercise", "bird dog", "--pain", "2", "--quality", word, "--date", TODAY
    )
    assert result.exit_code == 2 and "--quality" in result.output


def test_the_terminal_accepts_a_word_the_api_accepts(started: Supple) -> None:
    result = started(
        "checkin", "exercise", "bird dog", "--pain", "2", "--quality", "dull", "--date", TODAY
    )
    assert result.exit_code == 0, result.output
