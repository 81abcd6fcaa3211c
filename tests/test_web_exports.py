"""The exports on the web: the same calendar, plan, report and backup as the CLI's, served."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import icalendar
import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from supple.web import WebSettings, create_app
from tests import history
from tests.guarded import guarded_client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = history.seeded_database(f"sqlite:///{tmp_path / 'web.db'}")
    app = create_app(WebSettings(database_url=url, today="2026-11-14"))
    with guarded_client(app) as test_client:
        yield test_client
    app.state.store.dispose()


def test_the_calendar_feed_starts_today_and_links_to_this_server(client: TestClient) -> None:
    response = client.get("/calendar.ics?weeks=1&movement_breaks=true&break_every=60")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    sessions = [e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("session-")]
    assert sessions[0].decoded("dtstart").date() == date(2026, 11, 14)
    assert len(sessions) == 7
    assert str(sessions[0]["url"]) == "http://localhost:8765/play?date=2026-11-14"
    assert any("RRULE" in e for e in cal.walk("VEVENT"))


def test_a_bad_break_span_in_the_feed_is_a_422_with_the_reason(client: TestClient) -> None:
    response = client.get("/calendar.ics?movement_breaks=true&break_hours=17:00-09:00")
    assert response.status_code == 422
    assert "ends before it starts" in response.text


def test_the_print_page_and_the_pdf_hold_the_week(client: TestClient) -> None:
    page = client.get("/print?date=2026-11-04")
    assert page.status_code == 200 and "Week 1 at a glance" in page.text
    pdf = client.get("/plan.pdf?paper=letter")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_report_is_served_as_html_and_as_a_valid_fhir_bundle(client: TestClient) -> None:
    page = client.get("/report")
    assert page.status_code == 200 and "10 of 12 scheduled sessions done" in page.text
    fhir = client.get("/report?format=fhir&from=2026-11-09")
    assert fhir.headers["content-type"].startswith("application/fhir+json")
    Bundle.model_validate(fhir.json())


def test_the_backup_download_is_the_cli_export(client: TestClient) -> None:
    response = client.get("/export.json")
    data = json.loads(response.content)
    assert data["format"] == 1 and len(data["sessions"]) == 10
