"""The fitting choices on the web: Today's links, the player, the session API and history."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supple.web import WebSettings, create_app
from tests.conftest import ready_database
from tests.guarded import guarded_client

TODAY = "2026-11-04"  # day 3: 27 minutes in full, with a bench and weights


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    ready_database(url)
    app = create_app(WebSettings(database_url=url, today=TODAY))
    with guarded_client(app) as c:
        yield c
    app.state.store.dispose()


def links(html: str, css: str) -> dict[str, str]:
    """Text to href of the links with class ``css``."""
    return {
        text: href.replace("&amp;", "&")
        for href, text in re.findall(
            rf'<a class="{css}[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', html
        )
    }


def embedded(html: str) -> dict[str, Any]:
    """The data the player page embeds for its script."""
    found = re.search(r'<script[^>]*id="data"[^>]*>(.*?)</script>', html, re.S)
    assert found, "the player page embeds no data"
    data: dict[str, Any] = json.loads(found[1])
    return data


def test_today_offers_only_budgets_shorter_than_the_day_and_the_props_it_uses(
    client: TestClient,
) -> None:
    html = client.get("/today").text
    chips = links(html, "chip")
    assert chips == {
        "10 min": f"/today?date={TODAY}&minutes=10",
        "15 min": f"/today?date={TODAY}&minutes=15",
        "20 min": f"/today?date={TODAY}&minutes=20",
        "all": f"/today?date={TODAY}",
        "no bench": f"/today?date={TODAY}&without=bench",
        "no weights": f"/today?date={TODAY}&without=weights",
    }
    assert "no foam roller" not in html and '<details class="fit card">' in html


def test_a_day_shorter_than_every_budget_offers_no_minutes(client: TestClient) -> None:
    html = client.get("/today?date=2026-11-07").text  # day 6: 9 minutes, a foam roller
    assert set(links(html, "chip")) == {"no foam roller"}


def test_chosen_links_toggle_and_keep_the_other_choices(client: TestClient) -> None:
    html = client.get("/today?minutes=15&without=bench").text
    chips = links(html, "chip")
    assert chips["15 min"] == f"/today?date={TODAY}&without=bench"  # tapping it again clears it
    assert chips["no bench"] == f"/today?date={TODAY}&minutes=15"
    assert chips["no weights"] == f"/today?date={TODAY}&minutes=15&without=bench,weights"
    assert html.count('aria-current="true"') == 2  # 15 min and no bench
    assert '<details class="fit card" open>' in html
    assert "Fitted to 15 minutes: about 15 min instead of 27 min." in html
    assert "Low Step-Ups instead of Step-Ups (no bench)" in html
    assert "2 sets instead of 3, rests of 15 s instead of 45 s, to fit 15 minutes" in html
    start = links(html, "btn primary big")["Start session"]
    assert start == f"/play?date={TODAY}&minutes=15&without=bench"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("minutes=3", "minutes must be a whole number from 5 to 120, got &#39;3&#39;"),
        ("minutes=lots", "got &#39;lots&#39;"),
        ("without=sofa", "unknown prop &#39;sofa&#39;"),
    ],
)
@pytest.mark.parametrize("page", ["/today", "/play"])
def test_a_bad_choice_is_a_page_that_says_what_is_allowed(
    client: TestClient, page: str, query: str, message: str
) -> None:
    response = client.get(f"{page}?{query}")
    assert response.status_code == 422
    assert message in response.text and "Traceback" not in response.text


def test_the_player_embeds_the_fitted_day_and_the_choices_to_start_it_with(
    client: TestClient,
) -> None:
    html = client.get(f"/play?date={TODAY}&minutes=10&without=bench,weights").text
    data = embedded(html)
    assert data["choices"] == {"minutes": 10, "without": ["bench", "weights"]}
    assert data["total_seconds"] <= 600
    names = {s["exercise_name"] for s in data["steps"]}
    assert "Low Step-Ups" in names and "Step-Ups" not in names


def test_a_session_started_with_choices_stores_them_and_plays_the_fitted_steps(
    client: TestClient,
) -> None:
    body = {"date": TODAY, "minutes": 15, "without": ["bench"]}
    session = client.post("/api/v1/sessions", json=body).json()
    played = embedded(client.get(f"/play?date={TODAY}&minutes=15&without=bench").text)
    assert session["steps"] == played["steps"]
    assert session["fit"]["minutes"] == 15 and session["fit"]["without"] == ["bench"]
    (row,) = client.get("/api/v1/sessions").json()
    assert row["fit"]["changes"][0]["reason"].startswith("Bodyweight Squats: 2 sets instead of 3")
    history = client.get("/history").text
    assert "Fitted to 15 minutes, no bench" in history
    assert "Low Step-Ups instead of Step-Ups (no bench)" in history


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minutes": 2}, "minutes"),
        ({"minutes": 500}, "minutes"),
        ({"without": ["sofa"]}, "without"),
        ({"without": "bench"}, "without"),
    ],
)
def test_the_session_api_refuses_bad_choices_naming_the_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/sessions", json={"date": TODAY, **body})
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])


def test_a_session_without_choices_stores_no_fit(client: TestClient) -> None:
    session = client.post("/api/v1/sessions", json={"date": TODAY}).json()
    assert session["fit"] is None
    assert "fitted" not in client.get("/history").text.lower()
