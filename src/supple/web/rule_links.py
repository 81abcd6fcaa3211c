"""A dose change's reason as a page shows it: the rule named in words, linked to the rules page,
instead of the bare "(rule 3)" the terminal prints."""

from __future__ import annotations

from markupsafe import Markup, escape

from supple.core.rules import split_mention


def reason_with_rule_links(text: str | None) -> Markup:
    """``text`` with its "(rule N)" ending replaced by each rule's short name, linked."""
    if not text:
        return Markup("")
    words, rules = split_mention(text)
    if not rules:
        return escape(text)
    links = Markup(" and ").join(
        Markup('<a href="/rules#{}">{}</a>').format(rule.anchor, rule.name) for rule in rules
    )
    return escape(words.rstrip(". ")) + Markup(" (") + links + Markup(").")
