"""`supple export …`, `supple import` and `supple report`: the program and your data, out."""

from __future__ import annotations

from pathlib import Path

import click

from supple.cli.app import friendly, open_scope

BASE_URL = click.option(
    "--base-url",
    default="http://127.0.0.1:8765",
    show_default=True,
    help="Where the web app runs, for the links to the player and its pages.",
)
OUT = click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to FILE (default: standard output).",
)


def _write(data: bytes | str, out: Path | None, what: str) -> None:
    """Write to ``out`` (saying where and how big) or to standard output."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if out is None:
        click.echo(raw, nl=False)
        return
    from supple.core.errors import InputError

    try:
        out.write_bytes(raw)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"Wrote {what} to {out} ({len(raw):,} bytes).", err=True)


@click.group()
def export() -> None:
    """Your program and data as a calendar, a printable plan, JSON or CSV."""


@export.command("ics")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: today).")
@click.option("--weeks", default=4, show_default=True, help="How many weeks of sessions.")
@click.option("--alarm-minutes", default=10, show_default=True, help="Reminder this long before.")
@BASE_URL
@click.option("--movement-breaks", is_flag=True, help="Add reminders to get up and move.")
@click.option("--break-every", default=30, show_default=True, metavar="MIN", help="Interval.")
@click.option("--break-hours", default="09:00-17:00", show_default=True, metavar="HH:MM-HH:MM")
@click.option("--break-days", default="mon-fri", show_default=True, metavar="DAYS")
@OUT
@friendly
def export_ics(
    start: str | None,
    weeks: int,
    alarm_minutes: int,
    base_url: str,
    movement_breaks: bool,
    break_every: int,
    break_hours: str,
    break_days: str,
    out: Path | None,
) -> None:
    """Sessions as calendar events with a reminder (import the file, or re-import to update)."""
    from supple import services
    from supple.exports import ics

    options = ics.CalendarOptions(
        weeks=ics.parse_weeks(weeks),
        alarm_minutes=ics.parse_alarm(alarm_minutes),
        base_url=base_url,
        breaks=ics.parse_breaks(break_every, break_hours, break_days) if movement_breaks else None,
    )
    first = services.parse_date(start, "--from") if start else None
    _write(ics.export_calendar(open_scope(), options, start=first), out, "the calendar")


@export.command("pdf")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--date", "on", metavar="YYYY-MM-DD", help="Print the week of this date.")
@BASE_URL
@OUT
@friendly
def export_pdf(paper: str, on: str | None, base_url: str, out: Path | None) -> None:
    """A printable plan: the week at a glance with a tick grid, then a card per day."""
    from supple import services
    from supple.exports import printable

    scope = open_scope(on)
    when = services.today(scope)
    pdf = printable.export_pdf(scope, when, "letter" if paper == "letter" else "a4", base_url)
    _write(pdf, out or Path("supple-plan.pdf"), "the printable plan")


@export.command("json")
@OUT
@friendly
def export_json(out: Path | None) -> None:
    """Everything (profile, answers, plan, sessions, check-ins) as one JSON file."""
    from supple.exports import backup

    _write(backup.export_json(open_scope()), out, "your data")


@export.command("csv")
@click.option(
    "--what",
    type=click.Choice(["sessions", "checkins"]),
    required=True,
    help="Which records: one row per session, or per check-in.",
)
@OUT
@friendly
def export_csv(what: str, out: Path | None) -> None:
    """Sessions or check-ins as CSV, for a spreadsheet."""
    from supple.exports import backup

    scope = open_scope()
    text = backup.sessions_csv(scope) if what == "sessions" else backup.checkins_csv(scope)
    _write(text, out, f"the {what}")


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--merge", is_flag=True, help="Add what is missing to a database in use.")
@friendly
def import_(file: Path, merge: bool) -> None:
    """Restore a `supple export json` file into an empty database (all or nothing)."""
    from supple.core.errors import InputError
    from supple.exports import backup

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise InputError(f"cannot read {file}: {reason}. Nothing was imported.") from None
    done = backup.import_data(open_scope(), text, str(file), merge=merge)
    added = ", ".join(f"{n} {what}" for what, n in done.added.items()) or "nothing new"
    click.echo(f"Imported from {file}: {added}.")
    if done.kept:
        kept = ", ".join(f"{n} {what}" for what, n in done.kept.items())
        click.echo(f"Already there and left as they were: {kept}.")


@click.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: the start).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "fhir"]),
    default="html",
    show_default=True,
    help="A page, a PDF, or an HL7 FHIR R4 Bundle (JSON).",
)
@BASE_URL
@OUT
@friendly
def report(start: str | None, end: str | None, fmt: str, base_url: str, out: Path | None) -> None:
    """A report for your clinician: adherence, pain, PSFS, what hurt, every dose change."""
    import json

    from supple import services
    from supple.exports import report as clinician
    from supple.exports.links import Links

    first = services.parse_date(start, "--from") if start else None
    last = services.parse_date(end, "--to") if end else None
    data = clinician.build(open_scope(), first, last)
    links = Links(base_url)
    if fmt == "fhir":
        from supple.exports.fhir import bundle

        text = json.dumps(bundle(data), indent=2, ensure_ascii=False) + "\n"
        _write(text, out, "the FHIR bundle")
    elif fmt == "pdf":
        _write(clinician.render_pdf(data, links), out or Path("supple-report.pdf"), "the report")
    else:
        _write(clinician.render_html(data, links), out, "the report")


def register(group: click.Group) -> None:
    group.add_command(export)
    group.add_command(import_)
    group.add_command(report)
