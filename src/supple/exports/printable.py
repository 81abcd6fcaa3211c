"""The plan on paper, for the fridge door: a week at a glance with a 4-week tick grid, then
one card per day with every step and cue.

The page is HTML from Jinja2 templates, turned into a PDF by WeasyPrint. WeasyPrint needs the
Pango libraries from the system; when they are missing the person is told which packages to
install rather than shown a traceback. The same HTML is what a web page can offer to print.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from supple.core.errors import SuppleError
from supple.exports.links import DEFAULT_BASE_URL, Links
from supple.exports.text import duration

if TYPE_CHECKING:
    import jinja2

    from supple.core.day_plan import DayPlan
    from supple.services import Scope

Paper = Literal["a4", "letter"]
PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}
INSTALL_HINT = (
    "the printable plan needs the Pango text libraries, which this system lacks; on Debian or "
    "Ubuntu install them with `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "fonts-dejavu-core` (on macOS: `brew install pango`), then try again"
)
GRID_WEEKS = 4


class MissingLibraries(SuppleError):
    """WeasyPrint cannot find the system libraries it draws text with."""


@dataclass(frozen=True)
class Sheet:
    """What the templates need: the week's days, the grid's dates, and the stills."""

    title: str
    paper: str
    week: int
    maintenance: bool
    days: list[DayPlan]
    grid: list[list[date]]  # GRID_WEEKS rows of seven dates
    stills: dict[str, str]  # exercise id -> data: URL of its figure, when figures exist
    session_time: str
    timezone: str
    links: Links  # each day's player, the rules, the plan online


@cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("supple.exports", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["duration"] = duration
    return env


def _stills(days: list[DayPlan]) -> dict[str, str]:
    """Each exercise's still picture as a data: URL, for the exercises that have a figure.

    A picture helps but is not needed to follow the plan: when the figures cannot be read,
    the sheet is printed without them.
    """
    try:
        from supple.figures import figure_ids, still_for

        known = set(figure_ids())
    except (ImportError, OSError, SuppleError):
        return {}
    stills: dict[str, str] = {}
    for plan in days:
        for item in plan.items:
            ident = item.exercise.id
            if ident in known and ident not in stills:
                svg = still_for(ident)
                encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
                stills[ident] = f"data:image/svg+xml;base64,{encoded}"
    return stills


def sheet(scope: Scope, on: date, paper: Paper = "a4", base_url: str = DEFAULT_BASE_URL) -> Sheet:
    """The program week containing ``on`` (or the first week before the start), and a grid
    of the four weeks from it."""
    from supple import services

    profile = services.get_profile(scope)
    services.window_check(scope, profile, on)
    anchor = max(on, profile.start_date)
    days = services.week(scope, anchor)
    first = days[0].on
    grid = [[first + timedelta(days=7 * w + d) for d in range(7)] for w in range(GRID_WEEKS)]
    return Sheet(
        title=profile.plan_name,
        paper=PAPERS[paper],
        week=days[0].slot.week,
        maintenance=days[0].slot.maintenance,
        days=days,
        grid=grid,
        stills=_stills(days),
        session_time=profile.session_time,
        timezone=profile.timezone,
        links=Links(base_url),
    )


def render_html(data: Sheet) -> str:
    from supple.core.safety import DISCLAIMER

    context: dict[str, Any] = {"s": data, "disclaimer": DISCLAIMER}
    return environment().get_template("printable.html").render(**context)


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (OSError, ImportError):
        raise MissingLibraries(INSTALL_HINT) from None
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """A PDF from our HTML; the person is told what to install if the libraries are missing."""
    weasyprint = _weasyprint()
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def export_pdf(
    scope: Scope, on: date, paper: Paper = "a4", base_url: str = DEFAULT_BASE_URL
) -> bytes:
    """``supple export pdf``, and what the web app's print button can serve; its links lead
    to the web app at ``base_url``."""
    return html_to_pdf(render_html(sheet(scope, on, paper, base_url)))
