"""Figures in a real browser (Debian's Chromium, headless): every limb is drawn at the same
width relative to the picture whether the figure is a thumbnail or fills the screen, at any
moment of its animation."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supple.figures import svg_for

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.slow

# For each drawn line: its width on screen over the width it would have if it scaled with the
# picture like everything else. A stroke drawn in screen pixels (vector-effect) counts as is.
MEASURE = """(root) => {
  const svg = root.querySelector('svg');
  const unit = Math.hypot(svg.getScreenCTM().a, svg.getScreenCTM().b);
  const out = [];
  for (const line of root.querySelectorAll('.v line')) {
    const width = parseFloat(line.getAttribute('stroke-width') || '1');
    const m = line.getScreenCTM();
    const across = Math.hypot(m.c, m.d);
    const fixed = getComputedStyle(line).vectorEffect === 'non-scaling-stroke';
    out.push((fixed ? width : width * across) / (width * unit));
  }
  return out;
}"""


def _browser_or_skip() -> None:
    if Path(CHROMIUM).exists() and shutil.which("chromium"):
        return
    message = "Chromium is missing: apt-get install chromium (make test does it as root)"
    if os.environ.get("SUPPLE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser.new_page(viewport={"width": 1400, "height": 900})
        browser.close()


def _widths(page: Any, svg: str, height: int, seconds: float) -> list[float]:
    page.set_content(
        f'<div id="f" style="height:{height}px">{svg}</div>'
        "<style>svg{height:100%;width:auto}</style>"
    )
    page.evaluate(
        "(t) => { for (const a of document.getAnimations()) { a.pause(); a.currentTime = t; } }",
        seconds * 1000,
    )
    result: list[float] = page.eval_on_selector("#f", MEASURE)
    return result


FIGURES = [
    "hip-circles",
    "wall-angels",
    "hip-90-90",
    "supine-spinal-twist",
    "side-plank-hold",
    "hollow-body-hold",
    "romanian-deadlifts",
]


@pytest.mark.parametrize("ident", FIGURES)
def test_every_limb_keeps_its_width_from_thumbnail_to_full_screen(page: Any, ident: str) -> None:
    svg = svg_for(ident)
    for height in (120, 700):
        for seconds in (0.0, 0.7, 1.4, 2.6):
            widths = _widths(page, svg, height, seconds)
            assert widths, "no limbs measured"
            assert all(abs(w - 1.0) < 0.02 for w in widths), (height, seconds, widths)


def test_the_width_check_sees_a_stroke_drawn_in_screen_pixels(page: Any) -> None:
    svg = svg_for("hip-90-90").replace("<line ", '<line vector-effect="non-scaling-stroke" ', 1)
    assert any(abs(w - 1.0) > 0.5 for w in _widths(page, svg, 700, 1.4))
