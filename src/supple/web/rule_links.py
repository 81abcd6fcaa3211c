"""A dose change's reason as a page shows it: each rule it names said in words
(``core.rules.in_words``, as the terminal and paper say it) and linked to the rules page."""

from __future__ import annotations

from markupsafe import Markup, escape

from supple.core.rules import RuleText, in_words


def _link(rule: RuleText) -> str:
    return str(Markup('<a href="/rules#{}">{}</a>').format(rule.anchor, rule.name))


def reason_with_rule_links(text: str | None) -> Markup:
    """``text`` with its "(rule N)" ending replaced by each rule's short name, linked. The
    text is escaped before the links go in, so only the links are markup."""
    if not text:
        return Markup("")
    return Markup(in_words(str(escape(text)), name=_link))
