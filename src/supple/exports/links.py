"""Links from an export back into the web app: a day's player, the rules, the pages a reader
of a printed plan or a report would want next. Always built from the configured base URL (the
web app's setting, or `--base-url`), never from a request's Host, so a forged Host cannot plant
a link in a file someone keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from supple.core.rules import RuleText, in_words

DEFAULT_BASE_URL = "http://127.0.0.1:8765"


@dataclass(frozen=True)
class Links:
    base_url: str = DEFAULT_BASE_URL
    own: bool = True  # the reader is the person: their progress and history are linked too

    def page(self, path: str) -> str:
        """An app page by its path ("/progress", "/rules#rule-3")."""
        return f"{self.base_url.rstrip('/')}{path}"

    def player(self, on: date) -> str:
        """The web player for that day: what a reminder's or a day card's link opens."""
        return self.page(f"/play?date={on.isoformat()}")

    def rule_links(self, text: str | None) -> Markup:
        """A dose change's reason with each rule said in words and linked to its explanation
        (``core.rules.in_words``, as the pages and the terminal say it)."""
        if not text:
            return Markup("")

        def link(rule: RuleText) -> str:
            return str(
                Markup('<a href="{}">{}</a>').format(self.page(f"/rules#{rule.anchor}"), rule.name)
            )

        return Markup(in_words(str(escape(text)), name=link))
