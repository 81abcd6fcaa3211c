"""Reaching people (services/reaching.py, jobs/senders.py) on PostgreSQL with real local parts:
e-mail to an aiosmtpd server, Apprise's json:// and Web Push to a loopback HTTP endpoint (the
push payload decrypted with the browser's key). Each message goes once per channel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from supple.core.errors import InputError
from supple.jobs.senders import Mail, Senders
from supple.services import notify_channels, reaching
from supple.store import checkins, screens
from supple.store.notify_schema import deliveries, notification_channels
from tests.local_endpoints import Browser, Endpoint, http_endpoint, smtp_server
from tests.reaching_clinic import (  # noqa: F401  (fixtures)
    BASE,
    Clinic,
    clinic_base_fixture,
    clinic_fixture,
    pg_module_url_fixture,
)

MAIL = Mail("127.0.0.1", 8900, "clinic@riverside.example", None, None, "none")
# Wednesday 4 November 2026 (winter time: Paris is UTC+1); the clients' session time is 07:30.
WED = date(2026, 11, 4)
REMINDER_AT = datetime(2026, 11, 4, 6, 30, tzinfo=UTC)


def senders(c: Clinic) -> Senders:
    scope = c.scope(REMINDER_AT)
    notify_channels.ensure_push_keys(scope, c.sealer)
    return Senders(MAIL, notify_channels.push_private_key(scope, c.sealer), "mailto:c@ex.org")


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with http_endpoint() as found:
        yield found


def add_all_channels(c: Clinic, email: str, endpoint: Endpoint) -> Browser:
    scope = c.scope(REMINDER_AT)
    browser = Browser.subscribe(endpoint.url("/push/sub-1"))
    notify_channels.add_channel(scope, c.sealer, email=email, kind="email")
    notify_channels.add_channel(
        scope, c.sealer, email=email, kind="apprise", target=endpoint.apprise("/hook/a1b2c3d4")
    )
    notify_channels.add_channel(
        scope, c.sealer, email=email, kind="webpush", target=browser.subscription()
    )
    return browser


def reminder(c: Clinic) -> reaching.Due:
    return reaching.Due(c.client_id, "reminder", WED.isoformat(), c.person_id)


def delivery_rows(c: Clinic) -> list[tuple[str, str, str]]:
    with c.store.read() as conn:
        rows = conn.execute(
            sa.select(deliveries.c.kind, deliveries.c.channel, deliveries.c.status).order_by(
                deliveries.c.id
            )
        ).all()
    return [tuple(r) for r in rows]


def test_a_reminder_reaches_every_channel_once_and_a_repeat_sends_nothing(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    browser = add_all_channels(c, "cleo@ex.org", endpoint)
    send = senders(c)
    with smtp_server() as inbox:
        first = reaching.deliver(c.scope(REMINDER_AT), c.sealer, send, reminder(c), BASE)
        again = reaching.deliver(c.scope(REMINDER_AT), c.sealer, send, reminder(c), BASE)
    assert len(first.sent) == 3 and first.already == ()
    assert again.sent == () and len(again.already) == 3
    assert len(inbox) == 1
    mail = inbox[0]
    assert mail["To"] == "cleo@ex.org" and mail["Subject"].startswith("Today's session: ")
    assert f"{BASE}/today" in mail.get_payload()
    hook = [r for r in endpoint.received if r.path.startswith("/hook/")]
    push = [r for r in endpoint.received if r.path.startswith("/push/")]
    assert len(hook) == 1 and len(push) == 1
    assert hook[0].json()["title"] == mail["Subject"]
    # The push is encrypted for the browser, signed with the practice's VAPID key.
    assert push[0].headers["content-encoding"] == "aes128gcm"
    assert push[0].headers["authorization"].startswith("vapid t=")
    assert browser.read(push[0].body) == {
        "title": mail["Subject"],
        "body": hook[0].json()["message"].split("\n")[0],
        "url": f"{BASE}/today",
    }
    assert [s for _, _, s in delivery_rows(c)] == ["sent", "sent", "sent"]


def test_a_failing_channel_fails_the_job_and_its_retry_sends_only_what_failed(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    notify_channels.add_channel(scope, c.sealer, email="cleo@ex.org", kind="email")
    notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="apprise", target=endpoint.apprise("/hook/x")
    )
    endpoint.status = 500
    with smtp_server() as inbox:
        with pytest.raises(reaching.NotDelivered, match="apprise"):
            reaching.deliver(scope, c.sealer, senders(c), reminder(c), BASE)
        assert len(inbox) == 1
        listed = notify_channels.list_channels(scope, email="cleo@ex.org")
        assert listed[1].last_error is not None and listed[0].last_error is None
        endpoint.status = 200
        retried = reaching.deliver(scope, c.sealer, senders(c), reminder(c), BASE)
    assert len(retried.sent) == 1 and retried.sent[0].startswith("apprise:")
    assert len(inbox) == 1  # the e-mail was not sent again
    assert len(endpoint.received) == 2  # the refused attempt, then the accepted one
    assert notify_channels.list_channels(scope, email="cleo@ex.org")[1].last_error is None


def test_two_workers_delivering_the_same_message_at_once_send_it_once(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="apprise", target=endpoint.apprise("/hook/x")
    )
    # The first request is held at the endpoint while the second job runs into the key.
    endpoint.release = threading.Event()
    results: list[reaching.Outcome] = []

    def run() -> None:
        results.append(reaching.deliver(scope, c.sealer, senders(c), reminder(c), BASE))

    first = threading.Thread(target=run)
    first.start()
    assert endpoint.arrived.wait(10)
    second = threading.Thread(target=run)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting on the first's uncommitted row
    endpoint.release.set()
    first.join(10)
    second.join(10)
    assert sorted((len(r.sent), len(r.already)) for r in results) == [(0, 1), (1, 0)]
    assert len(endpoint.received) == 1


def test_quiet_hours_hold_a_message_until_they_end(clinic: Clinic, endpoint: Endpoint) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="apprise", target=endpoint.apprise("/hook/x")
    )
    notify_channels.set_choices(scope, email="cleo@ex.org", quiet=("22:00", "08:00"))
    held = reaching.deliver(scope, c.sealer, senders(c), reminder(c), BASE)
    assert held.held_until == datetime(2026, 11, 4, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert endpoint.received == [] and delivery_rows(c) == []
    later = reaching.deliver(c.scope(held.held_until), c.sealer, senders(c), reminder(c), BASE)
    assert len(later.sent) == 1 and len(endpoint.received) == 1


def test_a_client_is_due_a_reminder_at_their_own_session_time_once(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="apprise", target=endpoint.apprise("/hook/x")
    )
    minute = timedelta(minutes=1)
    before = reaching.due_reminders(scope, REMINDER_AT - 2 * minute, REMINDER_AT - minute)
    due = reaching.due_reminders(scope, REMINDER_AT - minute, REMINDER_AT)
    assert before == []
    assert [(d.user_id, d.kind, d.period) for d in due] == [(c.client_id, "reminder", "2026-11-04")]
    # Olga (another client, same time and zone) has no channel, so nothing is made for her.
    reaching.deliver(scope, c.sealer, senders(c), due[0], BASE)
    late = c.scope(REMINDER_AT + 30 * minute)
    assert reaching.due_reminders(late, REMINDER_AT - minute, REMINDER_AT + 30 * minute) == []


def test_no_reminder_when_turned_off_and_a_done_day_is_skipped_with_its_reason(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="apprise", target=endpoint.apprise("/hook/x")
    )
    notify_channels.set_choices(scope, email="cleo@ex.org", reminders=False)
    assert reaching.due_reminders(scope, REMINDER_AT - timedelta(minutes=1), REMINDER_AT) == []
    notify_channels.set_choices(scope, email="cleo@ex.org", reminders=True)
    from supple.store import sessions

    sessions.create(
        c.store,
        session_id="s-1",
        person_id=c.person_id,
        on=WED,
        week=1,
        day=3,
        started_at=REMINDER_AT - timedelta(hours=1),
        timeline={"steps": []},
    )
    sessions.close(c.store, c.person_id, "s-1", at=REMINDER_AT, reason=None)
    outcome = reaching.deliver(scope, c.sealer, senders(c), reminder(c), BASE)
    assert outcome.skipped == "the day's session is already done"
    assert delivery_rows(c) == [("reminder", "none", "skipped")]
    assert endpoint.received == []


def test_a_pain_stop_and_a_red_flag_alert_their_clinician_only(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    now = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
    scope = c.scope(now)
    for email in ("clara@ex.org", "otto@ex.org"):
        notify_channels.add_channel(
            scope, c.sealer, email=email, kind="apprise", target=endpoint.apprise(f"/hook/{email}")
        )
    at = now - timedelta(minutes=5)
    checkins.upsert(c.store, c.person_id, "exercise", WED, {"pain": 8}, "bird-dog", at=at)
    checkins.upsert(c.store, c.person_id, "exercise", WED, {"pain": 5}, "glute-bridge", at=at)
    checkins.upsert(
        c.store, c.person_id, "exercise", WED, {"pain": 3, "quality": "tingling"}, "dead-bug", at=at
    )
    screens.save_screen(c.store, c.person_id, {"saddle": True, "bladder": True}, at=at)
    due = reaching.due_alerts(scope, now)
    assert sorted(d.period.split(":")[0] for d in due) == ["pain_stop", "pain_stop", "red_flag"]
    assert {d.user_id for d in due} == {c.clinician_id}  # Otto does not treat Cleo
    for item in due:
        reaching.deliver(scope, c.sealer, senders(c), item, BASE)
    bodies = [r.json() for r in endpoint.received]
    assert {r.path for r in endpoint.received} == {"/hook/clara@ex.org"}
    titles = sorted(b["title"] for b in bodies)
    assert titles == [
        f"Pain stop: client {c.person_id}",
        f"Pain stop: client {c.person_id}",
        f"Red flag: client {c.person_id} answered yes",
    ]
    assert any("(8/10)" in b["message"] for b in bodies)
    assert all("cleo" not in b["message"].lower() for b in bodies)  # no names leave the clinic
    assert reaching.due_alerts(scope, now) == []


def test_the_weekly_digest_lists_who_needs_attention(clinic: Clinic, endpoint: Endpoint) -> None:
    c = clinic
    monday = datetime(2026, 11, 9, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    scope = c.scope(monday)
    notify_channels.add_channel(
        scope, c.sealer, email="clara@ex.org", kind="apprise", target=endpoint.apprise("/hook/d")
    )
    notify_channels.set_choices(scope, email="clara@ex.org", zone="Europe/Paris")
    checkins.upsert(
        c.store,
        c.person_id,
        "exercise",
        WED,
        {"pain": 9},
        "bird-dog",
        at=monday - timedelta(days=5),
    )
    due = reaching.due_digests(scope, monday - timedelta(minutes=1), monday)
    assert [(d.user_id, d.period) for d in due] == [(c.clinician_id, "2026-W46")]
    reaching.deliver(scope, c.sealer, senders(c), due[0], BASE)
    body = endpoint.received[0].json()
    # Read by the caseload service (core.attention's rules), worded by kind only.
    assert body["title"] == "Your week: 3 to look at, 1 of 1 active"
    assert body["message"].startswith("Your caseload over the last 7 days: 1 client, ")
    assert f"- client {c.person_id}: session stopped for pain (since 2026-11-04)" in body["message"]
    assert "cleo" not in body["message"].lower()
    assert reaching.due_digests(scope, monday - timedelta(minutes=1), monday) == []
    tuesday = monday + timedelta(days=1)
    assert reaching.due_digests(c.scope(tuesday), tuesday - timedelta(minutes=1), tuesday) == []


def test_giving_up_records_the_failure_so_the_message_is_not_made_again(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="apprise", target=endpoint.apprise("/hook/x")
    )
    window = (REMINDER_AT - timedelta(minutes=1), REMINDER_AT)
    [due] = reaching.due_reminders(scope, *window)
    reaching.give_up(scope, due, "the service did not take the message")
    assert [s for _, _, s in delivery_rows(c)] == ["failed"]
    assert reaching.due_reminders(scope, *window) == []


def test_secret_addresses_are_sealed_at_rest_and_shown_by_scheme_and_last_four(
    clinic: Clinic,
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    url = "tgram://123456789:AAHsecret-token-value/987654321"
    added = notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="apprise", target=url
    )
    assert added.shown == "tgram://…4321"
    with c.store.read() as conn:
        stored = conn.execute(sa.select(notification_channels.c.target)).scalar_one()
    assert "secret-token" not in stored and c.sealer.open(stored) == url
    listed = notify_channels.list_channels(scope, email="cleo@ex.org")
    assert "secret" not in repr(listed)


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        ("apprise", "", "the Apprise URL is empty"),
        ("apprise", "not a url", "not an Apprise URL"),
        ("apprise", "nosuchservice://x/y", "Apprise cannot use a nosuchservice:// URL"),
        ("webpush", "{", "the push subscription is not JSON"),
        ("webpush", '{"endpoint": "https://p.example/x"}', '"keys"'),
        (
            "webpush",
            '{"endpoint": "http://push.example/x", "keys": {"p256dh": "AA", "auth": "AA"}}',
            "must be https://",
        ),
        (
            "webpush",
            '{"endpoint": "https://p.example/x", "keys": {"p256dh": "A$", "auth": "AA"}}',
            "p256dh key is not base64url",
        ),
        ("email", "not-an-address", "is not an email address"),
        ("sms", "x", "unknown channel kind 'sms'"),
    ],
)
def test_a_bad_channel_is_refused_with_what_is_wrong(
    clinic: Clinic, kind: str, target: str, message: str
) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        notify_channels.add_channel(
            clinic.scope(REMINDER_AT), clinic.sealer, email="cleo@ex.org", kind=kind, target=target
        )
    assert notify_channels.list_channels(clinic.scope(REMINDER_AT), email="cleo@ex.org") == []


def test_push_keys_are_made_once_and_the_private_half_is_sealed(clinic: Clinic) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    public = notify_channels.ensure_push_keys(scope, c.sealer)
    assert notify_channels.ensure_push_keys(scope, c.sealer) == public
    assert len(public) == 87  # 65 bytes, base64url without padding
    pem = notify_channels.push_private_key(scope, c.sealer)
    assert pem is not None and pem.startswith("-----BEGIN PRIVATE KEY-----")
    with c.store.read() as conn:
        stored = conn.execute(
            sa.text("SELECT value FROM practice_keys WHERE name = 'vapid_private'")
        )
        assert "PRIVATE KEY" not in stored.scalar_one()


def test_without_smtp_settings_the_email_channel_says_what_to_set(
    clinic: Clinic,
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    notify_channels.add_channel(scope, c.sealer, email="cleo@ex.org", kind="email")
    unset = Senders(None, None, "mailto:c@ex.org")
    with pytest.raises(reaching.NotDelivered, match="SUPPLE_SMTP_HOST"):
        reaching.deliver(scope, c.sealer, unset, reminder(c), BASE)
    assert delivery_rows(c) == []


def test_a_push_subscription_the_browser_dropped_is_removed_not_retried(
    clinic: Clinic, endpoint: Endpoint
) -> None:
    c = clinic
    scope = c.scope(REMINDER_AT)
    browser = Browser.subscribe(endpoint.url("/push/gone"))
    notify_channels.add_channel(
        scope, c.sealer, email="cleo@ex.org", kind="webpush", target=browser.subscription()
    )
    endpoint.status = 410
    outcome = reaching.deliver(scope, c.sealer, senders(c), reminder(c), BASE)
    assert outcome.sent == () and len(endpoint.received) == 1
    assert notify_channels.list_channels(scope, email="cleo@ex.org") == []
