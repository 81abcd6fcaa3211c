"""Data for a page's scripts, embedded as ``<script type="application/json">``.

Inside a script element the HTML parser ends the block at ``</script>`` and treats ``<!--`` as
the start of an escaped-comment state, so a plan's note like ``x<!--<script>`` would swallow the
rest of the page. Escaping ``<``, ``>`` and ``&`` as JSON ``\\u`` escapes (and the two line
separators JavaScript once refused) makes the block plain data that JSON.parse reads back
unchanged, whatever the strings hold.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def embed_json(value: Any) -> Markup:
    """``value`` as JSON safe to place between ``<script type="application/json">`` tags."""
    return Markup(json.dumps(value, ensure_ascii=False).translate(_ESCAPES))
