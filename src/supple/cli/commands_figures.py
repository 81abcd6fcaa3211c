"""`supple figures`: every exercise figure in one folder, for a quick look at all of them."""

from __future__ import annotations

from pathlib import Path

import click

from supple.cli.app import friendly


@click.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the SVG files and index.html into.",
)
@click.option("--png", is_flag=True, help="Also save gallery.png through headless Chromium.")
@friendly
def figures(out: Path, png: bool) -> None:
    """Write every exercise's animated figure (SVG) and an index.html gallery."""
    from supple.figures import gallery

    if png and gallery.find_chromium() is None:
        raise gallery.ChromiumMissing(gallery.INSTALL_HINT)
    written = gallery.write_gallery(out)
    count = sum(1 for p in written if p.suffix == ".svg" and ".frame" not in p.name)
    click.echo(f"{count} figures written to {out} (open {out / 'index.html'})")
    if png:
        shot = gallery.screenshot(out / "index.html", out / "gallery.png")
        click.echo(f"Snapshot saved to {shot}")


def register(group: click.Group) -> None:
    group.add_command(figures)
