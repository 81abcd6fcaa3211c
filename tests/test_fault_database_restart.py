"""Faults: PostgreSQL restarted under a running clinic server, with writes and reads going on.

The test starts a cluster of its own (``tests.private_postgres``), serves a clinic from it with
``supple serve --clinic`` in a process of its own, and keeps a client busy: player events (each
with its own id), morning check-ins (each for a day of its own), the today API and the today
page. Mid-load the cluster is stopped the hard way (``pg_ctl stop -m immediate``: no goodbye to
the connections, crash recovery on the way back), left down a while, and started again.

What must hold, and is counted: while it is down every request is answered, and quickly, with
503 (JSON ``{"detail": …}`` for the API, the error page for the page, ``Retry-After`` on both),
never a 500 and never a hang; every write that was acknowledged (2xx) is in the database
afterwards; an event sent again is not stored twice; and once the cluster is back the same
server process answers 200 again, by itself, within a few seconds.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from tests.clinic_world import SECRET_KEY, build_world
from tests.private_postgres import private_cluster
from tests.served import Client, Served, healthy, serve_clinic, wait_until

PG_PORT = 5441
PORT = 8855
ANSWER_WITHIN = 3.0  # seconds: no request may take longer, database up or down
BACK_WITHIN = 10.0  # seconds after the cluster is ready again, the server answers 200
UP_BEFORE, DOWN_FOR, UP_AFTER = 1.5, 2.5, 1.5  # seconds of load in each phase
FIRST_DAY = date(2026, 11, 2)  # the world's program start: check-ins go back from there


@dataclass
class Tally:
    """What the load saw, by phase ("up", "down", "back") and by answer."""

    answers: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    slowest: float = 0.0
    failures: list[str] = field(default_factory=list)  # anything but a 2xx or a proper 503
    acked_events: set[str] = field(default_factory=set)
    unacked_events: set[str] = field(default_factory=set)
    acked_checkins: dict[str, int] = field(default_factory=dict)  # date → pain
    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = "up"


def _check_answer(
    tally: Tally, what: str, status: int, headers: dict[str, str], body: bytes, took: float
) -> None:
    """Count one answer and note anything that is not a 2xx or a well-formed 503."""
    lowered = {k.lower(): v for k, v in headers.items()}
    with tally.lock:
        tally.answers[(tally.phase, what, status)] += 1
        tally.slowest = max(tally.slowest, took)
        if took > ANSWER_WITHIN:
            tally.failures.append(f"{what}: {status} after {took:.1f} s")
        if 200 <= status < 400:  # a page may send the client on (303) to one they owe
            return
        if status != 503 or "retry-after" not in lowered:
            tally.failures.append(f"{what}: {status} {body[:200]!r}")
        elif what == "page" and not lowered.get("content-type", "").startswith("text/html"):
            tally.failures.append(f"page: 503 as {lowered.get('content-type')}")
        elif what != "page" and "detail" not in json.loads(body):
            tally.failures.append(f"{what}: 503 without a detail: {body[:200]!r}")


def _events(port: int, token: str, events_path: str, tally: Tally, stop: threading.Event,
            name: str) -> None:  # fmt: skip
    client, n = Client(port, token), 0
    while not stop.is_set():
        n += 1
        event_id = f"{name}-{n:05d}"
        kind = "paused" if n % 2 else "resumed"
        try:
            status, headers, body, took = client.send(
                "POST", events_path, {"id": event_id, "kind": kind}
            )
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.failures.append(f"event {event_id}: {exc!r}")
                tally.unacked_events.add(event_id)
            continue
        _check_answer(tally, "event", status, headers, body, took)
        with tally.lock:
            (tally.acked_events if status in (200, 201) else tally.unacked_events).add(event_id)
        time.sleep(0.01)
    client.close()


def _checkins(port: int, token: str, tally: Tally, stop: threading.Event) -> None:
    client, n = Client(port, token), 0
    while not stop.is_set():
        n += 1
        on, pain = (FIRST_DAY - timedelta(days=n)).isoformat(), n % 11
        try:
            status, headers, body, took = client.send(
                "POST",
                "/api/v1/checkins",
                {"kind": "morning", "date": on, "pain": pain, "stiffness": 3},
            )
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.failures.append(f"check-in {on}: {exc!r}")
            continue
        _check_answer(tally, "checkin", status, headers, body, took)
        if status == 201:
            with tally.lock:
                tally.acked_checkins[on] = pain
        time.sleep(0.02)
    client.close()


def _reads(port: int, token: str, tally: Tally, stop: threading.Event) -> None:
    client, n = Client(port, token), 0
    while not stop.is_set():
        n += 1
        what, path = ("page", "/") if n % 2 else ("today", "/api/v1/today")
        try:
            status, headers, body, took = client.send("GET", path)
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.failures.append(f"{what}: {exc!r}")
            continue
        _check_answer(tally, what, status, headers, body, took)
        time.sleep(0.02)
    client.close()


def _stored_events(url: str, session_id: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id FROM session_events WHERE session_id = :s"), {"s": session_id}
            )
            return [r[0] for r in rows]
    finally:
        engine.dispose()


def _report(tally: Tally, sent_again: int, back_after: float) -> str:
    lines = ["", "database restarted mid-load (pg_ctl stop -m immediate, then start):"]
    for phase in ("up", "down", "back"):
        counts = {k[1:]: v for k, v in tally.answers.items() if k[0] == phase}
        total = sum(counts.values())
        ok = sum(v for (_, s), v in counts.items() if 200 <= s < 400)
        unavailable = sum(v for (_, s), v in counts.items() if s == 503)
        lines.append(f"  {phase:>5}: {total} requests, {ok} 2xx/3xx, {unavailable} 503")
    lines.append(
        f"  events acknowledged {len(tally.acked_events)}, refused {len(tally.unacked_events)}"
        f" (sent again after: {sent_again}); check-ins acknowledged"
        f" {len(tally.acked_checkins)}; lost 0; slowest answer {tally.slowest:.2f} s;"
        f" 200 again {back_after:.2f} s after the cluster was ready"
    )
    return "\n".join(lines)


def test_a_database_restart_mid_load_loses_no_acknowledged_write(
    capsys: Any,
) -> None:
    with private_cluster(PG_PORT) as cluster:
        world = build_world(cluster.url)
        token = world.a1.token
        world.close()
        world.store.dispose()
        served: Served | None = None
        try:
            with serve_clinic(cluster.url, PORT, env={"SUPPLE_SECRET_KEY": SECRET_KEY}) as served:
                _run_the_restart(cluster, served, token, capsys)
        except BaseException:
            with capsys.disabled():  # what the server said, to tell why
                print("server output:", served.output[-6000:] if served else "")
                print("cluster log:", cluster.log()[-3000:])
            raise
        assert "Traceback" not in served.output, served.output[-6000:]


def _run_the_restart(cluster: Any, served: Served, token: str, capsys: Any) -> None:
    setup = Client(PORT, token)
    status, _, body, _ = setup.send("POST", "/api/v1/sessions", {})
    assert status == 201, body
    session_id = json.loads(body)["id"]
    events_path = f"/api/v1/sessions/{session_id}/events"
    tally, stop = Tally(), threading.Event()
    load = [
        threading.Thread(target=_events, args=(PORT, token, events_path, tally, stop, n))
        for n in ("w1", "w2")
    ]
    load.append(threading.Thread(target=_checkins, args=(PORT, token, tally, stop)))
    load.append(threading.Thread(target=_reads, args=(PORT, token, tally, stop)))
    for thread in load:
        thread.start()
    try:
        time.sleep(UP_BEFORE)
        tally.phase = "down"
        cluster.stop("immediate")
        time.sleep(DOWN_FOR)
        cluster.start()
        ready = time.monotonic()
        tally.phase = "back"
        assert wait_until(lambda: healthy(served.base), BACK_WITHIN, step=0.05)
        back_after = time.monotonic() - ready
        time.sleep(UP_AFTER)
    finally:
        stop.set()
        for thread in load:
            thread.join(30)
    assert served.proc.poll() is None  # the same server, never restarted

    # Every acknowledged event is stored; those refused go in when sent again, and the
    # acknowledged ones sent again are recognised (200, stored: false), not stored twice.
    stored = _stored_events(cluster.url, session_id)
    assert len(stored) == len(set(stored))
    assert tally.acked_events <= set(stored)
    again = Client(PORT, token)
    for event_id in sorted(tally.unacked_events | tally.acked_events):
        status, _, body, _ = again.send("POST", events_path, {"id": event_id, "kind": "paused"})
        assert status in (200, 201), body
        if event_id in tally.acked_events:
            assert status == 200 and json.loads(body)["stored"] is False
    again.close()
    setup.close()
    stored = _stored_events(cluster.url, session_id)
    assert sorted(stored) == sorted(tally.unacked_events | tally.acked_events)

    # Every acknowledged check-in is there, with the pain it was sent with.
    status, _, body, _ = again.send("GET", "/api/v1/checkins?kind=morning")
    assert status == 200
    again.close()
    kept = {row["date"]: row["pain"] for row in json.loads(body)}
    assert {on: kept.get(on) for on in tally.acked_checkins} == tally.acked_checkins

    with capsys.disabled():
        print(_report(tally, len(tally.unacked_events | tally.acked_events), back_after))
    assert not tally.failures, tally.failures[:10]
    down = {k[1:]: v for k, v in tally.answers.items() if k[0] == "down"}
    for what in ("event", "checkin", "page", "today"):  # the outage was met by every kind
        assert down.get((what, 503), 0) > 0, (what, down)
    assert tally.slowest < ANSWER_WITHIN
