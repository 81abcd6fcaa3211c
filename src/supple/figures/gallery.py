"""Write every figure to a folder with an index.html gallery, and optionally PNG snapshots.

A quick way to look at all of them at once; PNGs go through headless Chromium because
browsers are what will show the animations.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

from supple.core.errors import SuppleError
from supple.figures import figure_ids, still_for, svg_for

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = (
    "--png needs Chromium: install it (for example `sudo apt-get update && "
    "sudo apt-get install -y chromium`) and run the command again"
)


class ChromiumMissing(SuppleError):
    """PNG output was asked for but no headless browser is installed."""


def find_chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _gallery(entries: list[tuple[str, str, list[str]]]) -> str:
    cards = "".join(
        f'<figure><img src="{ident}.svg" alt="{html.escape(name)}">'
        f'<div class="strip">{"".join(f"<img src={s!r} alt=>" for s in stills)}</div>'
        f"<figcaption>{html.escape(name)}</figcaption></figure>"
        for ident, name, stills in entries
    )
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Supple figures</title>'
        "<style>body{font-family:system-ui,sans-serif;margin:16px;color:#222;background:#fff}"
        "@media (prefers-color-scheme:dark){body{color:#eee;background:#1b1b1b}}"
        "main{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:14px}"
        "figure{margin:0;border:1px solid #8884;border-radius:8px;padding:8px}"
        "figure>img{width:100%;height:150px}.strip{display:flex;gap:4px}"
        ".strip img{flex:1;height:80px;min-width:0}figcaption{font-size:14px;text-align:center}"
        "</style><h1>Exercise figures</h1><main>" + cards + "</main></html>"
    )


def write_gallery(out: Path) -> list[Path]:
    """Every animated figure, its keyframes as stills, and index.html; returns the files."""
    from supple.figures.data import bundled_figures
    from supple.planfile import bundled_catalog

    out.mkdir(parents=True, exist_ok=True)
    catalog = bundled_catalog()
    written: list[Path] = []
    entries: list[tuple[str, str, list[str]]] = []
    for ident in figure_ids():
        path = out / f"{ident}.svg"
        path.write_text(svg_for(ident), encoding="utf-8")
        written.append(path)
        stills: list[str] = []
        for i in range(len(bundled_figures()[ident].frames)):
            still = out / f"{ident}.frame{i + 1}.svg"
            still.write_text(still_for(ident, i), encoding="utf-8")
            stills.append(still.name)
        entries.append((ident, catalog[ident].name, stills))
    index = out / "index.html"
    index.write_text(_gallery(entries), encoding="utf-8")
    written.append(index)
    return written


def screenshot(page: Path, png: Path, *, width: int = 1400, height: int = 4200) -> Path:
    """Render ``page`` to ``png`` with headless Chromium."""
    browser = find_chromium()
    if browser is None:
        raise ChromiumMissing(INSTALL_HINT)
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return png
