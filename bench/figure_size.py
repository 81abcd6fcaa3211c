"""Print each exercise figure's gzip size and the average (the budget is 4 KB on average)."""

from __future__ import annotations

import gzip

from supple.figures import figure_ids, svg_for

BUDGET = 4096


def main() -> None:
    sizes: dict[str, tuple[int, int]] = {}
    for ident in figure_ids():
        raw = svg_for(ident).encode("utf-8")
        sizes[ident] = (len(raw), len(gzip.compress(raw, compresslevel=9)))
    for ident, (plain, packed) in sizes.items():
        print(f"{ident:34} {plain:7d} B raw {packed:6d} B gzip")
    average = sum(p for _, p in sizes.values()) / len(sizes)
    verdict = "within" if average < BUDGET else "OVER"
    print(f"average gzip: {average:.0f} B over {len(sizes)} figures ({verdict} {BUDGET} B)")


if __name__ == "__main__":
    main()
