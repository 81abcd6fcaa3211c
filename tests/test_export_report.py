"""`supple report`: the clinician report as a page, a PDF and a FHIR R4 Bundle, over a period.

Numbers and verdicts are those of ``core.outcomes`` and ``core.adapt``; these tests check that
the report carries them, and that every FHIR resource validates against the R4 models.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from supple import planfile
from supple.core.outcomes import PsfsChange, pain_change
from tests import history
from tests.conftest import Supple

TO = "2026-11-14"


@pytest.fixture
def seeded(supple: Supple, db_url: str) -> Iterator[Supple]:
    history.seeded_database(db_url)
    yield supple


def _run(supple: Supple, tmp_path: Path, fmt: str, *args: str) -> bytes:
    out = tmp_path / f"report.{fmt}"
    result = supple("report", "--to", TO, "--format", fmt, "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_the_html_report_carries_adherence_pain_psfs_what_hurt_and_every_change(
    seeded: Supple, tmp_path: Path
) -> None:
    page = _run(seeded, tmp_path, "html").decode()
    assert "10 of 12 scheduled sessions done (83 %)" in page
    assert "Week 1</td><td>02 Nov – 08 Nov</td><td>5 / 7" in page
    assert "Week 2</td><td>09 Nov – 15 Nov</td><td>5 / 5" in page
    assert "first reached on 09 Nov 2026" in page
    assert pain_change(5, 3).verdict in page
    assert PsfsChange(history.PSFS_START, history.PSFS_LATER).verdict in page
    assert "<td>tie shoes</td><td>4</td><td>7</td><td>+3</td>" in page
    assert "Side-Lying Clamshells</td><td>6</td>" in page
    assert "From 05 Nov:</b> Side-Lying Clamshells: 3 × 15 → 3 × 13 reps per side" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the pain and stiffness chart


def test_a_later_from_date_leaves_out_the_weeks_and_events_before_it(
    seeded: Supple, tmp_path: Path
) -> None:
    page = _run(seeded, tmp_path, "html", "--from", "2026-11-09").decode()
    assert "Week 1</td>" not in page and "5 of 5 scheduled sessions done" in page
    assert "No exercise was rated 6 or more" in page
    assert "No dose changes in this period" in page


def test_the_pdf_report_holds_the_same_facts(seeded: Supple, tmp_path: Path) -> None:
    reader = PdfReader(io.BytesIO(_run(seeded, tmp_path, "pdf")))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Exercise programme report" in text
    assert "10 of 12 scheduled sessions done" in text
    assert "4.0 → 6.0: a real improvement" in text
    assert "Side-Lying Clamshells: 3 × 15 → 3 × 13 reps per side" in text
    assert "it cannot examine you" in text


def _bundle(seeded: Supple, tmp_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_run(seeded, tmp_path, "fhir"))
    return data


def test_every_resource_of_the_fhir_bundle_is_valid_r4(seeded: Supple, tmp_path: Path) -> None:
    data = _bundle(seeded, tmp_path)
    Bundle.model_validate(data)
    assert data["type"] == "collection"
    for entry in data["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"


def test_the_care_plan_lists_each_exercise_as_an_exercise_therapy_request(
    seeded: Supple, tmp_path: Path
) -> None:
    resources = [e["resource"] for e in _bundle(seeded, tmp_path)["entry"]]
    (plan,) = [r for r in resources if r["resourceType"] == "CarePlan"]
    requests = {
        f"urn:uuid:{r['id']}": r for r in resources if r["resourceType"] == "ServiceRequest"
    }
    program = planfile.bundled_program()
    exercises = {program.exercise(i.exercise_id).name for d in program.days for i in d.items}
    assert [a["reference"]["reference"] for a in plan["activity"]] == list(requests)
    assert {r["code"]["text"] for r in requests.values()} == exercises
    for request in requests.values():
        assert request["code"]["coding"] == [
            {"system": "http://snomed.info/sct", "code": "229065009", "display": "Exercise therapy"}
        ]
        assert request["basedOn"] == [{"reference": f"urn:uuid:{plan['id']}"}]
    hip_flexor = next(r for r in requests.values() if r["code"]["text"] == "Hip Flexor Stretch")
    assert [d["text"] for d in hip_flexor["orderDetail"]] == [
        "day 4: hold 30 s per side",
        "day 6: hold 30 s per side",
    ]


def test_each_pain_rating_and_psfs_score_is_an_observation(seeded: Supple, tmp_path: Path) -> None:
    resources = [e["resource"] for e in _bundle(seeded, tmp_path)["entry"]]
    observations = [r for r in resources if r["resourceType"] == "Observation"]
    pain = [o for o in observations if o["code"].get("coding", [{}])[0].get("code") == "72514-3"]
    # 10 mornings, 10 sessions rated before and after, 2 weekly averages, 1 exercise
    assert len(pain) == 10 + 20 + 2 + 1
    assert all(o["code"]["coding"][0]["system"] == "http://loinc.org" for o in pain)
    mornings = sorted(
        (o["effectiveDateTime"], o["valueInteger"])
        for o in pain
        if "on waking" in o["code"]["text"]
    )
    assert mornings[0] == ("2026-11-02", 5) and mornings[-1] == ("2026-11-13", 2)
    psfs = [o for o in observations if "PSFS" in o["code"]["text"]]
    assert [o["valueQuantity"]["value"] for o in psfs] == [4.0, 6.0]
    assert {c["code"]["text"]: c["valueInteger"] for c in psfs[1]["component"]} == (
        history.PSFS_LATER
    )
    assert len({r["id"] for r in resources}) == len(resources)


def test_the_same_period_gives_the_same_resource_ids(seeded: Supple, tmp_path: Path) -> None:
    first = [e["fullUrl"] for e in _bundle(seeded, tmp_path)["entry"]]
    again = [e["fullUrl"] for e in _bundle(seeded, tmp_path)["entry"]]
    assert first == again


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-11-10", "--to", "2026-11-05"), "--from 2026-11-10 is after --to"),
        (("--to", "2026-10-01"), "before the program starts on 2026-11-02"),
        (("--from", "yesterday"), "--from 'yesterday' is not a date"),
        (("--format", "docx"), "Invalid value for '--format'"),
    ],
)
def test_a_bad_period_or_format_is_refused_in_one_line(
    seeded: Supple, args: tuple[str, ...], message: str
) -> None:
    result = seeded("report", *args)
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("fmt", ["html", "pdf", "fhir"])
def test_an_empty_history_has_nothing_to_report(started: Supple, fmt: str) -> None:
    result = started("report", "--to", "2026-11-20", "--format", fmt)
    assert result.exit_code == 2
    assert result.output == (
        "error: nothing to report from 2026-11-02 to 2026-11-20: no sessions or check-ins "
        "were recorded in that period\n"
    )
