"""Faults: one worker process of ``supple serve --clinic --workers 2`` killed (SIGKILL) while
clients are writing.

Four clients post player events (each with an id of its own) on keep-alive connections. One
worker is killed mid-load. What must hold, and is counted: the other worker goes on answering;
uvicorn's supervisor starts a new worker in the dead one's place; each client sees at most one
request fail (the one in flight on the dead worker's connection, or the first sent on it
after), then goes on through a live worker; and nothing is half-written: every acknowledged
event is stored, a failed one is stored whole or not at all, and sent again it is stored once.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.clinic_world import SECRET_KEY, ClinicWorld, build_world, postgres_url
from tests.served import Client, healthy, serve_clinic, wait_until

PORT = 8857
CLIENTS = 4
BEFORE, AFTER = 1.0, 2.0  # seconds of load before and after the kill
RESPAWN_WITHIN = 45.0  # seconds for the supervisor's new worker to be up (a loaded machine)


@pytest.fixture
def world() -> Iterator[ClinicWorld]:
    for url in postgres_url():
        built = build_world(url)
        built.close()
        built.store.dispose()
        yield built


def _post_events(
    port: int, token: str, path: str, name: str, stop: threading.Event, seen: dict[str, Any]
) -> None:
    client, n = Client(port, token), 0
    while not stop.is_set():
        n += 1
        event_id = f"{name}-{n:05d}"
        try:
            status, _, body, _ = client.send("POST", path, {"id": event_id, "kind": "paused"})
        except (OSError, http.client.HTTPException):
            with seen["lock"]:
                seen["failed"].append((name, event_id))
            continue
        with seen["lock"]:
            seen["answers"][status] += 1
            (seen["acked"] if status == 201 else seen["other"]).append((event_id, status, body))
        time.sleep(0.01)
    client.close()


def _stored(url: str, session_id: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id FROM session_events WHERE session_id = :s"), {"s": session_id}
            )
            return [r[0] for r in rows]
    finally:
        engine.dispose()


def test_a_worker_killed_mid_load_costs_at_most_the_request_in_flight(
    world: ClinicWorld, capsys: Any
) -> None:
    url, token = world.store.url, world.a1.token
    with serve_clinic(url, PORT, "--workers", "2", env={"SUPPLE_SECRET_KEY": SECRET_KEY}) as s:
        assert wait_until(lambda: len(s.workers()) == 2, 30)
        before = s.workers()
        setup = Client(PORT, token)
        status, _, body, _ = setup.send("POST", "/api/v1/sessions", {})
        assert status == 201, body
        session_id = json.loads(body)["id"]
        path = f"/api/v1/sessions/{session_id}/events"
        seen: dict[str, Any] = {
            "lock": threading.Lock(), "answers": Counter(), "acked": [], "other": [], "failed": [],
        }  # fmt: skip
        stop = threading.Event()
        load = [
            threading.Thread(target=_post_events, args=(PORT, token, path, f"c{n}", stop, seen))
            for n in range(CLIENTS)
        ]
        for thread in load:
            thread.start()
        try:
            time.sleep(BEFORE)
            killed = before[0]
            os.kill(killed, signal.SIGKILL)
            killed_at = time.monotonic()
            time.sleep(AFTER)
            served_meanwhile = healthy(s.base)  # the other worker answers
        finally:
            stop.set()
            for thread in load:
                thread.join(30)
        respawned = wait_until(
            lambda: len(s.workers()) == 2 and killed not in s.workers(), RESPAWN_WITHIN
        )
        respawn_took = time.monotonic() - killed_at
        after = s.workers()

        setup.close()  # its connection may have been the dead worker's
        again = Client(PORT, token)
        stored_before_resend = set(_stored(url, session_id))
        failed_ids = [event_id for _, event_id in seen["failed"]]
        for event_id in failed_ids:  # sent again: stored once, whether it went in or not
            status, _, body, _ = again.send("POST", path, {"id": event_id, "kind": "paused"})
            assert status in (200, 201), body
            assert (status == 200) is (event_id in stored_before_resend)
        again.close()
        stored = _stored(url, session_id)
    sent = sum(seen["answers"].values()) + len(failed_ids)
    with capsys.disabled():
        print(
            f"\nworker killed mid-load ({CLIENTS} clients, 2 workers): {sent} events sent, "
            f"{len(seen['acked'])} acknowledged, {len(failed_ids)} failed (of which "
            f"{len(set(failed_ids) & stored_before_resend)} had been stored whole), lost 0; "
            f"new worker up {respawn_took:.1f} s after the kill"
        )
    assert served_meanwhile
    assert respawned, (before, after, s.output[-3000:])
    assert not seen["other"], seen["other"][:5]  # no 5xx, nothing but "stored"
    per_client = Counter(name for name, _ in seen["failed"])
    assert all(count <= 1 for count in per_client.values()), per_client
    acked = {event_id for event_id, _, _ in seen["acked"]}
    assert acked <= stored_before_resend
    assert len(stored) == len(set(stored)) == len(acked | set(failed_ids))
    assert "Traceback" not in s.output, s.output[-3000:]
