"""`supple clinic channels …`, `supple clinic push-keys` and `supple worker`'s refusals, as an
operator types them, on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet

from supple.cli.main import cli as root
from tests.local_endpoints import Browser, http_endpoint, smtp_server
from tests.reaching_clinic import pg_module_url_fixture  # noqa: F401

KEY = Fernet.generate_key().decode()


class Operator:
    def __init__(self, url: str) -> None:
        self.env = {
            "SUPPLE_DATABASE_URL": url,
            "SUPPLE_CHANNEL_KEY": KEY,
            "SUPPLE_SMTP_HOST": "127.0.0.1",
            "SUPPLE_SMTP_PORT": "8900",
            "SUPPLE_SMTP_SECURITY": "none",
            "SUPPLE_SMTP_FROM": "clinic@riverside.example",
        }

    def __call__(self, *args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(root, list(args), input=input, env=self.env, catch_exceptions=False)


@pytest.fixture(scope="module")
def operator(pg_module_url: str) -> Iterator[Operator]:
    op = Operator(pg_module_url)
    made = op("clinic", "init", "--name", "Riverside", "--admin-email", "eve@ex.org")
    assert made.exit_code == 0, made.output
    assert "Web Push public key (the browser's applicationServerKey): " in made.output
    added = op("clinic", "add", "--role", "client", "--email", "cleo@ex.org")
    assert added.exit_code == 0, added.output
    yield op


def test_push_keys_prints_the_key_init_made(operator: Operator) -> None:
    result = operator("clinic", "push-keys")
    assert result.exit_code == 0
    key = result.output.rsplit(": ", 1)[1].strip()
    assert len(key) == 87


def test_an_operator_adds_lists_tests_and_removes_channels(operator: Operator) -> None:
    with http_endpoint() as endpoint:
        secret = endpoint.apprise("/hook/secret-token-wxyz")
        browser = Browser.subscribe(endpoint.url("/push/1"))
        assert (
            operator(
                "clinic", "channels", "add", "--email", "cleo@ex.org", "--kind", "email"
            ).exit_code
            == 0
        )
        added = operator(
            "clinic",
            "channels",
            "add",
            "--email",
            "cleo@ex.org",
            "--kind",
            "apprise",
            input=secret + "\n",
        )
        assert added.exit_code == 0, added.output
        assert "json://…wxyz" in added.output and "secret-token" not in added.output
        pushed = operator(
            "clinic",
            "channels",
            "add",
            "--email",
            "cleo@ex.org",
            "--kind",
            "webpush",
            input=browser.subscription(),
        )
        assert pushed.exit_code == 0, pushed.output
        quiet = operator(
            "clinic",
            "channels",
            "quiet",
            "--email",
            "cleo@ex.org",
            "--from",
            "22:00",
            "--to",
            "7:00",
        )
        assert quiet.output.strip() == "Quiet hours 22:00-07:00 (their zone)."
        listed = operator("clinic", "channels", "list", "--email", "cleo@ex.org", "--json")
        data = json.loads(listed.output)
        assert [c["kind"] for c in data["channels"]] == ["email", "apprise", "webpush"]
        assert data["quiet_hours"] == {"from": "22:00", "to": "07:00"}
        assert "secret-token" not in listed.output and browser.subscription() not in listed.output
        with smtp_server() as inbox:
            tested = operator("clinic", "channels", "test", "--email", "cleo@ex.org")
        assert tested.exit_code == 0, tested.output
        assert tested.output.count(": sent") == 3
        assert len(inbox) == 1 and len(endpoint.received) == 2
        assert browser.read(endpoint.received[-1].body)["title"] == "Supple: test message"
    ids = [c["id"] for c in data["channels"]]
    for channel_id in ids:
        gone = operator(
            "clinic", "channels", "remove", "--email", "cleo@ex.org", "--id", str(channel_id)
        )
        assert gone.exit_code == 0
    again = operator("clinic", "channels", "remove", "--email", "cleo@ex.org", "--id", str(ids[0]))
    assert again.exit_code == 2
    assert f"cleo@ex.org has no channel {ids[0]}" in again.output


def test_a_failing_channel_makes_the_test_command_exit_1(operator: Operator) -> None:
    operator("clinic", "channels", "add", "--email", "cleo@ex.org", "--kind", "email")
    result = operator("clinic", "channels", "test", "--email", "cleo@ex.org")  # no SMTP server
    assert result.exit_code == 1
    assert "failed: cannot send mail through 127.0.0.1:8900" in result.output
    listed = operator("clinic", "channels", "list", "--email", "cleo@ex.org")
    assert "last error: cannot send mail" in listed.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "--email", "nobody@ex.org", "--kind", "email"], None, "nobody@ex.org"),
        (["add", "--email", "cleo@ex.org", "--kind", "apprise"], "", "found no Apprise URL"),
        (
            ["add", "--email", "cleo@ex.org", "--kind", "apprise", "--to", "x@ex.org"],
            "",
            "--to is for",
        ),
        (["quiet", "--email", "cleo@ex.org", "--from", "22:00"], None, "both --from and --to"),
        (
            ["quiet", "--email", "cleo@ex.org", "--from", "25:00", "--to", "07:00"],
            None,
            "'25:00' is not a time",
        ),
        (
            ["quiet", "--email", "cleo@ex.org", "--from", "07:00", "--to", "07:00"],
            None,
            "cover nothing",
        ),
        (["quiet", "--email", "cleo@ex.org", "--zone", "Mars/Olympus"], None, "unknown time zone"),
        (["quiet", "--email", "cleo@ex.org"], None, "give --from and --to, --off, or --zone"),
    ],
)
def test_bad_channel_commands_say_what_is_wrong_and_exit_2(
    operator: Operator, args: list[str], stdin: str | None, message: str
) -> None:
    result = operator("clinic", "channels", *args, input=stdin)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_the_worker_refuses_a_sqlite_database_with_a_way_out(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        root, ["--db", f"sqlite:///{tmp_path / 'c.db'}", "worker"], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "the worker needs PostgreSQL" in result.output


def test_a_wrong_channel_key_is_named(operator: Operator) -> None:
    env = dict(operator.env, SUPPLE_CHANNEL_KEY="not-a-key")
    result = CliRunner().invoke(
        root, ["clinic", "channels", "test", "--email", "cleo@ex.org"], env=env
    )
    assert result.exit_code == 2
    assert "SUPPLE_CHANNEL_KEY is not a channel key" in result.output
