"""The worker's use cases: who is due a reminder, an alert or a digest in a tick's window, and
delivering each message once to every channel the user chose.

The worker (``supple.jobs``) owns the queue; everything decided about a message is decided here
and in ``core.notify``. Sending itself is an adapter handed in as ``Send`` (e-mail, Apprise,
Web Push in ``supple.jobs.senders``), so these functions are tested with real local servers and
no queue at all.

Messages name no client and carry no health detail beyond the kind of alert: they travel
through third parties (a mail provider, ntfy, Telegram, a browser's push service). A client is
named by their id and a link into the clinic, where signing in shows the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from hashlib import sha256

from supple.core.errors import SuppleError
from supple.core.notify import (
    digest_due_in_window,
    due_in_window,
    local_moment,
    quiet_until,
    week_key,
)
from supple.core.pain import must_stop
from supple.sealing import Sealer
from supple.services.notify_channels import quiet_hours
from supple.services.scope import Actor, Scope
from supple.store import channels, deliveries, reach
from supple.store import sessions as session_rows

ALERT_LOOKBACK = timedelta(hours=48)
STAFF_ROLES = ("clinician", "admin")  # alerts go to a client's clinicians, of either role


@dataclass(frozen=True)
class Message:
    """What reaches a person: a subject line, a short body, a link, and the key that names it
    once (the e-mail's Message-ID and the push's topic are derived from it)."""

    subject: str
    body: str
    link: str
    key: str

    @property
    def digest(self) -> str:
        return sha256(self.key.encode()).hexdigest()[:32]


Send = Callable[[str, str, Message], None]
"""``send(kind, target, message)``: hand one message to one channel (its opened target), or
raise ``SendError``."""


class SendError(SuppleError):
    """A channel refused or could not take a message; ``gone`` when it never will again
    (a push subscription the browser dropped)."""

    def __init__(self, message: str, gone: bool = False) -> None:
        super().__init__(message)
        self.gone = gone


class NotDelivered(SuppleError):
    """Some channels failed; the job is retried and sends only to those."""


@dataclass(frozen=True)
class Due:
    """One message to make: to ``user_id``, of ``kind``, about ``period``."""

    user_id: int
    kind: str
    period: str
    person_id: int | None = None  # the client an alert is about
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def lock(self) -> str:
        return f"{self.kind}:{self.user_id}:{self.period}"


@dataclass(frozen=True)
class Outcome:
    """What a delivery did: channels sent now, already sent before, held until (quiet hours),
    or skipped with why."""

    sent: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    held_until: datetime | None = None
    skipped: str | None = None


def _fresh(store_scope: Scope, due: list[Due]) -> list[Due]:
    by_kind: dict[str, list[Due]] = {}
    for d in due:
        by_kind.setdefault(d.kind, []).append(d)
    left: list[Due] = []
    for kind, items in by_kind.items():
        done = deliveries.handled(store_scope.store, kind, [(d.user_id, d.period) for d in items])
        left += [d for d in items if (d.user_id, d.period) not in done]
    return left


def due_reminders(scope: Scope, since: datetime, until: datetime) -> list[Due]:
    """Clients whose session time fell in (``since``, ``until``] in their own zone (at most the
    grace late), who want reminders and have not had that day's yet."""
    due = []
    for who in reach.reachable(scope.store, role="client"):
        if not who.reminders or who.session_time is None:
            continue
        day = due_in_window(time.fromisoformat(who.session_time), who.zone, since, until)
        if day is not None:
            due.append(Due(who.user_id, "reminder", day.isoformat(), who.person_id))
    return _fresh(scope, due)


def due_digests(scope: Scope, since: datetime, until: datetime) -> list[Due]:
    """Clinicians whose Monday-morning digest moment fell in the window, not yet sent that
    week (an admin's caseload is the whole practice: the dashboard serves them better)."""
    due = []
    for who in reach.reachable(scope.store, role="clinician"):
        monday = digest_due_in_window(who.zone, since, until)
        if monday is not None:
            due.append(
                Due(who.user_id, "digest", week_key(monday), detail={"on": monday.isoformat()})
            )
    return _fresh(scope, due)


def due_alerts(scope: Scope, until: datetime) -> list[Due]:
    """Each clinician's alerts for ratings at the stop rule (CLINICAL.md §2 rule 2) and red-flag
    "yes" answers recorded in the last 48 hours, not yet delivered."""
    staff = {who.user_id for role in STAFF_ROLES for who in reach.reachable(scope.store, role=role)}
    due = []
    for rec in reach.recent_alert_records(scope.store, until - ALERT_LOOKBACK):
        if rec.clinician_id not in staff:
            continue
        if rec.kind == "pain_stop":
            pain, quality = rec.values.get("pain"), rec.values.get("quality")
            if not must_stop(
                pain if isinstance(pain, int) else None,
                quality if isinstance(quality, str) else None,
            ):
                continue
            detail = {
                "pain": str(pain) if isinstance(pain, int) else "",
                "quality": str(quality or ""),
            }
        else:
            detail = {}
        due.append(
            Due(
                rec.clinician_id,
                "alert",
                f"{rec.kind}:{rec.person_id}:{rec.key}",
                rec.person_id,
                {**detail, "kind": rec.kind, "at": rec.at.isoformat()},
            )
        )
    return _fresh(scope, due)


def _deliver(
    scope: Scope,
    sealer: Sealer,
    send: Send,
    who: reach.Reachable,
    kind: str,
    period: str,
    message: Message,
) -> Outcome:
    store, now = scope.store, scope.clock.now()
    sent: list[str] = []
    already: list[str] = []
    failed: list[str] = []
    for channel in channels.of_user(store, who.user_id):
        target = sealer.open(channel.target)

        def hand_over(kind: str = channel.kind, target: str = target) -> None:
            send(kind, target, message)

        try:
            result = deliveries.send_once(
                store,
                user_id=who.user_id,
                kind=kind,
                period=period,
                channel=channel.key,
                send=hand_over,
                now=now,
            )
        except SendError as exc:
            if exc.gone:  # the browser dropped the subscription: no retry will ever reach it
                channels.remove(store, who.user_id, channel.id)
                continue
            channels.record_error(store, channel.id, str(exc), now)
            failed.append(f"{channel.key}: {exc}")
            continue
        (sent if result == "sent" else already).append(channel.key)
        if result == "sent" and channel.last_error:
            channels.record_error(store, channel.id, None, now)
    if failed:
        raise NotDelivered("; ".join(failed))
    return Outcome(sent=tuple(sent), already=tuple(already))


def give_up(scope: Scope, due: Due, error: str) -> None:
    """After the last retry: record the failure on every channel that has no delivery yet, so
    later ticks stop making this message."""
    store, now = scope.store, scope.clock.now()
    for channel in channels.of_user(store, due.user_id):
        deliveries.record(
            store,
            user_id=due.user_id,
            kind=due.kind,
            period=due.period,
            channel=channel.key,
            status="failed",
            detail=error,
            now=now,
        )


def _skip(scope: Scope, due: Due, why: str) -> Outcome:
    deliveries.record(
        scope.store,
        user_id=due.user_id,
        kind=due.kind,
        period=due.period,
        channel="none",
        status="skipped",
        detail=why,
        now=scope.clock.now(),
    )
    return Outcome(skipped=why)


def _held(scope: Scope, who: reach.Reachable) -> datetime | None:
    return quiet_until(scope.clock.now(), quiet_hours(who.quiet_start, who.quiet_end), who.zone)


def _who(scope: Scope, due: Due) -> reach.Reachable | None:
    found = reach.reachable(scope.store, user_id=due.user_id)
    return found[0] if found else None


def deliver(scope: Scope, sealer: Sealer, send: Send, due: Due, base_url: str) -> Outcome:
    """Make and deliver one message (held when the user's quiet hours cover now; skipped, and
    recorded as such, when there is nothing to say)."""
    who = _who(scope, due)
    if who is None:
        return _skip(scope, due, "no active user with a channel")
    if due.kind == "reminder":
        message = _reminder(scope, who, due, base_url)
    elif due.kind == "alert":
        message = _alert(due, base_url)
    elif due.kind == "digest":
        message = _digest(scope, who, due, base_url)
    else:
        raise ValueError(f"unknown kind of message {due.kind!r}")
    if isinstance(message, str):
        return _skip(scope, due, message)
    held = _held(scope, who)
    if held is not None:
        return Outcome(held_until=held)
    return _deliver(scope, sealer, send, who, due.kind, due.period, message)


def _reminder(scope: Scope, who: reach.Reachable, due: Due, base_url: str) -> Message | str:
    if not who.reminders:
        return "reminders turned off"
    if who.person_id is None:
        return "not a client"
    day = date.fromisoformat(due.period)
    if who.session_time is not None:
        late = scope.clock.now() - local_moment(day, time.fromisoformat(who.session_time), who.zone)
        if late > timedelta(hours=12):
            return "the day's session time passed long ago"
    if any(
        r.finished_at is not None for r in session_rows.of_date(scope.store, who.person_id, day)
    ):
        return "the day's session is already done"
    from supple.services.days import day as plan_day

    client = Scope(scope.store, Actor("operator", None), who.person_id, scope.clock)
    try:
        plan = plan_day(client, day)
    except SuppleError as exc:
        return f"no session to remind of: {exc}"
    if plan.title is None:
        return "a rest day"
    minutes = max(1, round(plan.estimated_seconds / 60))
    return Message(
        subject=f"Today's session: {plan.title}",
        body=f"Your session for today, {plan.title}, takes about {minutes} minutes. "
        "Open Supple when you are ready.",
        link=f"{base_url}/today",
        key=f"reminder:{who.user_id}:{due.period}",
    )


def _alert(due: Due, base_url: str) -> Message:
    client = f"client {due.person_id}"
    link = f"{base_url}/clinic/clients/{due.person_id}"
    if due.detail.get("kind") == "red_flag":
        subject = f"Red flag: {client} answered yes"
        body = (
            f"{client.capitalize()} answered yes to a red-flag question. Their sessions are "
            "paused until a clinician who has seen them records a clearance."
        )
    else:
        rating = f" ({due.detail['pain']}/10)" if due.detail.get("pain") else ""
        quality = f", {due.detail['quality']}" if due.detail.get("quality") else ""
        subject = f"Pain stop: {client}"
        body = (
            f"{client.capitalize()} rated an exercise at the stop rule{rating}{quality}; the "
            "session ended there. Please check on them."
        )
    return Message(subject, body, link, f"alert:{due.user_id}:{due.period}")


# How the digest words each needs-attention kind (``core.attention``): a label, not the
# dashboard's full reason, which may quote the red-flag questions a client answered.
DIGEST_LABELS = {
    "red_flag": "red flag answered yes",
    "pain_stop": "session stopped for pain",
    "pain_unsettled": "pain not settled by the next morning",
    "pain_rising": "weekly pain rising",
    "adherence_drop": "adherence dropping",
    "inactive": "no recent session",
}


def _digest(scope: Scope, who: reach.Reachable, due: Due, base_url: str) -> Message | str:
    from supple.services.caseload import caseload, queue

    staff = Scope(scope.store, Actor("clinician", who.user_id), None, scope.clock)
    rows = caseload(staff)
    if not rows:
        return "no clients on the caseload"
    items = queue(rows)
    done = sum(r.adherence_7d[0] for r in rows)
    planned = sum(r.adherence_7d[1] for r in rows)
    active = sum(1 for r in rows if r.adherence_7d[0])
    share = f"{round(100 * done / planned)} %" if planned else "no sessions planned"
    lines = [
        f"Your caseload over the last 7 days: {len(rows)} client{'s' if len(rows) > 1 else ''}, "
        f"{active} did at least one session; {done} of {planned} planned sessions done "
        f"({share}).",
        "",
        f"Needs attention ({len(items)}):" if items else "No one needs attention.",
        *(
            f"- client {row.client_id}: {DIGEST_LABELS.get(flag.kind, flag.kind)} "
            f"(since {flag.since[:10]})"
            for row, flag in items
        ),
    ]
    return Message(
        subject=f"Your week: {len(items)} to look at, {active} of {len(rows)} active",
        body="\n".join(lines),
        link=f"{base_url}/clinic",
        key=f"digest:{who.user_id}:{due.period}",
    )


def send_test(scope: Scope, sealer: Sealer, send: Send, user_id: int, base_url: str) -> list[str]:
    """Send a test message to each of the user's channels now (not recorded, not held by quiet
    hours: the operator asked for it); each channel's result in words."""
    now = scope.clock.now()
    message = Message(
        subject="Supple: test message",
        body="This is a test from your clinic's Supple: this channel works.",
        link=f"{base_url}/",
        key=f"test:{user_id}:{now.isoformat()}",
    )
    results = []
    for channel in channels.of_user(scope.store, user_id):
        try:
            send(channel.kind, sealer.open(channel.target), message)
        except SendError as exc:
            channels.record_error(scope.store, channel.id, str(exc), now)
            results.append(f"{channel.id} {channel.kind} {channel.shown}: failed: {exc}")
        else:
            channels.record_error(scope.store, channel.id, None, now)
            results.append(f"{channel.id} {channel.kind} {channel.shown}: sent")
    return results
