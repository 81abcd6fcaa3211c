"""`supple clinic …`: the operator's commands for a clinic server (they hold the database, so
they need no sign-in). Thin: each takes the operator's scope from the CLI's root and calls one
use case of ``supple.services.clinic_accounts``; invite links and tokens are printed once and
never stored."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from supple.cli.app import emit_json, friendly, json_option, open_operator_scope, open_sealer

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_BASE_URL = "http://localhost:8765"


def base_url_option(func: F) -> F:
    return click.option(
        "--base-url",
        default=DEFAULT_BASE_URL,
        show_default=True,
        metavar="URL",
        help="The clinic's web address, to build the invite link.",
    )(func)


def _show_invite(email: str, url: str, expires_at: datetime) -> None:
    click.echo(f"Invite link for {email} (works once, until {expires_at:%Y-%m-%d %H:%M} UTC):")
    click.echo(url)


@click.group()
def clinic() -> None:
    """Run a clinic: create it, add staff and clients, users, API tokens, notification channels."""


@clinic.command()
@click.option("--name", required=True, help="The practice's name, as clients will see it.")
@click.option("--admin-email", required=True, metavar="EMAIL", help="The first admin's email.")
@base_url_option
@friendly
def init(name: str, admin_email: str, base_url: str) -> None:
    """Create the practice and its first admin in an empty database.

    Prints a one-time link where the admin sets their password.
    """
    from supple.services import clinic_accounts

    scope = open_operator_scope()
    created = clinic_accounts.init_clinic(
        scope, name=name, admin_email=admin_email, base_url=base_url
    )
    admin = created.admin.email
    click.echo(f"Created the practice {created.practice.name!r} with {admin} as its admin.")
    _show_invite(admin, created.invite.url, created.invite.expires_at)
    _push_keys(scope)


def _push_keys(scope: Any) -> None:
    from supple.services import notify_channels

    public = notify_channels.ensure_push_keys(scope, open_sealer(scope))
    click.echo(f"Web Push public key (the browser's applicationServerKey): {public}")


@clinic.command("push-keys")
@friendly
def push_keys() -> None:
    """Print the practice's Web Push public key, making the key pair if there is none yet."""
    _push_keys(open_operator_scope())


@clinic.command()
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "clinician", "client"]),
    help="What the user does in the practice.",
)
@click.option("--email", required=True, metavar="EMAIL", help="The user's email (their login).")
@click.option("--name", help="The user's name, as others will see it.")
@click.option(
    "--clinician", "clinician_email", metavar="EMAIL", help="For a client: who treats them."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the user's password from the first line of standard input instead of inviting.",
)
@base_url_option
@friendly
def add(
    role: str,
    email: str,
    name: str | None,
    clinician_email: str | None,
    password_stdin: bool,
    base_url: str,
) -> None:
    """Add an admin, a clinician or a client; prints an invite link unless a password is given."""
    from supple.core.access import Role
    from supple.core.errors import InputError
    from supple.services import clinic_accounts

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("--password-stdin found no password on standard input")
    scope = open_operator_scope()
    added = clinic_accounts.add_user(
        scope,
        role=Role(role),
        email=email,
        name=name,
        base_url=base_url,
        clinician_email=clinician_email,
        password=password,
    )
    who = f"{added.user.role.value} {added.user.email}"
    if added.user.person_id is not None:
        who += f" (client id {added.user.person_id})"
    click.echo(f"Added the {who}.")
    if added.invite is None:
        click.echo("They can sign in with the password given.")
    else:
        _show_invite(added.user.email, added.invite.url, added.invite.expires_at)


@clinic.command()
@json_option
@friendly
def users(as_json: bool) -> None:
    """Every user: email, name, role, client id, clinician, and whether active."""
    from supple.services import clinic_accounts

    scope = open_operator_scope()
    data = clinic_accounts.users_json(scope)
    if as_json:
        emit_json(data)
        return
    if not data["users"]:
        click.echo("No users yet: `supple clinic init` creates the first admin.")
        return
    for user in data["users"]:
        parts = [user["email"], user["role"]]
        if user["name"]:
            parts.append(user["name"])
        if user["client_id"] is not None:
            parts.append(f"client id {user['client_id']}")
        if user["clinician_email"]:
            parts.append(f"clinician {user['clinician_email']}")
        if not user["active"]:
            parts.append("disabled")
        click.echo("  ".join(parts))


@clinic.command()
@click.option("--email", required=True, metavar="EMAIL", help="The user to disable.")
@friendly
def disable(email: str) -> None:
    """Disable a user and end all their sign-ins at once."""
    from supple.services import clinic_accounts

    scope = open_operator_scope()
    user, ended = clinic_accounts.disable(scope, email=email)
    plural = "" if ended == 1 else "s"
    click.echo(f"Disabled {user.email}; ended {ended} sign-in{plural}.")


@clinic.command("grant-app-role")
@click.option("--role", required=True, metavar="NAME", help="The role the app connects as.")
@friendly
def grant_app_role(role: str) -> None:
    """Give the app a PostgreSQL role that owns nothing (created if missing).

    Run it as the tables' owner (`--db` or SUPPLE_DATABASE_URL). The role may read and write
    rows and use sequences, nothing else, and row-level security holds it to each request's
    actor. Then run the app with SUPPLE_DATABASE_URL as this role and
    SUPPLE_MIGRATION_DATABASE_URL as the owner. Running it again changes nothing.
    """
    from supple.services import app_role

    granted = app_role.grant_app_role(open_operator_scope(), role)
    made = "Created the role" if granted.created else "The role"
    click.echo(
        f"{made} {granted.role} may read and write the rows of {granted.tables} tables and use "
        f"{granted.sequences} sequences in the schema {granted.schema}; it owns nothing."
    )
    if granted.created:
        click.echo(f"Give it a password in psql (\\password {granted.role}) before it signs in.")
    click.echo(
        "Run the app and the worker with SUPPLE_DATABASE_URL naming this role and "
        "SUPPLE_MIGRATION_DATABASE_URL naming the owner."
    )


@clinic.command()
@click.option("--email", required=True, metavar="EMAIL", help="The user to enable.")
@friendly
def enable(email: str) -> None:
    """Let a disabled user sign in again."""
    from supple.services import clinic_accounts

    user = clinic_accounts.enable(open_operator_scope(), email=email)
    click.echo(f"Enabled {user.email}; they sign in with their password.")


@clinic.command()
@click.option("--email", required=True, metavar="EMAIL", help="The client.")
@click.option(
    "--clinician", "clinician_email", required=True, metavar="EMAIL", help="Who treats them now."
)
@friendly
def assign(email: str, clinician_email: str) -> None:
    """Put a client on a clinician's caseload instead of whoever treated them before."""
    from supple.services import clinic_accounts

    client, clinician = clinic_accounts.assign_client(
        open_operator_scope(), email=email, clinician_email=clinician_email
    )
    click.echo(f"{client.email} is now on {clinician.email}'s caseload.")


@clinic.command("end-sign-ins")
@click.option("--email", required=True, metavar="EMAIL", help="Whose sign-ins to end.")
@friendly
def end_sign_ins(email: str) -> None:
    """End every sign-in of a user (a lost phone) without disabling them."""
    from supple.services import clinic_accounts

    user, ended = clinic_accounts.end_sign_ins(open_operator_scope(), email=email)
    plural = "" if ended == 1 else "s"
    click.echo(f"Ended {ended} sign-in{plural} of {user.email}; they can sign in again.")


@clinic.command("demo-data")
@click.option("--clinicians", type=int, required=True, help="How many clinicians to add.")
@click.option("--clients", type=int, required=True, help="How many clients, shared among them.")
@click.option("--days", type=int, required=True, help="How many days of records, up to today.")
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed, the same data."
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Give every demo account the password on the first line of standard input "
    "(otherwise the clinicians and one client get invite links).",
)
@base_url_option
@friendly
def demo_data(
    clinicians: int, clients: int, days: int, seed: int, password_stdin: bool, base_url: str
) -> None:
    """Fill the clinic with demo clinicians and clients, with realistic records: sessions, check-
    ins, pain that comes and goes, red flags, clearances and dose changes (accounts @demo.example).
    """
    from supple.core.errors import InputError
    from supple.services import demo_data as demo

    demo.check_sizes(clinicians, clients, days)
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("--password-stdin found no password on standard input")
    scope = open_operator_scope()

    def report(done: int, total: int) -> None:
        click.echo(f"  {done:,} of {total:,} clients written", err=True)

    made = demo.make_demo(
        scope,
        clinicians=clinicians,
        clients=clients,
        days=days,
        seed=seed,
        password=password,
        base_url=base_url,
        progress=report if clients > 1000 else None,
    )
    click.echo(
        f"Made a demo practice in {made.seconds:.1f} s: {clinicians:,} clinicians and "
        f"{clients:,} clients with records from {made.first_day} to {made.last_day} (seed {seed})."
    )
    for table, count in made.counts.items():
        click.echo(f"  {table:<18} {count:>12,}")
    click.echo("Sign in as:")
    shown = made.clinicians if len(made.clinicians) <= 10 else made.clinicians[:10]
    for account in [*shown, *([made.sample_client] if made.sample_client else [])]:
        click.echo(f"  {account.email}  {account.name}".rstrip())
        if account.invite is not None:
            until = f"{account.invite.expires_at:%Y-%m-%d %H:%M} UTC"
            click.echo(f"    set a password (works once, until {until}): {account.invite.url}")
    if len(made.clinicians) > len(shown):
        click.echo(
            f"  … and {len(made.clinicians) - len(shown)} more clinicians (`supple clinic users`)"
        )
    if password is not None:
        click.echo("Every demo account signs in with the password given on standard input.")


@clinic.command("reset-two-factor")
@click.option("--email", required=True, metavar="EMAIL", help="The staff member's email.")
@friendly
def reset_two_factor(email: str) -> None:
    """For a lost phone and lost recovery codes: forget a staff member's two-factor setup and
    end their sign-ins; they set it up again at their next sign-in."""
    from supple.services import clinic_accounts

    scope = open_operator_scope()
    user, ended = clinic_accounts.reset_two_factor(scope, email=email)
    plural = "" if ended == 1 else "s"
    click.echo(
        f"Two-factor reset for {user.email}; ended {ended} sign-in{plural}. "
        "They set it up again at their next sign-in."
    )


@clinic.group()
def token() -> None:
    """Personal API tokens for scripts (`Authorization: Bearer …`)."""


@token.command("create")
@click.option("--email", required=True, metavar="EMAIL", help="Whose token it is.")
@click.option("--name", "label", metavar="LABEL", help="What the token is for.")
@friendly
def token_create(email: str, label: str | None) -> None:
    """Make a personal API token and print it once (only its hash is kept)."""
    from supple.services import clinic_accounts

    scope = open_operator_scope()
    value = clinic_accounts.create_token(scope, email=email, label=label)
    click.echo(value)
    click.echo("Copy it now: Supple keeps only its hash and cannot show it again.", err=True)


@token.command("revoke")
@click.option("--email", required=True, metavar="EMAIL", help="Whose tokens to revoke.")
@click.option("--name", "label", metavar="LABEL", help="Only the tokens with this name.")
@friendly
def token_revoke(email: str, label: str | None) -> None:
    """Revoke a user's API tokens (all of them, or those with one name)."""
    from supple.services import clinic_accounts

    scope = open_operator_scope()
    revoked = clinic_accounts.revoke_tokens(scope, email=email, label=label)
    plural = "" if revoked == 1 else "s"
    click.echo(f"Revoked {revoked} token{plural} of {email.strip()}.")


@clinic.group()
def channels() -> None:
    """How each user is reached: e-mail, any Apprise URL, Web Push; quiet hours; reminders."""


def _who() -> Callable[[F], F]:
    return click.option("--email", required=True, metavar="EMAIL", help="Whose channels.")


@channels.command("list")
@_who()
@json_option
@friendly
def channels_list(email: str, as_json: bool) -> None:
    """A user's channels (never the whole of a secret address) and choices."""
    from supple.services import notify_channels

    scope = open_operator_scope()
    found = notify_channels.list_channels(scope, email=email)
    chosen = notify_channels.choices(scope, email=email)
    if as_json:
        emit_json({"channels": [c.as_json() for c in found], **chosen.as_json()})
        return
    if not found:
        click.echo(f"{email.strip()} has no channel yet: `supple clinic channels add`.")
    for c in found:
        error = f"  last error: {c.last_error}" if c.last_error else ""
        click.echo(f"{c.id}  {c.kind}  {c.shown}{error}")
    quiet = (
        f"quiet {chosen.quiet_start}-{chosen.quiet_end}" if chosen.quiet_start else "no quiet hours"
    )
    zone = f" ({chosen.zone})" if chosen.zone else ""
    reminders = "daily reminder on" if chosen.reminders else "daily reminder off"
    click.echo(f"{quiet}{zone}; {reminders}")


@channels.command("add")
@_who()
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["email", "apprise", "webpush"]),
    help="email; apprise (the URL read from standard input); webpush (a PushSubscription's "
    "JSON read from standard input).",
)
@click.option("--to", "to", metavar="ADDRESS", help="For email: another address than the login.")
@friendly
def channels_add(email: str, kind: str, to: str | None) -> None:
    """Add a channel. Secret addresses are read from standard input, never the command line
    (which shell history and `ps` show)."""
    from supple.core.errors import InputError
    from supple.services import notify_channels

    target = to
    if kind == "email" and to is None:
        target = None
    elif kind != "email":
        if to is not None:
            raise InputError("--to is for --kind email; give the URL on standard input")
        target = sys.stdin.read().strip()
        if not target:
            what = "Apprise URL" if kind == "apprise" else "push subscription (JSON)"
            raise InputError(f"found no {what} on standard input")
    scope = open_operator_scope()
    added = notify_channels.add_channel(
        scope, open_sealer(scope), email=email, kind=kind, target=target
    )
    click.echo(f"Added channel {added.id}: {added.kind} {added.shown}")


@channels.command("remove")
@_who()
@click.option("--id", "channel_id", required=True, type=int, help="The channel's number.")
@friendly
def channels_remove(email: str, channel_id: int) -> None:
    """Remove one of a user's channels."""
    from supple.services import notify_channels

    notify_channels.remove_channel(open_operator_scope(), email=email, channel_id=channel_id)
    click.echo(f"Removed channel {channel_id}.")


@channels.command("quiet")
@_who()
@click.option("--from", "start", metavar="HH:MM", help="When quiet hours begin.")
@click.option("--to", "end", metavar="HH:MM", help="When they end (may be past midnight).")
@click.option("--off", is_flag=True, help="No quiet hours.")
@click.option("--zone", metavar="AREA/CITY", help="The user's zone (clients: their profile's).")
@friendly
def channels_quiet(
    email: str, start: str | None, end: str | None, off: bool, zone: str | None
) -> None:
    """Set quiet hours: messages due then wait until they end."""
    from supple.core.errors import InputError
    from supple.services import notify_channels

    quiet: tuple[str, str] | bool | None = False
    if off:
        if start or end:
            raise InputError("--off clears quiet hours; leave out --from and --to")
        quiet = None
    elif start or end:
        if not (start and end):
            raise InputError("quiet hours need both --from and --to (HH:MM)")
        quiet = (start, end)
    elif zone is None:
        raise InputError("give --from and --to, --off, or --zone")
    chosen = notify_channels.set_choices(open_operator_scope(), email=email, quiet=quiet, zone=zone)
    if chosen.quiet_start:
        click.echo(
            f"Quiet hours {chosen.quiet_start}-{chosen.quiet_end} ({chosen.zone or 'their zone'})."
        )
    else:
        click.echo("No quiet hours.")


@channels.command("reminders")
@_who()
@click.argument("state", type=click.Choice(["on", "off"]))
@friendly
def channels_reminders(email: str, state: str) -> None:
    """Turn a client's daily session reminder on or off."""
    from supple.services import notify_channels

    notify_channels.set_choices(open_operator_scope(), email=email, reminders=state == "on")
    click.echo(f"Daily reminder {state}.")


@channels.command("test")
@_who()
@friendly
def channels_test(email: str) -> None:
    """Send a test message to each of the user's channels now."""
    from supple.jobs.root import sender_for
    from supple.services import notify_channels, reaching
    from supple.settings import Settings

    scope = open_operator_scope()
    sealer = open_sealer(scope)
    settings = Settings.from_env()
    user = notify_channels.user_for(scope, email=email)
    results = reaching.send_test(
        scope, sealer, sender_for(scope, sealer, settings), user.id, settings.base_url
    )
    if not results:
        click.echo(f"{user.email} has no channel yet: `supple clinic channels add`.")
    for line in results:
        click.echo(line)
    if any(": failed: " in line for line in results):
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(clinic)
