"""``/account/notifications`` in clinic mode on PostgreSQL (one clinic for the module: each
test works on its own member or compares before and after): a signed-in user adds, lists and
removes their own channels and sets quiet hours; secrets are never shown back whole; mistakes
are answered at the field; no one reaches another user's channels."""

from __future__ import annotations

import re

from supple.services import Scope, notify_channels
from tests.clinic_world import ClinicWorld

PAGE = "/account/notifications"
SECRET = "ntfy://ntfy.example.org/riverside-topic-k9x2?token=tk_secretvalue77"


def test_a_client_adds_an_apprise_url_and_sees_only_its_last_four(
    clinic_world_shared: ClinicWorld,
) -> None:
    w = clinic_world_shared
    me = w.browser(w.a2)
    page = me.get(PAGE)
    assert page.status_code == 200 and "<h1>Notifications</h1>" in page.text
    assert "Remind me at my session time" in page.text
    added = me.post(f"{PAGE}/apprise", data={"url": SECRET}, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == f"{PAGE}?done=added"
    listed = me.get(f"{PAGE}?done=added")
    assert "ntfy://…ue77" in listed.text and "Channel added." in listed.text
    assert "secretvalue" not in listed.text and "riverside-topic" not in listed.text
    email = me.post(f"{PAGE}/email", data={"to": ""}, follow_redirects=False)
    assert email.status_code == 303
    shown = [
        c.shown for c in notify_channels.list_channels(Scope.operator(w.store), email=w.a2.email)
    ]
    assert shown == ["ntfy://…ue77", w.a2.email]


def test_quiet_hours_and_the_reminder_are_saved_and_a_bad_zone_is_named(
    clinic_world_shared: ClinicWorld,
) -> None:
    w = clinic_world_shared
    me = w.browser(w.a1)
    saved = me.post(
        f"{PAGE}/choices",
        data={"quiet_from": "22:00", "quiet_to": "07:00", "zone": "", "reminders": ""},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    chosen = notify_channels.choices(Scope.operator(w.store), email=w.a1.email)
    assert (chosen.quiet_start, chosen.quiet_end, chosen.reminders) == ("22:00", "07:00", False)
    bad = me.post(f"{PAGE}/choices", data={"quiet_from": "22:00", "quiet_to": "", "zone": ""})
    assert bad.status_code == 400 and "quiet hours need a start and an end" in bad.text
    assert re.search(r'id="quiet_from"[^>]*aria-invalid="true"', bad.text)
    zone = me.post(f"{PAGE}/choices", data={"zone": "Mars/Olympus"})
    assert zone.status_code == 400 and "unknown time zone" in zone.text
    assert re.search(r'id="zone"[^>]*aria-invalid="true"', zone.text)


def test_a_bad_apprise_url_is_refused_at_its_field(clinic_world_shared: ClinicWorld) -> None:
    w = clinic_world_shared
    me = w.browser(w.a1)
    before = notify_channels.list_channels(Scope.operator(w.store), email=w.a1.email)
    bad = me.post(f"{PAGE}/apprise", data={"url": "nosuchservice://x/y"})
    assert bad.status_code == 400
    assert "Apprise cannot use a nosuchservice:// URL" in bad.text
    assert re.search(r'id="url"[^>]*aria-invalid="true"', bad.text)
    assert notify_channels.list_channels(Scope.operator(w.store), email=w.a1.email) == before


def test_no_one_removes_another_users_channel_and_nobody_is_sent_to_sign_in(
    clinic_world_shared: ClinicWorld,
) -> None:
    w = clinic_world_shared
    operator = Scope.operator(w.store)
    sealer = w.app.state.roots.sealer()  # the app's own channel key
    theirs = notify_channels.add_channel(operator, sealer, email=w.b1.email, kind="email")
    other = w.browser(w.a1)
    refused = other.post(f"{PAGE}/remove", data={"channel_id": str(theirs.id)})
    assert refused.status_code == 404
    assert [c.id for c in notify_channels.list_channels(operator, email=w.b1.email)] == [theirs.id]
    nobody = w.nobody().get(PAGE, follow_redirects=False)
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/login")
    tokenless = w.browser(w.b1)
    del tokenless.headers["x-csrf-token"]
    forged = tokenless.post(f"{PAGE}/remove", data={"channel_id": str(theirs.id)})
    assert forged.status_code == 403
    assert [c.id for c in notify_channels.list_channels(operator, email=w.b1.email)] == [theirs.id]


def test_a_clinician_chooses_their_channels_without_a_reminder_box(
    clinic_world_shared: ClinicWorld,
) -> None:
    w = clinic_world_shared
    ada = w.browser(w.clin_a)
    page = ada.get(PAGE)
    assert page.status_code == 200 and "alerts about your clients" in page.text
    assert "Remind me" not in page.text
    saved = ada.post(
        f"{PAGE}/choices",
        data={"quiet_from": "21:00", "quiet_to": "06:30", "zone": "Europe/Paris"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    chosen = notify_channels.choices(Scope.operator(w.store), email=w.clin_a.email)
    assert (chosen.zone, chosen.quiet_start) == ("Europe/Paris", "21:00")
