"""The clinician report as an HL7 FHIR R4 Bundle (JSON), for a clinic's record system.

- the program as a CarePlan whose activities are its exercises, each activity pointing at a
  ServiceRequest coded SNOMED CT 229065009 "Exercise therapy" with the exercise and its doses;
- each pain rating (0–10) as an Observation coded LOINC 72514-3;
- each PSFS rating as an Observation with the mean score as its value and one component per
  activity.

Ids are UUIDs derived from the person and the thing described, so exporting the same period
twice gives the same resources (a receiving system can recognise them).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from supple.exports.report import PainRating, Report

NAMESPACE = uuid.UUID("6f1d9a3e-5c57-4a52-9a51-8f4c2b7e0d11")
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
EXERCISE_THERAPY = {"system": SNOMED, "code": "229065009", "display": "Exercise therapy"}
PAIN_NRS = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}


def _id(person_id: int, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in (person_id, *parts))))


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _ref(resource: dict[str, Any]) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource['id']}"}


def _patient(report: Report) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": _id(report.profile.person_id, "patient"),
        "identifier": [{"system": "urn:supple:person", "value": str(report.profile.person_id)}],
    }


def _exercise_requests(
    report: Report, patient: dict[str, Any], careplan_id: str
) -> list[dict[str, Any]]:
    """One ServiceRequest per exercise of the program, with the days and doses it comes on."""
    program = report.program
    doses: dict[str, list[str]] = {}
    for day in program.days:
        for item in day.items:
            doses.setdefault(item.exercise_id, []).append(
                f"day {day.number}: {item.dose.describe()}"
                + (f" ({item.notes})" if item.notes else "")
            )
    requests = []
    for exercise_id, lines in doses.items():
        exercise = program.catalog[exercise_id]
        requests.append(
            {
                "resourceType": "ServiceRequest",
                "id": _id(report.profile.person_id, "exercise", exercise_id),
                "status": "active",
                "intent": "plan",
                "category": [{"coding": [EXERCISE_THERAPY]}],
                "code": {"coding": [EXERCISE_THERAPY], "text": exercise.name},
                "orderDetail": [{"text": line} for line in lines],
                "subject": _ref(patient),
                "basedOn": [{"reference": f"urn:uuid:{careplan_id}"}],
                "occurrenceTiming": {
                    "repeat": {"frequency": len(lines), "period": 1, "periodUnit": "wk"}
                },
                "patientInstruction": exercise.summary,
            }
        )
    return requests


def _careplan(
    report: Report, patient: dict[str, Any], careplan_id: str, requests: list[dict[str, Any]]
) -> dict[str, Any]:
    program = report.program
    return {
        "resourceType": "CarePlan",
        "id": careplan_id,
        "status": "active",
        "intent": "plan",
        "category": [{"coding": [EXERCISE_THERAPY]}],
        "title": program.name,
        "description": (
            f"A weekly stretch and strengthen programme of {len(program.days)} days, "
            f"{program.weeks} weeks as a course and then continued as maintenance."
        ),
        "subject": _ref(patient),
        "period": {"start": report.profile.start_date.isoformat()},
        "activity": [{"reference": _ref(r)} for r in requests],
    }


def _pain(report: Report, patient: dict[str, Any], rating: PainRating) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": _id(report.profile.person_id, "pain", rating.on, rating.context),
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [PAIN_NRS], "text": f"Pain (0-10), {rating.context}"},
        "subject": _ref(patient),
        "effectiveDateTime": rating.on.isoformat(),
        "issued": rating.recorded_at.isoformat(),
        "valueInteger": rating.value,
        "note": [{"text": f"Pain {rating.context}, rated by the person."}],
    }


def _psfs(
    report: Report, patient: dict[str, Any], on: date, scores: dict[str, int], at: Any
) -> dict[str, Any]:
    mean = round(sum(scores.values()) / len(scores), 2)
    return {
        "resourceType": "Observation",
        "id": _id(report.profile.person_id, "psfs", on),
        "status": "final",
        "category": [SURVEY],
        "code": {"text": "Patient-Specific Functional Scale (PSFS), mean score (0-10)"},
        "subject": _ref(patient),
        "effectiveDateTime": on.isoformat(),
        "issued": at.isoformat(),
        "valueQuantity": {"value": mean, "unit": "score", "system": UCUM, "code": "{score}"},
        "component": [
            {"code": {"text": activity}, "valueInteger": value}
            for activity, value in scores.items()
        ],
    }


def bundle(report: Report) -> dict[str, Any]:
    """The report as a FHIR R4 Bundle of type "collection"."""
    patient = _patient(report)
    careplan_id = _id(report.profile.person_id, "careplan", report.profile.start_date)
    requests = _exercise_requests(report, patient, careplan_id)
    resources: list[dict[str, Any]] = [
        patient,
        _careplan(report, patient, careplan_id, requests),
        *requests,
    ]
    resources += [_pain(report, patient, r) for r in report.ratings]
    resources += [_psfs(report, patient, on, s, at) for on, s, at in report.psfs_scores]
    return {
        "resourceType": "Bundle",
        "id": _id(report.profile.person_id, "report", report.first, report.last),
        "type": "collection",
        "timestamp": report.generated.isoformat(),
        "entry": [_entry(r) for r in resources],
    }
