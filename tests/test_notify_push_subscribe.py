"""Web Push from the account page (clinic mode, PostgreSQL): the route the page's script posts
a browser's subscription to stores it as a push channel, refuses a bad one with a 422 that says
what is wrong (and stores nothing), needs the anti-forgery token, and a message then reaches a
loopback push endpoint encrypted for that browser alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from supple.jobs.senders import Senders
from supple.services import Actor, Scope, notify_channels
from supple.services.reaching import Message
from supple.store import channels
from tests.clinic_world import ClinicWorld, Member, build_world, postgres_url
from tests.local_endpoints import Browser, http_endpoint

URL = "/account/notifications/push"
P256DH = "B" + "A" * 86  # 65 bytes once decoded (base64url, no padding)
AUTH = "A" * 22  # 16 bytes


@pytest.fixture(scope="module")
def world() -> Iterator[ClinicWorld]:
    for url in postgres_url():
        w = build_world(url)
        try:
            notify_channels.ensure_push_keys(Scope.operator(w.store, w.clock), _sealer(w))
            yield w
        finally:
            w.close()
            w.store.dispose()


def _sealer(w: ClinicWorld) -> Any:
    return w.app.state.roots.sealer()


def _channels(w: ClinicWorld, member: Member) -> list[notify_channels.ChannelView]:
    scope = Scope(w.store, Actor(member.role.value, member.user.id), None, w.clock)
    return notify_channels.list_channels(scope)


def _sub(endpoint: str = "https://push.example/send/abc", **keys: Any) -> dict[str, Any]:
    return {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": P256DH, "auth": AUTH, **keys},
    }


@pytest.mark.parametrize("who", ["a1", "clin_a"])
def test_a_browsers_subscription_is_stored_as_a_push_channel(world: ClinicWorld, who: str) -> None:
    w = world
    member: Member = getattr(w, who)
    before = len(_channels(w, member))
    answer = w.browser(member).post(URL, json=_sub(f"https://push.example/send/{who}"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["shown"] == f"push via push.example …{AUTH[-4:]}"
    listed = _channels(w, member)
    assert len(listed) == before + 1 and listed[-1].kind == "webpush"
    page = w.browser(member).get("/account/notifications").text
    assert "push via push.example" in page


BAD: list[tuple[str, Any, str]] = [
    ("not JSON", b"{", "is not JSON"),
    ("not UTF-8", b"\xff\xfe{}", "is not UTF-8 text"),
    ("no keys", {"endpoint": "https://push.example/x"}, '"keys"'),
    ("endpoint not text", _sub(endpoint=12), "endpoint is not a web address"),  # type: ignore[arg-type]
    ("endpoint not a URL", _sub("push.example/x"), "endpoint is not a web address"),
    ("malformed address", _sub("https://[::1/x"), "endpoint is not a web address"),
    ("plain http elsewhere", _sub("http://push.example/x"), "must be https://"),
    ("another scheme", _sub("ftp://push.example/x"), "must be https://"),
    ("endpoint too long", _sub("https://push.example/" + "x" * 2000), "at most 2000 fit"),
    ("whole body too long", {**_sub(), "extra": "x" * 4000}, "at most 4000 fit"),
    ("no p256dh", _sub(p256dh=""), "has no p256dh key"),
    ("p256dh not base64url", _sub(p256dh="B$" + "A" * 85), "p256dh key is not base64url"),
    ("p256dh short", _sub(p256dh="B" + "A" * 83), "p256dh key has 63 bytes; a browser's has 65"),
    ("p256dh far too long", _sub(p256dh="A" * 500), "too long for a key of 65 bytes"),
    ("auth short", _sub(auth="A" * 20), "auth key has 15 bytes; a browser's has 16"),
    ("auth not text", _sub(auth=16), "has no auth key"),
]


@pytest.mark.parametrize(("case", "body", "message"), BAD, ids=[c for c, _, _ in BAD])
def test_a_bad_subscription_is_refused_with_what_is_wrong(
    world: ClinicWorld, case: str, body: Any, message: str
) -> None:
    w = world
    before = _channels(w, w.a2)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = w.browser(w.a2).post(URL, content=raw, headers={"content-type": "application/json"})
    assert answer.status_code == 422, (case, answer.status_code, answer.text[:200])
    assert message in answer.json()["detail"], answer.json()
    assert _channels(w, w.a2) == before


def test_the_route_needs_the_anti_forgery_token_and_a_sign_in(world: ClinicWorld) -> None:
    w = world
    forged = w.browser(w.a2)
    del forged.headers["x-csrf-token"]
    assert forged.post(URL, json=_sub()).status_code == 403
    nobody = w.nobody().post(URL, json=_sub())
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/login")
    assert _channels(w, w.a2) == []


def test_a_push_to_the_stored_subscription_arrives_encrypted_for_that_browser(
    world: ClinicWorld,
) -> None:
    w = world
    with http_endpoint() as endpoint:
        browser = Browser.subscribe(endpoint.url("/push/device-1"))
        answer = w.browser(w.b1).post(URL, content=browser.subscription().encode())
        assert answer.status_code == 201, answer.text
        stored = channels.of_user(w.store, w.b1.user.id)[-1]
        target = _sealer(w).open(stored.target)
        scope = Scope.operator(w.store, w.clock)
        send = Senders(None, notify_channels.push_private_key(scope, _sealer(w)), "mailto:c@ex.org")
        message = Message("Time for your session", "Today's session is ready.", "https://x/", "k1")
        send("webpush", target, message)
    assert len(endpoint.received) == 1
    got = endpoint.received[0]
    assert got.path == "/push/device-1"
    assert got.headers["content-encoding"] == "aes128gcm"
    assert got.headers["authorization"].startswith("vapid ")
    assert b"Time for your session" not in got.body  # encrypted on the wire
    assert browser.read(got.body) == {
        "title": "Time for your session",
        "body": "Today's session is ready.",
        "url": "https://x/",
    }
    other = Browser.subscribe(endpoint.url("/push/device-2"))
    with pytest.raises(Exception):  # noqa: B017  (another browser's key cannot read it)
        other.read(got.body)


def test_a_push_channel_is_removed_like_any_other(world: ClinicWorld) -> None:
    w = world
    client = w.browser(w.a1)
    added = client.post(URL, json=_sub("https://push.example/send/removable"))
    assert added.status_code == 201
    removed = client.post("/account/notifications/remove", data={"channel_id": added.json()["id"]})
    assert removed.status_code == 303
    assert all(c.id != added.json()["id"] for c in _channels(w, w.a1))


def test_the_same_device_subscribing_twice_is_one_channel(world: ClinicWorld) -> None:
    w = world
    client = w.browser(w.b1)
    before = len(_channels(w, w.b1))
    first = client.post(URL, json=_sub("https://push.example/send/twice"))
    again = client.post(URL, json=_sub("https://push.example/send/twice"))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(_channels(w, w.b1)) == before + 1
