"""The clinician report as plain data: what the page and the PDF show, for a script or another
system (``GET /api/v1/report`` and ``/api/v1/clients/{client_id}/report``). Every number and
verdict is the report's own (``exports.report.build``); this module only lays it out."""

from __future__ import annotations

from datetime import date
from typing import Any

from supple.exports.report import Report


def _day(on: date | None) -> str | None:
    return on.isoformat() if on else None


def report_json(report: Report) -> dict[str, Any]:
    pain, psfs, review = report.pain, report.psfs, report.review
    return {
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "generated": report.generated.isoformat(),
        "plan": report.program.name,
        "weeks": [
            {
                "week": w.week,
                "from": w.first.isoformat(),
                "to": w.last.isoformat(),
                "done": w.done,
                "scheduled": w.scheduled,
                "share": w.share,
            }
            for w in report.weeks
        ],
        "sessions_done": report.sessions_done,
        "sessions_scheduled": report.sessions_scheduled,
        "habit_reached_on": _day(report.habit_reached_on),
        "mornings": [
            {"date": d.isoformat(), "pain": p, "stiffness": s} for d, p, s in report.mornings
        ],
        "weekly_pain": [{"date": d.isoformat(), "pain": p} for d, p in report.weekly_pain],
        "pain_change": (
            {"baseline": pain.baseline, "now": pain.now, "size": pain.size, "verdict": pain.verdict}
            if pain
            else None
        ),
        "psfs": (
            {
                "baseline": dict(psfs.baseline),
                "now": dict(psfs.now),
                "mean_before": round(psfs.mean_before, 2),
                "mean_now": round(psfs.mean_now, 2),
                "verdict": psfs.verdict,
                "dates": [d.isoformat() for d in report.psfs_dates] if report.psfs_dates else None,
            }
            if psfs
            else None
        ),
        "hurting": [
            {
                "date": h.on.isoformat(),
                "exercise": h.exercise_id,
                "name": h.name,
                "pain": h.pain,
                "quality": h.quality,
                "flagged": h.flagged,
            }
            for h in report.hurting
        ],
        "changes": [{"from": d.isoformat(), "text": text} for d, text in report.changes],
        "pauses": list(report.pauses),
        "review": (
            {
                "decision": review.decision,
                "improved": list(review.improved),
                "advice": review.advice,
            }
            if review
            else None
        ),
    }
