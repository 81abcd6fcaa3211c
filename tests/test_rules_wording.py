"""The rules said in words: every face turns the "(rule N)" ending of a dose change into the
rule's short name from ``core.rules``, so no face words a rule on its own."""

from __future__ import annotations

import pytest

from supple.core.rules import BY_NUMBER, RuleText, in_words
from supple.web.rule_links import reason_with_rule_links

ONE, TWO, THREE = (BY_NUMBER[n].name for n in "123")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("you rated it 7/10 on Tuesday (rule 1)", f"you rated it 7/10 on Tuesday ({ONE})."),
        ("a stop on Friday (rules 1 and 2)", f"a stop on Friday ({ONE} and {TWO})."),
        ("morning pain was 7/10 (rule 3).", f"morning pain was 7/10 ({THREE})."),
        ("no rule named here", "no rule named here"),
        ("a rule that does not exist (rule 9)", "a rule that does not exist (rule 9)"),
        ("", ""),
    ],
)
def test_a_reason_names_its_rules_in_words(text: str, said: str) -> None:
    assert in_words(text) == said


def test_a_face_may_word_each_rule_its_own_way() -> None:
    def number(rule: RuleText) -> str:
        return f"#{rule.number}"

    assert in_words("x (rules 1 and 2)", name=number) == "x (#1 and #2)."


def test_a_page_links_each_rule_and_escapes_the_rest() -> None:
    html = str(reason_with_rule_links("<b>Bird-Dog</b> & co (rule 3)"))
    name = THREE.replace("'", "&#39;")
    assert html == f'&lt;b&gt;Bird-Dog&lt;/b&gt; &amp; co (<a href="/rules#rule-3">{name}</a>).'
    assert str(reason_with_rule_links(None)) == ""
    assert str(reason_with_rule_links("<i>plain</i>")) == "&lt;i&gt;plain&lt;/i&gt;"
