"""How a user chooses to be reached: their channels (e-mail, an Apprise URL, a Web Push
subscription), quiet hours and the daily reminder; and the practice's Web Push keys.

Targets are checked here, once for every face (the CLI now, the account page later), sealed
with the install's key (``supple.sealing``) and never shown back whole: an Apprise URL by its
scheme and last four characters, a push subscription by its service's host. Today the operator
acts (``supple clinic channels …``, naming the user by e-mail); a signed-in user acting for
themself goes through the same functions with their own account.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import time
from typing import Any
from urllib.parse import urlsplit

from supple.core.errors import InputError, NotFound
from supple.core.notify import QuietHours, shown_secret
from supple.sealing import Sealer
from supple.services.clinic_accounts import parse_email
from supple.services.parsing import parse_time, parse_zone
from supple.services.scope import Scope
from supple.store import accounts, channels, deliveries, practice_keys

MAX_URL = 2000
MAX_SUBSCRIPTION = 4000
VAPID_PUBLIC = "vapid_public"
VAPID_PRIVATE = "vapid_private"  # sealed PEM
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_ENDPOINT = 2000  # characters of a push service's URL (theirs run to a few hundred)
P256DH_BYTES = 65  # an uncompressed P-256 point: 0x04, then x and y (RFC 8291)
AUTH_BYTES = 16  # the browser's authentication secret (RFC 8291)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


@dataclass(frozen=True)
class ChannelView:
    """A channel as it may be shown: never its whole target."""

    id: int
    kind: str
    shown: str
    last_error: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "shown": self.shown,
            "last_error": self.last_error,
        }


SELF_ROLES = ("client", "clinician", "admin")


def _user(scope: Scope, email: str | None) -> accounts.User:
    """The user whose channels are chosen: the one named by ``email`` when the operator acts,
    the actor themself otherwise (no one else's; None names the actor)."""
    if email is None:
        found = None
        if scope.actor.role in SELF_ROLES and scope.actor.id is not None:
            found = accounts.get_user(scope.store, scope.actor.id)
        if found is None or not found.active:
            raise NotFound("no such user")
        return found
    if scope.actor.role != "operator":
        raise NotFound("no such user")
    user = accounts.require_user(scope.store, parse_email(email))
    if not user.active:
        raise InputError(f"{user.email} is disabled; enable them before choosing their channels")
    return user


def user_for(scope: Scope, *, email: str | None = None) -> accounts.User:
    """The active user whose channels the operator is choosing."""
    return _user(scope, email)


def _view(channel: channels.Channel) -> ChannelView:
    return ChannelView(channel.id, channel.kind, channel.shown, channel.last_error)


def check_apprise_url(url: str) -> str:
    """An Apprise URL Apprise itself understands (ntfy://, tgram://, json://, mailto:// …)."""
    text = url.strip()
    if not text:
        raise InputError("the Apprise URL is empty")
    if len(text) > MAX_URL:
        raise InputError(f"the Apprise URL has {len(text)} characters; at most {MAX_URL} fit")
    if "://" not in text or any(c.isspace() for c in text):
        raise InputError(
            "that is not an Apprise URL: expected scheme://… such as ntfy://topic or "
            "json://host/path (the scheme names the service)"
        )
    import apprise

    if not apprise.Apprise().add(text):
        scheme = text.split("://", 1)[0]
        raise InputError(
            f"Apprise cannot use a {scheme}:// URL written this way; check it against the "
            "service's page in Apprise's documentation"
        )
    return text


def _b64url(value: Any, what: str, size: int) -> str:
    """A key of the subscription, base64url (padding optional) of exactly ``size`` bytes: a
    key of another length could never encrypt a message the browser reads."""
    if not isinstance(value, str) or not value:
        raise InputError(f"the push subscription has no {what}")
    if len(value) > 2 * size:
        raise InputError(f"the push subscription's {what} is too long for a key of {size} bytes")
    if not _BASE64URL.fullmatch(value):
        raise InputError(f"the push subscription's {what} is not base64url")
    try:
        raw = base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise InputError(f"the push subscription's {what} is not base64url") from None
    if len(raw) != size:
        raise InputError(
            f"the push subscription's {what} has {len(raw)} bytes; a browser's has {size}"
        )
    return value


def check_subscription(text: str) -> dict[str, Any]:
    """A browser's PushSubscription as JSON: an https endpoint (http only on loopback, for
    tests and a local trial) and its p256dh and auth keys."""
    if len(text) > MAX_SUBSCRIPTION:
        raise InputError(
            f"the push subscription has {len(text)} characters; at most {MAX_SUBSCRIPTION} fit"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the push subscription is not JSON: {exc.msg} at line {exc.lineno}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise InputError('the push subscription needs "endpoint" and "keys": {"p256dh", "auth"}')
    endpoint = data.get("endpoint")
    if isinstance(endpoint, str) and len(endpoint) > MAX_ENDPOINT:
        raise InputError(
            f"the push subscription's endpoint has {len(endpoint)} characters; "
            f"at most {MAX_ENDPOINT} fit"
        )
    try:
        parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
        hostname = parts.hostname if parts else None
    except ValueError:  # a malformed address: an unclosed [ of IPv6, a bad port
        parts = hostname = None
    if parts is None or not hostname:
        raise InputError("the push subscription's endpoint is not a web address")
    if parts.scheme != "https" and not (parts.scheme == "http" and hostname in LOOPBACK):
        raise InputError("the push subscription's endpoint must be https://")
    keys = data["keys"]
    return {
        "endpoint": endpoint,
        "keys": {
            "p256dh": _b64url(keys.get("p256dh"), "p256dh key", P256DH_BYTES),
            "auth": _b64url(keys.get("auth"), "auth key", AUTH_BYTES),
        },
    }


def add_channel(
    scope: Scope,
    sealer: Sealer,
    *,
    email: str | None = None,
    kind: str,
    target: str | None = None,
) -> ChannelView:
    """Give a user a channel. ``email``: to their account's address, or ``target``;
    ``apprise``: ``target`` is the URL; ``webpush``: ``target`` is the subscription's JSON."""
    user = _user(scope, email)
    if kind == "email":
        address = parse_email(target) if target else user.email
        shown = address
        sealed = sealer.seal(address)
    elif kind == "apprise":
        url = check_apprise_url(target or "")
        shown, sealed = shown_secret(url), sealer.seal(url)
    elif kind == "webpush":
        sub = check_subscription(target or "")
        for known in channels.of_user(scope.store, user.id):  # the same device, pressed twice
            if (
                known.kind == "webpush"
                and json.loads(sealer.open(known.target))["endpoint"] == (sub["endpoint"])
            ):
                return _view(known)
        host = urlsplit(sub["endpoint"]).hostname or ""
        shown = f"push via {host} …{sub['keys']['auth'][-4:]}"
        sealed = sealer.seal(json.dumps(sub))
    else:
        raise InputError(f"unknown channel kind {kind!r}: use email, apprise or webpush")
    return _view(channels.add(scope.store, user.id, kind, sealed, shown, scope.clock.now()))


def list_channels(scope: Scope, *, email: str | None = None) -> list[ChannelView]:
    return [_view(c) for c in channels.of_user(scope.store, _user(scope, email).id)]


def remove_channel(scope: Scope, *, email: str | None = None, channel_id: int) -> None:
    user = _user(scope, email)
    if not channels.remove(scope.store, user.id, channel_id):
        raise NotFound(
            f"{user.email} has no channel {channel_id} (see `supple clinic channels list`)"
        )


@dataclass(frozen=True)
class Choices:
    zone: str | None
    quiet_start: str | None
    quiet_end: str | None
    reminders: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "timezone": self.zone,
            "quiet_hours": None
            if self.quiet_start is None
            else {"from": self.quiet_start, "to": self.quiet_end},
            "reminders": self.reminders,
        }


def choices(scope: Scope, *, email: str | None = None) -> Choices:
    prefs = channels.get_prefs(scope.store, _user(scope, email).id)
    return Choices(prefs.timezone, prefs.quiet_start, prefs.quiet_end, prefs.reminders)


def set_choices(
    scope: Scope,
    *,
    email: str | None = None,
    quiet: tuple[str, str] | bool | None = False,
    zone: str | None = None,
    reminders: bool | None = None,
) -> Choices:
    """Change a user's quiet hours (``(from, to)`` as HH:MM, None to clear them, False to keep
    them), zone and daily reminder; what is not given stays."""
    user = _user(scope, email)
    prefs = channels.get_prefs(scope.store, user.id)
    start, end = prefs.quiet_start, prefs.quiet_end
    if quiet is None:
        start = end = None
    elif isinstance(quiet, tuple):
        start, end = parse_time(quiet[0]), parse_time(quiet[1])
        if start == end:
            raise InputError(
                "quiet hours that start when they end cover nothing; use --no-quiet to clear them"
            )
    new = channels.Prefs(
        timezone=parse_zone(zone) if zone else prefs.timezone,
        quiet_start=start,
        quiet_end=end,
        reminders=prefs.reminders if reminders is None else reminders,
    )
    channels.save_prefs(scope.store, user.id, new, scope.clock.now())
    return Choices(new.timezone, new.quiet_start, new.quiet_end, new.reminders)


def recent_deliveries(
    scope: Scope, *, email: str | None = None, limit: int = 20
) -> list[deliveries.Delivery]:
    return deliveries.of_user(scope.store, _user(scope, email).id, limit)


def ensure_push_keys(scope: Scope, sealer: Sealer) -> str:
    """The practice's VAPID public key (the browser's ``applicationServerKey``), made with its
    private half on first call; later calls return the stored one."""
    store = scope.store
    public = practice_keys.get(store, VAPID_PUBLIC)
    if public is not None:
        return public
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from py_vapid import Vapid

    vapid = Vapid()
    vapid.generate_keys()
    raw = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    public = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    private = sealer.seal(vapid.private_pem().decode())
    if not practice_keys.put_new(
        store, {VAPID_PUBLIC: public, VAPID_PRIVATE: private}, scope.clock.now()
    ):
        stored = practice_keys.get(store, VAPID_PUBLIC)  # another process made them first
        assert stored is not None
        return stored
    return public


def push_public_key(scope: Scope) -> str | None:
    """The practice's VAPID public key for a page to subscribe with, or None when the operator
    has not made the keys yet (``supple clinic init`` or ``push-keys``). Reading never makes
    them: a page view is no moment to create the practice's keys."""
    return practice_keys.get(scope.store, VAPID_PUBLIC)


def push_private_key(scope: Scope, sealer: Sealer) -> str | None:
    """The practice's VAPID private key (PEM), opened; None before ``ensure_push_keys``."""
    sealed = practice_keys.get(scope.store, VAPID_PRIVATE)
    return None if sealed is None else sealer.open(sealed)


def quiet_hours(start: str | None, end: str | None) -> QuietHours | None:
    """The core's ``QuietHours`` from stored HH:MM texts (None when not set)."""
    if start is None or end is None:
        return None
    return QuietHours(time.fromisoformat(start), time.fromisoformat(end))
